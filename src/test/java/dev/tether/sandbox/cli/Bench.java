package dev.tether.sandbox.cli;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code bench}: what one link costs. Prints ARM and Kubernetes reads and writes for a fresh link and for a no-op pass
 * (the same event again), each next to the minimum the job needs, and wall-clock figures for the sandbox run.
 * A benchmark that prints figures, not a timed test.
 */
final class Bench {
    private Bench() {
    }

    /** Minimum calls for a fresh link: docs/BENCHMARKS.md section 1 explains each (docs/PERFORMANCE.md). */
    /** With the plan's VNet connections (issue 9 point 6) and the site's slot settings: read before the mark is merged into them (a PUT replaces the list). */
    static final int MIN_ARM_READS = 11;
    /** Subnet, site, slot-setting mark (config/slotConfigNames), app settings. */
    static final int MIN_ARM_WRITES = 4;
    /** tether-dns, coredns-custom and the CoreDNS Deployment, then one readiness check: Services, EndpointSlices, Deployment. */
    static final int MIN_KUBE_READS = 6;
    static final int MIN_KUBE_WRITES = 4;

    static int run(PrintStream out, int rounds) {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        List<Long> linkMillis = new ArrayList<>();
        List<CallLog.Call> fresh = null;
        List<CallLog.Call> noop = null;
        List<CallLog.Call> redelivered = null;
        for (int i = 0; i < rounds; i++) {
            try (Sandbox s = new Sandbox(world)) {
                long t0 = System.nanoTime();
                s.deliverAll(DemoWorld.events());
                s.runUntilIdle();
                linkMillis.add((System.nanoTime() - t0) / 1_000_000);
                fresh = s.calls().calls();
                int mark = s.calls().size();
                s.deliverAll(DemoWorld.events());
                s.runUntilIdle();
                redelivered = s.calls().since(mark);
                mark = s.calls().size();
                s.deliverAll(NoOpPass.newerEvents(DemoWorld.events(), s.clock().now()));
                s.runUntilIdle();
                noop = s.calls().since(mark);
            }
        }
        out.println("Tether bench: one App Service linked to one AKS cluster (bundled demo world), " + rounds + " rounds");
        Table t = new Table("PASS", "ARM READS", "ARM WRITES", "K8S READS", "K8S WRITES");
        t.row("minimum (fresh link)", String.valueOf(MIN_ARM_READS), String.valueOf(MIN_ARM_WRITES), String.valueOf(MIN_KUBE_READS), String.valueOf(MIN_KUBE_WRITES));
        t.row("fresh link", count(fresh, "arm", false), count(fresh, "arm", true), count(fresh, "kubernetes", false), count(fresh, "kubernetes", true));
        t.row("no-op pass (newer event)", count(noop, "arm", false), count(noop, "arm", true), count(noop, "kubernetes", false), count(noop, "kubernetes", true));
        t.row("same event redelivered", count(redelivered, "arm", false), count(redelivered, "arm", true), count(redelivered, "kubernetes", false),
                count(redelivered, "kubernetes", true));
        t.print(out);
        long checks = fresh.stream().filter(c -> c.method().equals("GET") && c.path().equals("/api/v1/services?limit=500")).count();
        long pods = fresh.stream().filter(c -> c.method().equals("GET") && c.path().startsWith("/api/v1/namespaces/kube-system/pods")).count();
        out.println("  DNS readiness in the fresh link: " + checks + " checks of 3 reads each (Services, EndpointSlices of tether-dns, CoreDNS"
                + " Deployment) + " + pods + " CoreDNS pod lists while the rollout ran = " + (3 * checks + pods)
                + " reads; the minimum is one check (3 reads), when the IP and the rollout are ready at the first look");
        long cold = linkMillis.get(0);
        Collections.sort(linkMillis);
        out.println("  wall time per link in the sandbox (includes the emulators): first round " + cold + " ms (cold classes and JIT),"
                + " median " + linkMillis.get(linkMillis.size() / 2) + " ms, min " + linkMillis.get(0) + " ms, max "
                + linkMillis.get(linkMillis.size() - 1) + " ms");
        out.println("  Cold start is measured in fresh JVMs by `report` (docs/BENCHMARKS.md), not here: exec:java shares Maven's JVM.");
        return 0;
    }

    private static String count(List<CallLog.Call> calls, String target, boolean writes) {
        return String.valueOf(calls.stream().filter(c -> c.target().equals(target) && c.isWrite() == writes).count());
    }
}
