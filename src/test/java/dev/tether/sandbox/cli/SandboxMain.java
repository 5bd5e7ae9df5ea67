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
 * {@code simulate} (DESIGN.md section 4, fixed interface) and {@code demo}. Test scope only; run with
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
        int code = exitCode(args, System.out, System.err);
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

    static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            throw new UsageException("usage: simulate --world WORLD.json --events EVENTS.json --out RESULT.json [--timer] [--http \"METHOD /api/path\"]... [--lb-delay SECONDS] | demo | bench [ROUNDS] | bench-drift [SIZES] | bench-storm [DELIVERIES [APPS [CLUSTERS]]] | bench-exposure [DELIVERY_SECONDS [LB_DELAY_SECONDS]] | report [--quick]");
        }
        return switch (args[0]) {
            case "simulate" -> simulate(Options.parse(args), out);
            case "demo" -> Demo.run(out);
            case "bench" -> Bench.run(out, args.length > 1 ? Integer.parseInt(args[1]) : 5);
            case "bench-drift" -> DriftBench.run(out, args.length > 1
                    ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[]{100, 1000, 10000});
            case "bench-storm" -> StormBench.run(out, args.length > 1 ? Integer.parseInt(args[1]) : 1_000, args.length > 2 ? Integer.parseInt(args[2]) : 100,
                    args.length > 3 ? Integer.parseInt(args[3]) : 10, Boolean.getBoolean("storm.verbose"));
            case "bench-exposure" -> ExposureBench.run(out, args.length > 1
                    ? java.util.Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList() : ExposureBench.DELIVERY_SECONDS,
                    args.length > 2 ? Integer.parseInt(args[2]) : 30);
            case "report" -> Report.run(out, args.length > 1 && args[1].equals("--quick"));
            default -> throw new UsageException("unknown command '" + args[0] + "'; use simulate, demo, bench, bench-drift, bench-storm, bench-exposure or report");
        };
    }

    record Options(Path world, Path events, Path out, boolean timer, List<String> http, Duration lbDelay) {
        static Options parse(String[] args) {
            Path world = null;
            Path events = null;
            Path out = null;
            boolean timer = false;
            List<String> http = new ArrayList<>();
            Duration lbDelay = Duration.ofSeconds(30);
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--world" -> world = Path.of(value(args, ++i, a));
                    case "--events" -> events = Path.of(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--timer" -> timer = true;
                    case "--http" -> http.add(value(args, ++i, a));
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
                if (!h.trim().matches("(?i)(GET|POST|PUT|PATCH|DELETE)\\s+/api/\\S+")) {
                    throw new UsageException("--http takes \"METHOD /api/path\", not '" + h + "'");
                }
            }
            return new Options(world, events, out, timer, http, lbDelay);
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
        JsonNode events = readJson(o.events(), "events file");
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
        out.println("simulate: " + result.path("orchestrations").size() + " orchestration(s), " + result.path("calls").size()
                + " call(s); result in " + o.out());
        return 0;
    }

    /** Events first, then the timer once (--timer), then each HTTP call in order; the world runs to rest after each. */
    static ObjectNode runWorld(WorldFile world, JsonNode events, Options o) {
        TetherConfig config = Sandbox.Options.defaults(world).config();
        try (Sandbox sandbox = new Sandbox(world, new Sandbox.Options(o.lbDelay(), config))) {
            sandbox.deliverAll(events);
            sandbox.settle();
            if (o.timer()) {
                sandbox.timer();
                sandbox.settle();
            }
            for (String h : o.http()) {
                sandbox.http(h, null, java.util.Map.of("Accept", "application/json"));
                sandbox.settle();
            }
            return sandbox.result();
        }
    }

    static JsonNode readJson(Path p, String what) {
        try {
            return M.readTree(Files.readString(p));
        } catch (IOException e) {
            throw new UsageException(what + " " + p + " is unreadable: " + e.getMessage());
        }
    }
}
