package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.Change;
import dev.tether.plan.Finding;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code demo}: the bundled world and one real-shaped event; prints the dry-run plan and the result as tables. */
final class Demo {
    private static final ObjectMapper M = new ObjectMapper();

    private Demo() {
    }

    static int run(PrintStream out) {
        ObjectNode worldJson = DemoWorld.build();
        ArrayNode events = DemoWorld.events();
        Path dir = Path.of("target", "demo");
        write(dir.resolve("world.json"), worldJson);
        write(dir.resolve("events.json"), events);

        WorldFile world = WorldFile.parse(worldJson, "demo world");
        out.println("Tether demo: link App Service sitef6141 to AKS cluster clustername1 (tag private-link=" + DemoWorld.LINK + ")");
        out.println("World: Microsoft's example payloads from " + ReferenceEvents.referenceDir() + "; written to " + dir.resolve("world.json"));
        out.println();

        // The dry run gets a Tether of its own (same world, closed before the link's starts: Tether.install is global),
        // so the link below is counted from a cold start, as bench, docs/BENCHMARKS.md and README count it; otherwise
        // the plan would warm the cluster client cache and the link would skip its credential read.
        try (Sandbox dry = new Sandbox(world)) {
            SiteLinkPlan plan = dry.tether().activities().observeSite(DemoWorld.SITE_ID);
            List<CallLog.Call> planCalls = dry.calls().calls();
            out.println("PLAN (dry run, " + counts(planCalls) + ") status " + plan.status() + ": " + plan.message());
            Table t = new Table("STEP", "ACTION", "TARGET", "REASON");
            for (Change c : plan.changes()) {
                t.row(c.step(), c.action() == null ? "(later)" : c.action().name(), shortId(c.target()), c.reason());
            }
            t.print(out);
            for (Finding f : plan.findings()) {
                out.println("  " + f.severity() + " " + f.describe());
            }
        }
        out.println();
        try (Sandbox sandbox = new Sandbox(world)) {
            sandbox.deliverAll(events);
            sandbox.runUntilIdle();
            List<CallLog.Call> linkCalls = sandbox.calls().calls();
            out.println("RESULT (virtual time " + java.time.Duration.between(Sandbox.EPOCH, sandbox.clock().now()).toSeconds() + "s)");
            for (DurableDriver.InstanceView v : sandbox.durable().instances()) {
                out.println("  " + v.name() + " " + v.instanceId() + ": " + v.status() + (v.failure() == null ? "" : " - " + v.failure()));
                JsonNode output = parse(v.output());
                if (output != null) {
                    out.println("  " + output.path("message").asText());
                    Table steps = new Table("STEP", "OUTCOME", "DETAIL");
                    output.path("steps").forEach(s -> steps.row(s.path("step").asText(), s.path("outcome").asText(), s.path("detail").asText()));
                    steps.print(out);
                }
            }
            out.println();
            out.println("CALLS for the link (minimum writes: 1 subnet PUT, 1 site PATCH, 1 tether-dns create + 1 pin, 1 ConfigMap patch, 1 CoreDNS restart, 1 slotConfigNames PUT, 1 appsettings PUT)");
            Table calls = new Table("TARGET", "METHOD", "STATUS", "PATH");
            for (CallLog.Call c : linkCalls) {
                if (c.isWrite()) {
                    calls.row(c.target(), c.method(), String.valueOf(c.status()), shortPath(c.path()));
                }
            }
            calls.print(out);
            out.println("  " + counts(linkCalls));

            int mark = sandbox.calls().size();
            List<String> actions = sandbox.deliverAll(events);
            sandbox.runUntilIdle();
            List<CallLog.Call> again = sandbox.calls().since(mark);
            out.println();
            out.println("SAME EVENT AGAIN (an Event Grid redelivery): " + actions + ", " + again.size()
                    + " calls (the last pass began after this write was raised, so it already saw it)");
            mark = sandbox.calls().size();
            List<String> newer = sandbox.deliverAll(NoOpPass.newerEvents(events, sandbox.clock().now()));
            sandbox.runUntilIdle();
            again = sandbox.calls().since(mark);
            out.println("A NEWER EVENT for the same app: " + newer + ", " + counts(again) + " (level-triggered: observe, compare, write nothing)");
            ObjectNode result = sandbox.result();
            write(dir.resolve("result.json"), result);
            out.println("Full RESULT.json: " + dir.resolve("result.json"));
        }
        return 0;
    }

    /** The one way calls are counted (bench, report and README too): CallLog's read/write rule, per target. */
    static String counts(List<CallLog.Call> calls) {
        return "ARM: " + count(calls, "arm", false) + " reads, " + count(calls, "arm", true) + " writes;"
                + " Kubernetes: " + count(calls, "kubernetes", false) + " reads, " + count(calls, "kubernetes", true) + " writes";
    }

    private static long count(List<CallLog.Call> calls, String target, boolean writes) {
        return calls.stream().filter(c -> c.target().equals(target) && c.isWrite() == writes).count();
    }

    static String shortId(String id) {
        if (id == null) {
            return "";
        }
        int p = id.indexOf("/providers/");
        return p < 0 ? id : id.substring(p + "/providers/".length());
    }

    static String shortPath(String path) {
        String p = path.replaceAll("/subscriptions/[^/]+/resourceGroups/[^/]+/providers/", ".../");
        return p.replaceAll("\\?api-version=[^&]*", "");
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? null : M.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path p, JsonNode node) {
        try {
            Files.createDirectories(p.getParent());
            M.writerWithDefaultPrettyPrinter().writeValue(p.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
