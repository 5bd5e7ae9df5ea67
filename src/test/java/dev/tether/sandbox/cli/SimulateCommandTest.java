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

/** The fixed simulate interface of DESIGN.md section 4. */
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
            RuntimeException e = assertThrows(RuntimeException.class, () -> SandboxMain.run(args, new PrintStream(new ByteArrayOutputStream())));
            assertTrue(e instanceof SandboxMain.UsageException || e instanceof IllegalArgumentException, e.toString());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
