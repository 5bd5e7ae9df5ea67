package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The fixed simulate interface of docs/CONTRACT.md. */
class SimulateCommandTest {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void simulateWritesTheResultShape(@TempDir Path dir) throws Exception {
        Path world = dir.resolve("world.json");
        Path events = dir.resolve("events.json");
        Path out = dir.resolve("out/result.json");
        M.writeValue(world.toFile(), DemoWorld.build());
        M.writeValue(events.toFile(), DemoWorld.events());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = SandboxMain.run(new String[]{"simulate", "--world", world.toString(), "--events", events.toString(),
                "--out", out.toString(), "--lb-delay", "45"}, new PrintStream(printed));
        assertEquals(0, code);
        JsonNode result = M.readTree(Files.readString(out));
        assertTrue(result.path("world").path("resources").isArray());
        assertTrue(result.path("world").path("appSettings").has(DemoWorld.SITE_ID));
        assertTrue(result.path("world").path("kubernetes").has(DemoWorld.CLUSTER_ID));
        JsonNode orch = result.path("orchestrations").get(0);
        assertEquals("LinkSite", orch.path("name").asText());
        assertEquals("Completed", orch.path("status").asText());
        assertTrue(orch.path("failure").isNull());
        assertEquals("LINKED", orch.path("output").path("status").asText());
        JsonNode call = result.path("calls").get(0);
        for (String f : new String[]{"target", "method", "path", "status"}) {
            assertTrue(call.has(f), f);
        }
        // --lb-delay is the virtual time before tether-dns gets its IP: the link checks DNS readiness every 15 s
        // (TETHER_DNS_POLL_INTERVAL), one read of tether-dns's EndpointSlices a check, until the IP is there and CoreDNS has
        // rolled out (35 s in the sandbox), so a delay past the rollout takes more checks.
        java.util.Map<String, Long> polls = new java.util.TreeMap<>();
        for (String delay : new String[]{"0", "45", "90"}) {
            Path o = dir.resolve("r" + delay + ".json");
            assertEquals(0, SandboxMain.run(new String[]{"simulate", "--world", world.toString(), "--events", events.toString(),
                    "--out", o.toString(), "--lb-delay", delay}, new PrintStream(new ByteArrayOutputStream())));
            long n = 0;
            for (JsonNode c : M.readTree(Files.readString(o)).path("calls")) {
                n += c.path("path").asText().contains("/endpointslices") && c.path("method").asText().equals("GET") ? 1 : 0;
            }
            polls.put(delay, n);
        }
        assertEquals(java.util.Map.of("0", 4L, "45", 4L, "90", 7L), polls, "readiness checks: at 0, 15, 30 and 45 s while CoreDNS rolls out (done at 35 s), until 90 s when the IP comes late");
    }

    @Test
    void anEventWithABadTimeIsDroppedAndTheNextEventStillComes(@TempDir Path dir) throws Exception {
        Path world = dir.resolve("world.json");
        Path events = dir.resolve("events.json");
        Path out = dir.resolve("result.json");
        M.writeValue(world.toFile(), DemoWorld.build());
        var bad = DemoWorld.events().get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad).put("id", "bad-time").put("eventTime", "not a time");
        M.writeValue(events.toFile(), M.createArrayNode().add(bad).add(DemoWorld.events().get(0)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(0, SandboxMain.run(new String[]{"simulate", "--world", world.toString(), "--events", events.toString(), "--out", out.toString()},
                new PrintStream(printed)));
        JsonNode result = M.readTree(Files.readString(out));
        assertEquals("{\"malformed\":1,\"started\":1}", result.path("events").toString());
        assertEquals("Completed", result.path("orchestrations").get(0).path("status").asText());
        String text = printed.toString();
        assertTrue(text.startsWith("EVENTS: 1 malformed, 1 started\nORCHESTRATIONS: 1\n"), text);
        assertTrue(text.contains("  arm         PATCH   .../Microsoft.Web/sites/sitef6141"), text);
        assertTrue(text.contains("CALLS: " + result.path("calls").size() + " ("), text);
    }

    @Test
    void helpPrintsUsage() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(0, SandboxMain.run(new String[]{"--help"}, new PrintStream(printed)));
        assertTrue(printed.toString().startsWith("usage: mvn -q -B test-compile exec:java -Dexec.args=\"COMMAND\""), printed.toString());
    }

    @Test
    void eachInputErrorSaysWhatIsWrongInOneLine(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\n  \"resources\": [\n    {\"id\": }\n  ]\n}\n");
        Path events = dir.resolve("events.json");
        Files.writeString(events, "[]");
        Path missing = dir.resolve("missing.json");
        Object[][] cases = {
                {new String[]{"simulate", "--world", missing.toString(), "--events", events.toString(), "--out", "r.json"}, "world file " + missing + " not found"},
                {new String[]{"simulate", "--world", broken.toString(), "--events", events.toString(), "--out", "r.json"},
                        "world file " + broken + " is not valid JSON at line 3, column 12"},
                {new String[]{"simulate", "--world", broken.toString(), "--events", events.toString(), "--out", "r.json", "--http", "POST /api/links/rerun {\"link\":"},
                        "--http 'POST /api/links/rerun {\"link\":': the body is not valid JSON at column 9"},
                {new String[]{"bench", "many"}, "bench ROUNDS must be a positive whole number, not 'many'"},
        };
        for (Object[] c : cases) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> SandboxMain.run((String[]) c[0], new PrintStream(new ByteArrayOutputStream())));
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void unusableInputIsAOneLineErrorWithANonZeroExit(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"resources\": 3}");
        Path events = dir.resolve("events.json");
        Files.writeString(events, "[]");
        String[][] cases = {
                {"simulate", "--world", dir.resolve("missing.json").toString(), "--events", events.toString(), "--out", dir.resolve("r.json").toString()},
                {"simulate", "--world", bad.toString(), "--events", events.toString(), "--out", dir.resolve("r.json").toString()},
                {"simulate", "--world", bad.toString()},
                {"simulate", "--world", bad.toString(), "--events", events.toString(), "--out", "r.json", "--lb-delay", "soon"},
                {"frobnicate"},
        };
        for (String[] args : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, SandboxMain.exitCode(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)), String.join(" ", args));
            String said = err.toString();
            assertTrue(said.startsWith("error: ") && said.endsWith("\n") && said.indexOf('\n') == said.length() - 1,
                    "one line on stderr: " + said);
        }
    }
}
