package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** What {@code simulate} prints: the events, each orchestration with its outcome, the writes by target, the HTTP answers. */
final class SimulateSummary {
    private SimulateSummary() {
    }

    static void print(JsonNode result, PrintStream out) {
        StringBuilder events = new StringBuilder();
        result.path("events").fields().forEachRemaining(e -> events.append(events.length() == 0 ? "" : ", ").append(e.getValue().asInt()).append(' ').append(e.getKey()));
        out.println("EVENTS: " + (events.length() == 0 ? "none" : events));

        out.println("ORCHESTRATIONS: " + result.path("orchestrations").size());
        if (result.path("orchestrations").size() > 0) {
            Table t = new Table("NAME", "INSTANCE", "STATUS", "OUTCOME");
            for (JsonNode o : result.path("orchestrations")) {
                String outcome = o.hasNonNull("failure") ? o.get("failure").asText() : o.path("output").path("message").asText("");
                if (outcome.isEmpty() && o.path("output").isObject()) {
                    outcome = summary(o.path("output"));
                }
                // Resource ids shortened as in the demo's tables (RESULT.json has them in full).
                t.row(o.path("name").asText(), o.path("instanceId").asText(), o.path("status").asText(), Demo.shortPath(outcome));
            }
            t.print(out);
        }

        int reads = 0;
        Map<String, Integer> writes = new TreeMap<>();
        for (JsonNode c : result.path("calls")) {
            // Counted as everywhere else (demo, bench, docs): CallLog's rule, where ARM's list* POSTs are reads.
            var call = new dev.tether.sandbox.CallLog.Call(c.path("target").asText(), c.path("method").asText(), c.path("path").asText(), c.path("status").asInt());
            if (!call.isWrite()) {
                reads++;
            } else {
                writes.merge(call.target() + "  " + call.method() + "  " + Demo.shortPath(call.path()), 1, Integer::sum);
            }
        }
        out.println("CALLS: " + result.path("calls").size() + " (" + reads + " reads, " + (result.path("calls").size() - reads) + " writes)");
        if (!writes.isEmpty()) {
            Table t = new Table("TARGET", "METHOD", "PATH", "COUNT");
            writes.forEach((k, n) -> {
                String[] p = k.split("  ", 3);
                t.row(p[0], p[1], p[2], String.valueOf(n));
            });
            t.print(out);
        }
        for (JsonNode h : result.path("http")) {
            String message = h.path("body").path("error").path("message").asText("");
            out.println("HTTP " + h.path("request").asText() + " -> " + h.path("status").asInt() + (message.isEmpty() ? "" : ": " + message));
        }
    }

    /** A drift report or any other output without a message: its scalar fields. */
    private static String summary(JsonNode output) {
        StringBuilder sb = new StringBuilder();
        output.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
            } else if (e.getValue().isArray()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().size());
            }
        });
        return sb.toString();
    }
}
