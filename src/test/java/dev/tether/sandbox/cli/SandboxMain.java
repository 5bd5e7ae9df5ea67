package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.config.TetherConfig;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code simulate} (docs/CONTRACT.md, a fixed interface), {@code demo} and the benchmarks. Test scope only; run with
 * {@code mvn -q -B test-compile exec:java -Dexec.args="..."}.
 */
public final class SandboxMain {
    private static final ObjectMapper M = new ObjectMapper();

    /** Input the user must fix: printed as one line, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        int code;
        try {
            code = exitCode(args, System.out, System.err);
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        // exec:java keeps the JVM for Maven; mock servers and SDK threads are daemon-less, so leave explicitly.
        Runtime.getRuntime().halt(code);
    }

    /** Runs a command as main does: its exit code, 2 with a one-line message on {@code err} for unusable input. */
    static int exitCode(String[] args, PrintStream out, PrintStream err) {
        try {
            return run(args, out);
        } catch (UsageException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    static final String USAGE = """
            usage: mvn -q -B test-compile exec:java -Dexec.args="COMMAND"   (docs/CONTRACT.md, docs/PERFORMANCE.md)
              demo                                   link the bundled world from one event; writes target/demo/{world,events,result}.json
              simulate --world WORLD.json --events EVENTS.json --out RESULT.json
                       [--timer] [--http 'METHOD /api/path [JSON body]']... [--function-key KEY] [--lb-delay SECONDS]
              bench [ROUNDS]                         calls per link against the minimum
              bench-drift [SIZES]                    one drift scan per world size, e.g. 100,1000,10000
              bench-storm [DELIVERIES [APPS [CLUSTERS [resources]]]]   an Event Grid storm; "resources": from the resources topic
              bench-exposure [DELIVERY_SECONDS [LB_DELAY]]  the public-exposure window with and without the guard
              bench-cold [RUNS]                      cold start against hello world and the Durable hello world (needs the package, as report)
              report [--quick]                       every benchmark (run as mvn -q -B -DskipTests package exec:java ...); the full run rewrites docs/BENCHMARKS.md
              help                                   this text""";

    static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            throw new UsageException("no command given; use simulate, demo, bench, bench-drift, bench-storm, bench-exposure, bench-cold or report (help lists their options)");
        }
        return switch (args[0]) {
            case "help", "--help", "-h" -> {
                out.println(USAGE);
                yield 0;
            }
            case "simulate" -> simulate(Options.parse(args), out);
            case "demo" -> Demo.run(out);
            case "bench" -> Bench.run(out, args.length > 1 ? number(args[1], "bench ROUNDS") : 5);
            case "bench-drift" -> DriftBench.run(out, args.length > 1
                    ? java.util.Arrays.stream(args[1].split(",")).mapToInt(v -> number(v, "bench-drift SIZES")).toArray() : new int[]{100, 1000, 10000});
            case "bench-storm" -> StormBench.run(out, args.length > 1 ? number(args[1], "bench-storm DELIVERIES") : 1_000,
                    args.length > 2 ? number(args[2], "bench-storm APPS") : 100,
                    args.length > 3 ? number(args[3], "bench-storm CLUSTERS") : 10, resourcesTopic(args), Boolean.getBoolean("storm.verbose"), System.err);
            case "bench-exposure" -> ExposureBench.run(out, args.length > 1
                    ? java.util.Arrays.stream(args[1].split(",")).map(v -> number(v, "bench-exposure DELIVERY_SECONDS")).toList() : ExposureBench.DELIVERY_SECONDS,
                    args.length > 2 ? number(args[2], "bench-exposure LB_DELAY") : 30);
            case "bench-cold" -> {
                if (!java.nio.file.Files.isDirectory(ColdStart.PACKAGE.resolve("lib"))) {
                    throw new UsageException("bench-cold measures the deployable package, and " + ColdStart.PACKAGE + " is not built: run "
                            + "mvn -q -B -DskipTests package exec:java -Dexec.args=\"bench-cold\"");
                }
                ColdStartReport.run(out, args.length > 1 ? number(args[1], "bench-cold RUNS") : 7);
                yield 0;
            }
            case "report" -> {
                if (args.length > 2 || (args.length == 2 && !args[1].equals("--quick"))) {
                    throw new UsageException("report takes only --quick");
                }
                yield Report.run(out, args.length == 2);
            }
            default -> throw new UsageException("unknown command '" + args[0] + "'; use simulate, demo, bench, bench-drift, bench-storm, bench-exposure, bench-cold or report (help lists their options)");
        };
    }

