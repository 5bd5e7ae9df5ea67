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
                .append(" runs each. All three are given the same real ResourceWriteSuccess for the demo world's app, which is tagged ")
                .append("`private-link`. Hello world: an Event Grid function that logs a line (`HelloFunction`). Durable hello world: ")
                .append("the Durable Functions for Java quickstart behind an Event Grid trigger, starting one orchestration with the event ")
                .append("as input through the durabletask-azure-functions client Tether uses (`DurableHelloFunction`, on the package's jars it loads ")
                .append("classes from). Tether: its deployable package (`target/azure-functions/tether`), `OnResourceEvent`, whose whole intake ")
                .append("path runs up to the orchestration start: parse, route, scope, the instance look-up on the sidecar, the managed-identity ")
                .append("token, the ARM read of the site through the Azure SDK pipeline, the start. The sidecar (gRPC), the App Service ")
                .append("managed-identity endpoint and ARM (the emulator) answer on loopback ports from the process that runs the probes; each ")
                .append("run's calls are checked. The Functions host and worker start-up, the same for all three, is in no figure.\n\n");
        md.append("| | runs (ms) | median (ms) | process CPU, median (ms) | classes loaded |\n|---|---|---|---|---|\n");
        for (ColdStart.Side s : List.of(f.hello(), f.durableHello(), f.tether())) {
            md.append("| ").append(s.name()).append(" | ").append(s.runs()).append(" | ").append(s.median()).append(" | ").append(s.cpuMedian())
                    .append(" | ").append(s.classes()).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nTether against the Durable hello world: **%.2f×** wall time (target 1.5×; %d ms more), %.2f× process CPU "
                        + "time (all threads; it varies less than wall time on a shared machine); against the hello world: %.1f× wall time.%n%n",
                f.ratio(f.durableHello()), f.tether().median() - f.durableHello().median(), f.cpuRatio(f.durableHello()), f.ratio(f.hello())));
        md.append("Tether's first event made these calls: ").append(String.join("; ", f.tetherCalls())).append(".\n\n");
        md.append("Classes loaded before the first event returned, by source, counted in one more run of each with `-Xlog:class+load`:\n\n");
        md.append("| source | hello world | Durable hello world | Tether |\n|---|---|---|---|\n");
        Set<String> sources = new LinkedHashSet<>();
        for (ColdStart.Side s : List.of(f.tether(), f.durableHello(), f.hello())) {
            s.byJar().forEach(e -> sources.add(e.getKey()));
        }
        List<String> all = new ArrayList<>(sources);
        int[] other = new int[3];
        for (int i = 0; i < all.size(); i++) {
            String src = all.get(i);
            int[] n = {f.hello().classesFrom(src), f.durableHello().classesFrom(src), f.tether().classesFrom(src)};
            if (i < LISTED) {
                md.append("| ").append(src).append(" | ").append(n[0]).append(" | ").append(n[1]).append(" | ").append(n[2]).append(" |\n");
            } else {
                for (int k = 0; k < 3; k++) {
                    other[k] += n[k];
                }
            }
        }
        if (all.size() > LISTED) {
            md.append("| ").append(all.size() - LISTED).append(" other sources | ").append(other[0]).append(" | ").append(other[1])
                    .append(" | ").append(other[2]).append(" |\n");
        }
        md.append("| **all** | ").append(f.hello().classes()).append(" | ").append(f.durableHello().classes()).append(" | ")
                .append(f.tether().classes()).append(" |\n\n");
        return md.toString();
    }

    /** {@code bench-cold RUNS}: the section on its own (needs the deployable package, as {@code report} does). */
    static void run(java.io.PrintStream out, int runs) {
        out.print(markdown(ColdStart.measure(runs), runs));
    }
}
