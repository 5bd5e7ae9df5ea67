package dev.tether.sandbox.cli;

import com.microsoft.azure.functions.ExecutionContext;
import dev.tether.sandbox.ReferenceEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cold start, JVM start to the first handled event, of Tether's deployable package against a hello-world Event Grid
 * function, each in fresh JVMs with the same flags, alternating, {@code runs} times each. Tether's event is a real
 * ResourceWriteSuccess for an app in a subscription outside its scope: the whole intake path up to its first network
 * call (parse, route, the composition root with its configuration and credential, the durable client, the refusal and
 * its structured log line). The Azure SDK managers are built on the first ARM call, so they are not in the figure.
 */
final class ColdStart {
    static final Path PACKAGE = Path.of("target/azure-functions/tether");
    static final String OUT_OF_SCOPE_SUB = "00000000-1111-2222-3333-444444444444";

    /** Classes each side loaded before its first event returned, and for Tether the jars they came from, most first. */
    record ClassLoads(int hello, int tether, List<Map.Entry<String, Integer>> tetherByJar) {
    }

    record Figures(List<Long> hello, List<Long> tether, ClassLoads classes) {
        long helloMedian() {
            return median(hello);
        }

        long tetherMedian() {
            return median(tether);
        }

        double ratio() {
            return (double) tetherMedian() / Math.max(1, helloMedian());
        }

        private static long median(List<Long> xs) {
            List<Long> s = new ArrayList<>(xs);
            Collections.sort(s);
            return s.get(s.size() / 2);
        }
    }

    private ColdStart() {
    }

    static Figures measure(int runs) {
        if (!Files.isDirectory(PACKAGE.resolve("lib"))) {
            throw new IllegalStateException(PACKAGE + " is missing: build the deployable package first (mvn -DskipTests package)");
        }
        try {
            Path dir = Files.createDirectories(Path.of("target/coldstart"));
            Path event = dir.resolve("event.json");
            Files.writeString(event, ReferenceEvents.writeSuccess("/subscriptions/" + OUT_OF_SCOPE_SUB
                    + "/resourceGroups/web/providers/Microsoft.Web/sites/shop", "Microsoft.Web/sites/write", "c01d57a7-0000-4000-8000-000000000001").toString());
            // The Java worker provides the function library (core types and annotations); the package does not ship it.
            String workerLibrary = String.join(java.io.File.pathSeparator, new java.util.LinkedHashSet<>(List.of(jarOf(ExecutionContext.class),
                    jarOf(com.microsoft.azure.functions.annotation.FunctionName.class))));
            String probe = Path.of("target/test-classes").toAbsolutePath().toString();
            List<String> tetherCp = new ArrayList<>();
            packageJars().forEach(j -> tetherCp.add(PACKAGE.resolve(j[0]).toAbsolutePath().toString()));
            tetherCp.add(workerLibrary);
            tetherCp.add(probe);
            String helloCp = String.join(java.io.File.pathSeparator, List.of(probe, workerLibrary));
            String tetherClasspath = String.join(java.io.File.pathSeparator, tetherCp);
            List<Long> hello = new ArrayList<>();
            List<Long> tether = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                hello.add(probe(helloCp, HelloFunction.class.getName(), "Hello", event, null));
                tether.add(probe(tetherClasspath, "dev.tether.functions.EventGridFunction", "OnResourceEvent", event, null));
            }
            // One more run of each, not timed, with class loading logged: where the difference comes from.
            Path helloLog = dir.resolve("classes-hello.txt");
            Path tetherLog = dir.resolve("classes-tether.txt");
            probe(helloCp, HelloFunction.class.getName(), "Hello", event, helloLog);
            probe(tetherClasspath, "dev.tether.functions.EventGridFunction", "OnResourceEvent", event, tetherLog);
            List<String> tetherClasses = classesLoaded(tetherLog);
            return new Figures(hello, tether, new ClassLoads(classesLoaded(helloLog).size(), tetherClasses.size(), byJar(tetherClasses)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException | InterruptedException e) {
            throw new IllegalStateException(e);
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

    /** The sources of the classes a probe loaded, one per class, from its -Xlog:class+load file. */
    private static List<String> classesLoaded(Path log) throws IOException {
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
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

    private static long probe(String classpath, String type, String function, Path event, Path classLog) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLog);
        }
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), type, function, event.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TETHER_SUBSCRIPTIONS", dev.tether.sandbox.DemoWorld.SUB);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cold-start probe of " + type + " failed:\n" + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("coldstart ")) {
                return Long.parseLong(line.trim().split(" ")[2]);
            }
        }
        throw new IllegalStateException("cold-start probe of " + type + " printed no figure:\n" + out);
    }
}
