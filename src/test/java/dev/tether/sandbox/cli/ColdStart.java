package dev.tether.sandbox.cli;

import com.microsoft.azure.functions.ExecutionContext;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cold start, JVM start to the return of the first handled event, of five Event Grid functions in fresh JVMs with the
 * same flags, alternating, {@code runs} times each: a hello world ({@link HelloFunction}), a Durable Functions hello
 * world that starts an orchestration ({@link DurableHelloFunction}, on the durabletask-azure-functions jars of the
 * deployable package), the same that first reads the site's tags from ARM with the Azure SDK
 * ({@link DurableArmHelloFunction}, the floor of any function that must read ARM before it starts), and Tether's
 * deployable package. The first four get the same real ResourceWriteSuccess, for the demo
 * world's app, which is tagged {@code private-link}: Tether's whole intake path runs up to the orchestration start (parse,
 * route, the composition root, the instance look-up on the sidecar, the managed-identity token, the ARM read of the
 * site through the Azure SDK, the start), against {@link ColdStartWorld}'s loopback sidecar, identity endpoint and ARM.
 * The fifth is Tether's package again, given the same write as the resources topic raises it (CreatedOrUpdated, tags
 * in the event): parse, route, the composition root, the instance look-up, the start, with no token and no ARM call.
 * Each run's calls are checked, so a figure is always of that path.
 */
final class ColdStart {
    static final Path PACKAGE = Path.of("target/azure-functions/tether");
    static final String EVENT_ID = "c01d57a7-0000-4000-8000-000000000001";

    /** One of the functions: its timed runs, and the classes it loaded by source (jar, or JDK), most first. */
    record Side(String name, List<Long> runs, List<Long> cpu, int classes, List<Map.Entry<String, Integer>> byJar) {
        long median() {
            return median(runs);
        }

        long cpuMedian() {
            return median(cpu);
        }

        private static long median(List<Long> xs) {
            List<Long> s = new ArrayList<>(xs);
            Collections.sort(s);
            return s.get(s.size() / 2);
        }

        /** This side's median wall time over {@code base}'s. */
        double ratio(Side base) {
            return (double) median() / Math.max(1, base.median());
        }

        /** This side's median process CPU time over {@code base}'s. */
        double cpuRatio(Side base) {
            return (double) cpuMedian() / Math.max(1, base.cpuMedian());
        }

        int classesFrom(String source) {
            return byJar.stream().filter(e -> e.getKey().equals(source)).mapToInt(Map.Entry::getValue).findFirst().orElse(0);
        }
    }

    /**
     * The five sides, and the calls Tether's two probes made (the path its figure is of). {@code armFloor} is the Durable
     * hello world that reads the site's tags from ARM first ({@link DurableArmHelloFunction}).
     */
    record Figures(Side hello, Side durableHello, Side armFloor, Side tether, Side notified, List<String> tetherCalls, List<String> notifiedCalls) {
    }

    private ColdStart() {
    }

