package dev.tether.sandbox.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code report [--quick]}: runs every benchmark and writes docs/BENCHMARKS.md with the machine and the date: calls
 * per link against the minimum, drift scans of 100, 1,000 and 10,000 apps, the event storm, cold start against a
 * hello-world function, the deployable package, and the public-exposure window with and without the exposure guard; the
 * full run also storms 1,000 apps with 10,000 events.
 * {@code --quick} is a smoke run: drift scans of 100 and 1,000 apps, a storm of 200 deliveries for 20 apps and 2
 * clusters, 3 cold starts; it writes {@link #QUICK_OUT}, never the committed report. Both need the deployable package,
 * checked before anything runs.
 */
final class Report {
    static final Path OUT = Path.of("docs/BENCHMARKS.md");
    static final Path QUICK_OUT = Path.of("target/BENCHMARKS-quick.md");
    static final List<String> TEST_SCOPE = List.of("junit", "mockito", "kubernetes-server-mock", "mockwebserver", "byte-buddy", "opentest4j");

    private Report() {
    }

    static int run(PrintStream console, boolean quick) {
        if (!Files.isDirectory(ColdStart.PACKAGE.resolve("lib")) || !Files.isRegularFile(ColdStart.PACKAGE.resolve("host.json"))) {
            throw new SandboxMain.UsageException("report measures the deployable package, and " + ColdStart.PACKAGE + " is not built: run "
                    + "mvn -q -B -DskipTests package exec:java -Dexec.args=\"report" + (quick ? " --quick" : "") + "\"");
        }
        Path target = quick ? QUICK_OUT : OUT;
        console.println("report" + (quick ? " --quick" : "") + ": six sections, written to " + target
                + (quick ? " (a quick run never replaces " + OUT + ")" : " (about 5 minutes on 2 cores, a third of it the 10,000-event storm)"));
        long t0 = System.nanoTime();
        int[] sizes = quick ? new int[]{100, 1000} : new int[]{100, 1000, 10000};
        int coldRuns = quick ? 3 : 7;
        StringBuilder md = new StringBuilder();
        md.append("# Tether benchmarks\n\n");
        md.append("Written by `mvn -q -B -DskipTests package exec:java -Dexec.args=\"report\"` on ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(quick ? " (quick run: `report --quick`)" : "").append(".\n\n");
        md.append("Machine: ").append(machine()).append(".\n\n");
        md.append("Everything below runs Tether's real code against the local world (the Azure SDK pipeline against the ARM emulator, ")
                .append("client-java against fabric8's API server, the durabletask replay engine). Call counts and virtual times are exact and ")
                .append("repeatable; wall times are this machine's.\n\n");

        section(md, console, "1. Calls per link", "One App Service linked to one AKS cluster (the demo world). The minimum is what the job "
                + "cannot do with less: ARM reads of the site, the tag-filtered resource list that finds the cluster, the cluster, its VNet, "
                + "the plan, the plan's VNet connections (a plan whose integration another app already uses elsewhere is refused before a subnet "
                + "is created), the cluster user credential, the app settings, the site's slot settings, and the subnet PUT's operation poll and final GET; Kubernetes reads "
                + "of tether-dns, coredns-custom, the CoreDNS Deployment and one DNS readiness check (three reads); writes of the subnet, the site, the tether-dns "
                + "Service create and IP pin, coredns-custom, the CoreDNS restart, the DNS setting's slot-setting mark and the app settings.", out -> Bench.run(out, 3), t0);
        md.append("Where the fresh link exceeds the minimum: the six extra ARM reads are the trigger's read of the site before it starts ")
                .append("anything, the pre-flight's read of the app settings (a DNS server Tether did not set is refused before the first write), ")
                .append("the VNet, site and slot settings re-read by the steps that write them (what makes a step safe to run again after a crash, ")
                .append("and lets the subnet step move off a range another plan took since the plan), and the subnet operation's second poll (the ")
                .append("emulator's long-running operations answer `InProgress` once, with a `Retry-After`, before `Succeeded`); the fifteen extra Kubernetes reads are the ")
                .append("pre-flight's reads of tether-dns and coredns-custom, the re-read of coredns-custom right before the CoreDNS restart, ")
                .append("and the DNS readiness checks after the first (three reads every 15 s, plus the CoreDNS pod list while the rollout runs) ")
                .append("until tether-dns has its IP and CoreDNS has rolled out. ")
                .append("A newer event for a linked app costs one no-op pass of reads and no write; a redelivery of an event the last pass ")
                .append("already saw costs nothing.\n\n");

        section(md, console, "2. Drift scans", "10 linked clusters, 1% of the apps drifted, ARM's read bucket (250 burst, 25/s) enforced by "
                + "the emulator, the scan allowed 50% of it. Target: no 429.", out -> DriftBench.run(out, sizes), t0);

        int[] storm = quick ? new int[]{200, 20, 2} : new int[]{1_000, 100, 10};
        section(md, console, "3. Event storm", String.format(Locale.ROOT, "%,d Event Grid deliveries for %d apps (each on its own plan) and %d clusters: creates, ", storm[0], storm[1], storm[2])
                + "tag writes and later changes, redelivered up to two minutes late and out of order, one in ten with the id in other letter "
                + "case. Deliveries happen at their virtual times; events per second is wall-clock throughput through the whole harness "
                + "(function host, durable driver, both emulators).", out -> StormBench.run(out, storm[0], storm[1], storm[2], false, console), t0);
        md.append("Every step that reads ARM asks the per-subscription read governor first and waits with a durable timer when Tether's ")
                .append("share of the bucket is spent (docs/ARM-READS.md), so the fleet's first links queue instead of draining ARM's bucket: ")
                .append("the floor is the least time any pacing within that share needs for these reads.\n\n");
        if (!quick) {
            section(md, console, "3b. Event storm of 1,000 apps", "10,000 Event Grid deliveries for 1,000 apps (each on its own plan) and 10 "
                    + "clusters, the same mix as above. It takes the harness one to two minutes on 2 cores (the figures are virtual time and "
                    + "counts; the wall time is the harness's), so it runs here and in `bench-storm 10000 1000 10`, not in the test suite.",
                    out -> StormBench.run(out, 10_000, 1_000, 10, false, console), t0);
        }
        section(md, console, "3c. The same storm from the resources topic", String.format(Locale.ROOT, "The storm of section 3 (%,d deliveries, %d apps, %d "
                        + "clusters, the same seed) with main.bicep's `eventSource=resourceNotifications`: apps' and clusters' writes arrive as "
                        + "Azure Resource Notifications' CreatedOrUpdated, carrying the resource's tags, so the trigger reads nothing for them; "
                        + "tag writes still come from the subscription topic and are read. Out-of-order deliveries carry stale snapshots; the "
                        + "passes observe the world themselves.", storm[0], storm[1], storm[2]),
                out -> StormBench.run(out, storm[0], storm[1], storm[2], true, false, console), t0);

        console.println("[4/6] cold start: " + coldRuns + " fresh JVMs each for hello world, the Durable hello world, the same reading ARM, Tether, and Tether on the resources topic's event, then one more"
                + " of each with class loading logged (" + (System.nanoTime() - t0) / 1_000_000_000 + " s so far)");
        ColdStart.Figures cold = ColdStart.measure(coldRuns);
        md.append("## 4. Cold start\n\n").append(ColdStartReport.markdown(cold, coldRuns));
        console.println(String.format(Locale.ROOT, "cold start: hello %s, Durable hello %s, Durable hello reading ARM %s, tether %s, tether on the"
                        + " resources topic %s: %.2fx the Durable hello world, %.2fx the one reading ARM; on the resources topic %.2fx the Durable hello world",
                cold.hello().runs(), cold.durableHello().runs(), cold.armFloor().runs(), cold.tether().runs(), cold.notified().runs(),
                cold.tether().ratio(cold.durableHello()), cold.tether().ratio(cold.armFloor()), cold.notified().ratio(cold.durableHello())));

        long bytes = ColdStart.packageBytes();
        List<String[]> jars = ColdStart.packageJars();
        List<String> leaked = jars.stream().map(j -> j[0]).filter(n -> TEST_SCOPE.stream().anyMatch(n::contains)).toList();
        console.println("[5/6] deployable package");
        md.append("## 5. Deployable package\n\n");
        md.append(String.format(Locale.ROOT, "`target/azure-functions/tether`: **%.1f MB** in %d jars. Test-scope artifacts in it: %s.%n%n",
                bytes / 1e6, jars.size(), leaked.isEmpty() ? "none" : leaked));
        md.append("| jar | KB |\n|---|---|\n");
        for (String[] j : jars) {
            md.append("| ").append(j[0]).append(" | ").append(Long.parseLong(j[1]) / 1024).append(" |\n");
        }
        section(md, console, "6. Public exposure window", "An app team creates a Service annotated `tether.dev/private: \"true\"` as a public "
                + "LoadBalancer in a linked cluster (`bench-exposure`). Without the exposure guard it is public from the moment AKS gives it a "
                + "public IP until Tether's patch (after Event Grid delivered the public IP's event), and then until AKS has moved its frontend "
                + "to the internal load balancer. With the guard (cluster tag `private-link-guard=true`) the API server refuses it before it "
                + "exists. Virtual time; the delays are the stated assumptions, not measurements of Azure.",
                out -> ExposureBench.run(out, ExposureBench.DELIVERY_SECONDS, 30), t0);
        md.append("\nReport written in ").append((System.nanoTime() - t0) / 1_000_000_000).append(" s.\n");
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, md.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        console.println("wrote " + target);
        return leaked.isEmpty() ? 0 : 1;
    }

    private static void section(StringBuilder md, PrintStream console, String title, String intro, Consumer<PrintStream> bench, long t0) {
        console.println("[" + title.substring(0, title.indexOf('.')) + "/6] " + title.substring(title.indexOf(' ') + 1).toLowerCase(Locale.ROOT)
                + " (" + (System.nanoTime() - t0) / 1_000_000_000 + " s so far)");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            bench.accept(out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        console.print(text);
        md.append("## ").append(title).append("\n\n").append(intro).append("\n\n```\n").append(text.stripTrailing()).append("\n```\n\n");
    }

    static String machine() {
        String cpu = "unknown CPU";
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's view below is still printed
        }
        return String.format(Locale.ROOT, "%s, %d cores, %.0f GiB RAM, %s %s (%s), Java %s (%s)", cpu, Runtime.getRuntime().availableProcessors(),
                memKb / 1024.0 / 1024.0, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getProperty("java.vendor"));
    }
}
