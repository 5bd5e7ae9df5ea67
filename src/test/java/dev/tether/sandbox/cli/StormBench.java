package dev.tether.sandbox.cli;

import dev.tether.azure.ReadGovernor;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.FleetWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.Storm;
import dev.tether.sandbox.WorldFile;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code bench-storm [DELIVERIES [APPS [CLUSTERS]]]}: an Event Grid storm through the harness; calls, 429s and throughput. */
final class StormBench {
    private StormBench() {
    }

    /** @param progress where a line goes every 10 s while the storm runs (stderr from the command line) */
    static int run(PrintStream out, int deliveries, int apps, int clusters, boolean verbose, PrintStream progress) {
        return run(out, deliveries, apps, clusters, false, verbose, progress);
    }

    /** @param resourcesTopic apps' and clusters' writes arrive as the resources topic's CreatedOrUpdated ({@link Storm.Spec}) */
    static int run(PrintStream out, int deliveries, int apps, int clusters, boolean resourcesTopic, boolean verbose, PrintStream progress) {
        WorldFile world = WorldFile.parse(FleetWorld.unlinked(apps, clusters), "storm");
        try (Sandbox s = new Sandbox(world)) {
            long t0 = System.nanoTime();
            long[] next = {t0 + 10_000_000_000L};
            Storm.Report r = Storm.run(s, new Storm.Spec(apps, clusters, deliveries, 42, resourcesTopic), done -> {
                long now = System.nanoTime();
                if (now >= next[0]) {
                    progress.println("  storm: " + done + " deliveries handled (" + (now - t0) / 1_000_000_000 + " s)");
                    next[0] = now + 10_000_000_000L;
                }
            });
            print(out, r);
            if (verbose) {
                Map<String, Integer> byCall = new TreeMap<>();
                for (CallLog.Call c : s.calls().calls()) {
                    byCall.merge(c.target() + " " + c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")
                            .replaceAll("app\\d+|plan\\d+|aks\\d+|apps\\d+|net\\d+|vnet\\d+|tether-plan\\d+", "*"), 1, Integer::sum);
                }
                byCall.forEach((k, v) -> out.println(String.format("  %6d  %s", v, k)));
            }
        }
        return 0;
    }

    static void print(PrintStream out, Storm.Report r) {
        Storm.Spec spec = r.spec();
        out.println("Tether event-storm bench: " + spec.deliveries() + " deliveries for " + spec.apps() + " apps (one plan each) and " + spec.clusters()
                + " clusters, seed " + spec.seed() + (spec.resourcesTopic() ? "; apps' and clusters' writes from the resources topic (tags in the event)" : ""));
        Table t = new Table("DELIVERIES", "ACTIONS", "REDELIVERED", "ARM R/W", "429s", "K8S R/W", "FAILED WRITES", "VIRTUAL SPAN", "WALL", "EVENTS/S");
        t.row(String.valueOf(spec.deliveries()), r.actions().toString(), String.valueOf(r.redeliveries()), r.armReads() + "/" + r.armWrites(),
                String.valueOf(r.throttled()), r.kubeReads() + "/" + r.kubeWrites(), String.valueOf(r.armFailedWrites() + r.kubeFailedWrites()),
                r.virtualSpan().toSeconds() + " s", r.wallMillis() + " ms", String.format("%.1f", r.eventsPerSecond()));
        t.print(out);
        out.println("  minimum writes: ARM " + 4 * spec.apps() + " (subnet, site, slot-setting mark, app settings per app), Kubernetes " + 4 * spec.clusters()
                + " (tether-dns create and pin, coredns-custom, CoreDNS restart per cluster); violations: " + r.violations().size());
        // The floor: no pacing that keeps Tether within its share of ARM's read bucket can do these reads sooner.
        double share = 0.5;
        double floor = Math.max(0, (r.armReads() - ReadGovernor.ARM_READ_BURST * share) / (ReadGovernor.ARM_READ_REFILL * share));
        double fullBucket = Math.max(0, (r.armReads() - ReadGovernor.ARM_READ_BURST) / ReadGovernor.ARM_READ_REFILL);
        out.println(String.format(java.util.Locale.ROOT, "  ARM reads per app: %.1f; the read bucket's floor for %d reads at Tether's share (50%%: %.1f burst, %.1f/s): %.0f s "
                        + "(the whole bucket: %.0f s); virtual span %d s = %.2f x the floor",
                (double) r.armReads() / spec.apps(), r.armReads(), ReadGovernor.ARM_READ_BURST * share, ReadGovernor.ARM_READ_REFILL * share, floor, fullBucket,
                r.virtualSpan().toSeconds(), r.virtualSpan().toSeconds() / Math.max(1, floor)));
        if (r.throttled() > 0) {
            out.println("  of the wall time, about " + r.throttled() + " s is the Azure SDK sleeping Retry-After (1 s) before retrying its "
                    + r.throttled() + " throttled reads: real seconds, while the sandbox's clock is virtual");
        }
    }
}