    /** bench-storm's fifth word: "resources" for the resources topic's events (anything else is refused). */
    private static boolean resourcesTopic(String[] args) {
        if (args.length <= 4) {
            return false;
        }
        if (!args[4].equals("resources")) {
            throw new UsageException("bench-storm's fifth word is 'resources' (the resources topic's events) or nothing, not '" + args[4] + "'");
        }
        return true;
    }

    private static int number(String v, String what) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageException(what + " must be a positive whole number, not '" + v + "'");
    }

    record Options(Path world, Path events, Path out, boolean timer, List<String> http, Duration lbDelay, String functionKey) {
        static Options parse(String[] args) {
            Path world = null;
            Path events = null;
            Path out = null;
            boolean timer = false;
            List<String> http = new ArrayList<>();
            Duration lbDelay = Duration.ofSeconds(30);
            String functionKey = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--world" -> world = Path.of(value(args, ++i, a));
                    case "--events" -> events = Path.of(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--timer" -> timer = true;
                    case "--http" -> http.add(value(args, ++i, a));
                    case "--function-key" -> {
                        functionKey = value(args, ++i, a);
                        if (functionKey.isBlank()) {
                            throw new UsageException("--function-key needs a non-empty key");
                        }
                    }
                    case "--lb-delay" -> {
                        String v = value(args, ++i, a);
                        try {
                            lbDelay = Duration.ofSeconds(Long.parseLong(v));
                        } catch (NumberFormatException e) {
                            throw new UsageException("--lb-delay takes whole seconds, not '" + v + "'");
                        }
                        if (lbDelay.isNegative()) {
                            throw new UsageException("--lb-delay must not be negative");
                        }
                    }
                    default -> throw new UsageException("unknown option '" + a + "'");
                }
            }
            if (world == null || events == null || out == null) {
                throw new UsageException("simulate needs --world, --events and --out");
            }
            for (String h : http) {
                dev.tether.sandbox.HttpSpec.parse(h);
            }
            return new Options(world, events, out, timer, http, lbDelay, functionKey);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            return args[i];
        }
    }

    static int simulate(Options o, PrintStream out) {
        WorldFile world = WorldFile.read(o.world());
        if (o.functionKey() != null) {
            world = world.withHostKey(o.functionKey());
        }
        JsonNode events = WorldFile.readJson(o.events(), "events file");
        if (!events.isArray() && !events.isObject()) {
            throw new UsageException("events file " + o.events() + " must hold an event or an array of events");
        }
        ObjectNode result = runWorld(world, events, o);
        try {
            Path parent = o.out().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            M.writerWithDefaultPrettyPrinter().writeValue(o.out().toFile(), result);
        } catch (IOException e) {
            throw new UsageException("cannot write " + o.out() + ": " + e.getMessage());
        }
        SimulateSummary.print(result, out);
        out.println("Full record: " + o.out());
        return 0;
    }

    /** Events first, then the timer once (--timer), then each HTTP call in order; the world runs to rest after each. */
    static ObjectNode runWorld(WorldFile world, JsonNode events, Options o) {
        TetherConfig config = Sandbox.Options.defaults(world).config();
        try (Sandbox sandbox = new Sandbox(world, new Sandbox.Options(o.lbDelay(), config))) {
            // One invocation per event, as the host does; a function that throws is recorded and the next event still comes.
            List<String> actions = new ArrayList<>();
            for (JsonNode e : events.isArray() ? events : M.createArrayNode().add(events)) {
                try {
                    actions.add(sandbox.deliver(e.toString()));
                } catch (RuntimeException ex) {
                    actions.add("threw");
                }
            }
            sandbox.settle();
            if (o.timer()) {
                sandbox.timer();
                sandbox.settle();
            }
            for (String h : o.http()) {
                sandbox.http(h, null, java.util.Map.of("Accept", "application/json"));
                sandbox.settle();
            }
            ObjectNode result = sandbox.result();
            ObjectNode delivered = M.createObjectNode();
            actions.forEach(a -> delivered.put(a, delivered.path(a).asInt() + 1));
            result.set("events", delivered);
            return result;
        }
    }
}
