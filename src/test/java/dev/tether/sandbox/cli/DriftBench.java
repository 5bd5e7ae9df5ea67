package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.FleetWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code bench-drift}: one drift scan over worlds of 100, 1,000 and 10,000 tagged apps spread over 10 linked clusters,
 * 1% of the apps drifted (WEBSITE_DNS_SERVER removed), under the emulator's ARM read token bucket (250 burst, 25/s).
 * Prints ARM reads, 429s received, virtual time to finish, and repairs started against the drifted count.
 */
final class DriftBench {
    private static final ObjectMapper M = new ObjectMapper();
    static final int CLUSTERS = 10;

    private DriftBench() {
    }

    static int run(PrintStream out, int[] sizes) {
        out.println("Tether drift-scan bench: 10 linked clusters, 1% of apps drifted, ARM read bucket 250 burst / 25 per s, scan share 50%");
        Table t = new Table("APPS", "DRIFTED", "ARM READS", "429s", "K8S READS", "SERVICE LIST PAGES", "GUARD READS", "VIRTUAL TIME", "REPAIRS STARTED", "WALL TIME");
        for (int apps : sizes) {
            ObjectNode worldJson = world(apps);
            WorldFile world = WorldFile.parse(worldJson, "bench " + apps);
            int drifted = Math.max(1, apps / 100);
            long wall0 = System.nanoTime();
            try (Sandbox s = new Sandbox(world)) {
                int mark = s.calls().size();
                s.timer();
                DurableDriver.InstanceView scan;
                do {
                    if (!s.durable().step()) {
                        break;
                    }
                    scan = s.durable().instance("tether-drift-scan").orElseThrow();
                } while (!scan.status().equals("Completed") && !scan.status().equals("Failed"));
                scan = s.durable().instance("tether-drift-scan").orElseThrow();
                List<CallLog.Call> calls = s.calls().since(mark);
                long reads = calls.stream().filter(c -> c.target().equals("arm") && !c.isWrite()).count();
                long throttled = calls.stream().filter(c -> c.status() == 429).count();
                long kubeReads = calls.stream().filter(c -> c.target().equals("kubernetes") && !c.isWrite()).count();
                long servicePages = calls.stream().filter(c -> c.target().equals("kubernetes") && c.method().equals("GET")
                        && c.path().startsWith("/api/v1/services")).count();
                long guardReads = calls.stream().filter(c -> c.target().equals("kubernetes") && c.method().equals("GET")
                        && c.path().startsWith("/apis/admissionregistration.k8s.io/")).count();
                JsonNode report = M.readTree(scan.output() == null ? "{}" : scan.output());
                t.row(String.valueOf(apps), String.valueOf(drifted), String.valueOf(reads), String.valueOf(throttled),
                        String.valueOf(kubeReads), String.valueOf(servicePages), String.valueOf(guardReads), report.path("virtualSeconds").asLong() + " s", report.path("repairsStarted").size() + " (target " + drifted + ")",
                        Duration.ofNanos(System.nanoTime() - wall0).toMillis() + " ms");
                if (!scan.status().equals("Completed")) {
                    out.println("  scan of " + apps + " apps ended " + scan.status() + ": " + scan.failure());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        t.print(out);
        out.println("  ARM reads = Resource Graph pages + one app-settings read per app; cluster checks read Kubernetes, not ARM.");
        out.println("  Kubernetes reads per cluster: tether-dns, coredns-custom, the CoreDNS Deployment, one list of Services in pages of 500,");
        out.println("  and the exposure guard's policy and binding (two reads, also when the guard is off: one may be left behind; a missing");
        out.println("  one under private-link-guard=true costs one discovery read more, to tell a deleted guard from a cluster without the API)");
        out.println("  (no label selector finds Services opted in by annotation, so the list is unfiltered and filtered by annotation in code).");
        return 0;
    }

    /** A converged world: every cluster linked (tether-dns pinned, override loaded), every app joined, 1% missing its DNS setting. */
    static ObjectNode world(int apps) {
        return FleetWorld.linked(apps, CLUSTERS, 100);
    }
}