    static Figures measure(int runs) {
        if (!Files.isDirectory(PACKAGE.resolve("lib"))) {
            throw new IllegalStateException(PACKAGE + " is missing: build the deployable package first (mvn -DskipTests package)");
        }
        try (ColdStartWorld world = new ColdStartWorld()) {
            Path dir = Files.createDirectories(Path.of("target/coldstart"));
            Path event = dir.resolve("event.json");
            Files.writeString(event, ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", EVENT_ID).toString());
            // The same write as Azure Resource Notifications' resources topic raises it: the app's body, tags included.
            Path notifiedEvent = dir.resolve("event-notified.json");
            com.fasterxml.jackson.databind.JsonNode site = null;
            for (com.fasterxml.jackson.databind.JsonNode r : DemoWorld.build().withArray("resources")) {
                if (r.path("id").asText().equals(DemoWorld.SITE_ID)) {
                    site = r;
                }
            }
            Files.writeString(notifiedEvent, ReferenceEvents.createdOrUpdated(java.util.Objects.requireNonNull(site, "the demo world's app"), EVENT_ID,
                    java.time.Instant.parse("2026-01-01T00:00:00Z")).toString());
            // The Java worker provides the function library (core types and annotations); the package does not ship it.
            String workerLibrary = String.join(File.pathSeparator, new LinkedHashSet<>(List.of(jarOf(ExecutionContext.class),
                    jarOf(com.microsoft.azure.functions.annotation.FunctionName.class))));
            String probe = Path.of("target/test-classes").toAbsolutePath().toString();
            List<String> packageCp = new ArrayList<>();
            packageJars().forEach(j -> packageCp.add(PACKAGE.resolve(j[0]).toAbsolutePath().toString()));
            String tetherCp = String.join(File.pathSeparator, packageCp) + File.pathSeparator + workerLibrary + File.pathSeparator + probe;
            String helloCp = String.join(File.pathSeparator, List.of(probe, workerLibrary));
            String tail = File.pathSeparator + workerLibrary + File.pathSeparator + probe;
            // The peers ship what they load: the package's jars they take classes from (a first, untimed run each).
            Probe durable = shipping(new Probe(DurableHelloFunction.class.getName(), "DurableHello", tetherCp, Action.START),
                    world, event, dir.resolve("classes-durable-hello-scout.txt"), packageCp, tail);
            Probe hello = new Probe(HelloFunction.class.getName(), "Hello", helloCp, Action.LOG);
            Probe armFloor = shipping(new Probe(DurableArmHelloFunction.class.getName(), "DurableArmHello", tetherCp, Action.READ_TAGS_AND_START),
                    world, event, dir.resolve("classes-durable-arm-hello-scout.txt"), packageCp, tail);
            Probe tether = new Probe("dev.tether.functions.EventGridFunction", "OnResourceEvent", tetherCp, Action.READ_AND_START);
            Probe notified = new Probe("dev.tether.functions.EventGridFunction", "OnResourceEvent", tetherCp, Action.NOTIFIED_AND_START);
            List<String> tetherCalls = null;
            List<String> notifiedCalls = null;
            List<Probe> probes = List.of(hello, durable, armFloor, tether, notified);
            List<Path> events = probes.stream().map(p -> p == notified ? notifiedEvent : event).toList();
            List<List<Long>> times = new ArrayList<>();
            List<List<Long>> cpu = new ArrayList<>();
            probes.forEach(p -> {
                times.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
            });
            for (int i = 0; i < runs; i++) {
                for (int p = 0; p < probes.size(); p++) {
                    Probe next = probes.get(p);
                    long[] ms = next.run(world, events.get(p), null);
                    times.get(p).add(ms[0]);
                    cpu.get(p).add(ms[1]);
                    if (next == tether && tetherCalls == null) {
                        tetherCalls = world.calls();
                    }
                    if (next == notified && notifiedCalls == null) {
                        notifiedCalls = world.calls();
                    }
                }
            }
            // One more run of each, not timed, with class loading logged: where the differences come from.
            List<Side> sides = new ArrayList<>();
            String[] names = {"hello world", "Durable hello world", "Durable hello world reading ARM", "Tether", "Tether, resources topic"};
            for (int p = 0; p < probes.size(); p++) {
                Path log = dir.resolve("classes-" + probes.get(p).function + (probes.get(p) == notified ? "-notified" : "") + ".txt");
                probes.get(p).run(world, events.get(p), log);
                List<String> loaded = classesLoaded(log);
                sides.add(new Side(names[p], times.get(p), cpu.get(p), loaded.size(), byJar(loaded)));
            }
            return new Figures(sides.get(0), sides.get(1), sides.get(2), sides.get(3), sides.get(4), tetherCalls, notifiedCalls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The probe on the package's jars it loaded classes from in one untimed run on all of them (logged to {@code scoutLog}). */
    private static Probe shipping(Probe onAll, ColdStartWorld world, Path event, Path scoutLog, List<String> packageCp, String tail)
            throws IOException, InterruptedException {
        onAll.run(world, event, scoutLog);
        java.util.Set<String> used = new java.util.HashSet<>(classesLoaded(scoutLog));
        String classpath = packageCp.stream().filter(j -> used.contains(Path.of(j).getFileName().toString()))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator)) + tail;
        return new Probe(onAll.type(), onAll.function(), classpath, onAll.path());
    }

    /**
     * What a function does with the event: nothing but a log line, start an orchestration, read the site's tags from ARM
     * and start one (the ARM-reading peer), or Tether's intake (read ARM through Tether and start one).
     */
    enum Action { LOG, START, READ_TAGS_AND_START, READ_AND_START, NOTIFIED_AND_START }

    /** One function in a fresh JVM; Tether's ({@code READ_AND_START}) sends its ARM requests to the loopback world. */
    private record Probe(String type, String function, String classpath, Action path) {
        boolean arm() {
            return path == Action.READ_AND_START || path == Action.READ_TAGS_AND_START;
        }

        /** Wall and CPU milliseconds. */
        long[] run(ColdStartWorld world, Path event, Path classLog) throws IOException, InterruptedException {
            world.reset();
            long[] ms = probe(this, world, event, classLog);
            List<String> calls = world.calls();
            String instance = dev.tether.durable.LinkStarter.linkInstanceId(dev.tether.plan.ResourceId.parse(DemoWorld.SITE_ID));
            boolean arm = arm();
            boolean tethers = path == Action.READ_AND_START || path == Action.NOTIFIED_AND_START;
            boolean started = path == Action.LOG ? calls.equals(List.of("0 managed-identity token(s)"))
                    : calls.stream().anyMatch(c -> c.startsWith(tethers ? "startInstance LinkSite " + instance + " " : "startInstance Cities "));
            List<String> armCalls = calls.stream().filter(c -> c.startsWith("arm ")).toList();
            boolean armAsExpected = arm ? armCalls.size() == 1 && armCalls.get(0).startsWith("arm GET " + DemoWorld.SITE_ID + "?api-version=")
                    && armCalls.get(0).endsWith(" 200") && calls.get(0).equals("1 managed-identity token(s)")
                    : armCalls.isEmpty() && calls.get(0).equals("0 managed-identity token(s)");
            if (!started || !armAsExpected) {
                throw new IllegalStateException("the cold-start probe of " + function + " did not take the measured path (" + path
                        + "); its calls: " + calls);
            }
            return ms;
        }
    }

    static long packageBytes() {
        try (Stream<Path> files = Files.walk(PACKAGE)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every jar in the package, with its size, largest first. */
    static List<String[]> packageJars() {
        try (Stream<Path> jars = Stream.concat(Files.list(PACKAGE), Files.list(PACKAGE.resolve("lib")))) {
            return jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted((a, b) -> Long.compare(b.toFile().length(), a.toFile().length()))
                    .map(p -> new String[]{PACKAGE.relativize(p).toString(), String.valueOf(p.toFile().length())}).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jarOf(Class<?> type) throws java.net.URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The sources of the classes a probe loaded before its function returned, one per class, from its -Xlog:class+load file. */
    private static List<String> classesLoaded(Path log) throws IOException {
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.contains(ColdStartProbe.Returned.class.getName() + " ")) {
                break; // the function returned: the rest is the probe's
            }
            int at = line.indexOf("source: ");
            if (at >= 0) {
                String src = line.substring(at + "source: ".length()).trim();
                sources.add(src.startsWith("file:") ? src.substring(src.lastIndexOf('/') + 1) : "JDK");
            }
        }
        return sources;
    }

    private static List<Map.Entry<String, Integer>> byJar(List<String> sources) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        sources.forEach(src -> counts.merge(src, 1, Integer::sum));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).toList();
    }

    private static long[] probe(Probe target, ColdStartWorld world, Path event, Path classLog) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLog);
        }
        command.addAll(List.of("-cp", target.classpath(), ColdStartProbe.class.getName(), target.type(), target.function(), event.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("TETHER_SUBSCRIPTIONS", DemoWorld.SUB);
        // App Service's managed identity, as the platform sets it for a Function app.
        env.put("IDENTITY_ENDPOINT", world.base() + "/msi/token");
        env.put("IDENTITY_HEADER", ColdStartWorld.IDENTITY_HEADER);
        env.put("COLDSTART_SIDECAR", world.sidecar.rpcBaseUrl());
        if (target.path() == Action.READ_AND_START || target.path() == Action.NOTIFIED_AND_START) {
            env.put("COLDSTART_ARM", world.base());
        } else if (target.path() == Action.READ_TAGS_AND_START) {
            env.put("COLDSTART_ARM_ENDPOINT", world.base());
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cold-start probe of " + target.type() + " failed:\n" + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("coldstart ")) {
                String[] f = line.trim().split(" ");
                return new long[]{Long.parseLong(f[2]), Long.parseLong(f[3])};
            }
        }
        throw new IllegalStateException("cold-start probe of " + target.type() + " printed no figure:\n" + out);
    }
}
