package dev.tether.sandbox.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The cold-start section of {@code report}, and {@code bench-cold RUNS}, which measures and prints it on its own. */
final class ColdStartReport {
    /** Sources listed one by one in the class table; the rest are summed in one row. */
    static final int LISTED = 20;

    private ColdStartReport() {
    }

    static String markdown(ColdStart.Figures f, int runs) {
        StringBuilder md = new StringBuilder();
        md.append("JVM start to the return of the first handled event, in fresh JVMs with the same flags, alternating, ").append(runs)
                .append(" runs each. The first four are given the same real ResourceWriteSuccess for the demo world's app, which is tagged ")
                .append("`private-link`. Hello world: an Event Grid function that logs a line (`HelloFunction`). Durable hello world: ")
                .append("the Durable Functions for Java quickstart behind an Event Grid trigger, starting one orchestration with the event ")
                .append("as input through the durabletask-azure-functions client Tether uses (`DurableHelloFunction`, on the package's jars it loads ")
                .append("classes from). Durable hello world reading ARM: the same function that first reads the site's tags from ARM, written ")
                .append("with only what that read needs from the libraries Tether uses: `ManagedIdentityCredential`, an azure-core pipeline (retry, ")
                .append("bearer token) on the JDK HTTP client, one GET, the `tags` read with azure-json (`DurableArmHelloFunction`, on the ")
                .append("package's jars it loads classes from); it is the floor for a function that must read ARM before it starts. ")
                .append("Tether: its deployable package (`target/azure-functions/tether`), `OnResourceEvent`, whose whole intake ")
                .append("path runs up to the orchestration start: parse, route, scope, the instance look-up on the sidecar, the managed-identity ")
                .append("token, the ARM read of the site through the Azure SDK pipeline, the start. The sidecar (gRPC), the App Service ")
                .append("managed-identity endpoint and ARM (the emulator) answer on loopback ports from the process that runs the probes; each ")
                .append("run's calls are checked. Tether, resources topic: the same package and function given the same write as Azure Resource ")
                .append("Notifications' resources topic raises it (`Microsoft.ResourceNotifications.Resources.CreatedOrUpdated`, Microsoft's example ")
                .append("with the app's body; main.bicep `eventSource=resourceNotifications`, preview): the tags are in the event, so the path ")
                .append("is parse, route, scope, the instance look-up, the start, with no token and no ARM call (checked). ")
                .append("The Functions host and worker start-up, the same for all five, is in no figure.\n\n");
        md.append("| | runs (ms) | median (ms) | process CPU, median (ms) | classes loaded |\n|---|---|---|---|---|\n");
        for (ColdStart.Side s : List.of(f.hello(), f.durableHello(), f.armFloor(), f.tether(), f.notified())) {
            md.append("| ").append(s.name()).append(" | ").append(s.runs()).append(" | ").append(s.median()).append(" | ").append(s.cpuMedian())
                    .append(" | ").append(s.classes()).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nTether against the Durable hello world: **%.2f×** wall time (target 1.5×; %d ms more), %.2f× process CPU "
                        + "time (all threads; it varies less than wall time on a shared machine); against the hello world: %.1f× wall time.%n%n",
                f.tether().ratio(f.durableHello()), f.tether().median() - f.durableHello().median(), f.tether().cpuRatio(f.durableHello()), f.tether().ratio(f.hello())));
        md.append(String.format(Locale.ROOT, "The floor, the Durable hello world reading ARM, against the Durable hello world: %.2f× wall time, %.2f× "
                        + "process CPU time. Tether against that floor: **%.2f×** wall time (%d ms more), %.2f× process CPU time.%n%n",
                f.armFloor().ratio(f.durableHello()), f.armFloor().cpuRatio(f.durableHello()),
                f.tether().ratio(f.armFloor()), f.tether().median() - f.armFloor().median(), f.tether().cpuRatio(f.armFloor())));
        md.append(String.format(Locale.ROOT, "Tether on the resources topic's event, against the Durable hello world: **%.2f×** wall time (target 1.5×; "
                        + "%d ms more), %.2f× process CPU time.%n%n",
                f.notified().ratio(f.durableHello()), f.notified().median() - f.durableHello().median(), f.notified().cpuRatio(f.durableHello())));
        md.append("Tether's first event made these calls: ").append(String.join("; ", f.tetherCalls())).append(". On the resources topic's event: ")
                .append(String.join("; ", f.notifiedCalls())).append(".\n\n");
        md.append("Classes loaded before the first event returned, by source, counted in one more run of each with `-Xlog:class+load`:\n\n");
        md.append("| source | hello world | Durable hello world | Durable hello world reading ARM | Tether | Tether, resources topic |\n|---|---|---|---|---|---|\n");
        List<ColdStart.Side> sides = List.of(f.hello(), f.durableHello(), f.armFloor(), f.tether(), f.notified());
        Set<String> sources = new LinkedHashSet<>();
        for (ColdStart.Side s : List.of(f.tether(), f.notified(), f.armFloor(), f.durableHello(), f.hello())) {
            s.byJar().forEach(e -> sources.add(e.getKey()));
        }
        List<String> all = new ArrayList<>(sources);
        int[] other = new int[sides.size()];
        for (int i = 0; i < all.size(); i++) {
            String src = all.get(i);
            if (i < LISTED) {
                md.append("| ").append(src);
                sides.forEach(s -> md.append(" | ").append(s.classesFrom(src)));
                md.append(" |\n");
            } else {
                for (int k = 0; k < sides.size(); k++) {
                    other[k] += sides.get(k).classesFrom(src);
                }
            }
        }
        if (all.size() > LISTED) {
            md.append("| ").append(all.size() - LISTED).append(" other sources");
            for (int n : other) {
                md.append(" | ").append(n);
            }
            md.append(" |\n");
        }
        md.append("| **all**");
        sides.forEach(s -> md.append(" | ").append(s.classes()));
        md.append(" |\n\n");
        return md.toString();
    }

    /** {@code bench-cold RUNS}: the section on its own (needs the deployable package, as {@code report} does). */
    static void run(java.io.PrintStream out, int runs) {
        out.print(markdown(ColdStart.measure(runs), runs));
    }
}
