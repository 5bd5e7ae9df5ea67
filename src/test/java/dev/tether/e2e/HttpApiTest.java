package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.cli.SandboxMainAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The operators' HTTP API through the real function classes: rerun, dry-run plan, status, and refusals. */
class HttpApiTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");

    static JsonNode body(Sandbox.HttpExchange e) throws Exception {
        return M.readTree(e.body());
    }

    @Test
    void planIsADryRunInJsonOrAsATable() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            Sandbox.HttpExchange e = s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, JSON);
            assertEquals(200, e.status(), e.body());
            JsonNode plan = body(e).path("plans").get(0).path("site");
            assertEquals("READY", plan.path("status").asText());
            assertEquals("CREATED", plan.path("subnet").path("action").asText());
            Sandbox.HttpExchange link = s.http("GET /api/links/plan?link=shop", null, Map.of("Accept", "text/plain"));
            assertEquals(200, link.status());
            assertTrue(link.body().contains("subnet") && link.body().contains("clustername1") && link.body().contains("status READY"), link.body());
            assertEquals(List.of(), s.calls().writes(), "plan writes nothing");
        }
    }

    @Test
    void rerunReturnsDurableStatusUrlsAndRuns() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            Sandbox.HttpExchange one = s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON);
            assertEquals(202, one.status(), one.body());
            assertTrue(one.headers().get("Location").contains("/runtime/webhooks/durabletask/instances/tether-site-sitef6141-"));
            assertTrue(body(one).path("statusQueryGetUri").asText().startsWith("https://tether.azurewebsites.net/runtime/webhooks/durabletask/instances/"));
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status());

            Sandbox.HttpExchange link = s.http("POST /api/links/rerun?link=shop", null, JSON);
            assertEquals(202, link.status(), link.body());
            assertEquals(2, body(link).path("instances").size(), "the cluster and the app");
            s.runUntilIdle();

            Sandbox.HttpExchange status = s.http("GET /api/links/status?link=shop", null, JSON);
            assertEquals(200, status.status(), status.body());
            JsonNode l = body(status).path("links").get(0);
            assertEquals("shop", l.path("link").asText());
            assertEquals("linked", l.path("apps").get(0).path("state").asText(), l.toString());
            assertEquals("10.0.1.4", l.path("dnsIp").asText(), l.toString());
            assertEquals("COMPLETED", l.path("apps").get(0).path("lastOrchestration").path("runtimeStatus").asText());
        }
    }

    @Test
    void badAndOutOfScopeRequestsGet400AndWriteNothing() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            String foreign = DemoWorld.SITE_ID.replace(DemoWorld.SUB, "11111111-2222-3333-4444-555555555555");
            Object[][] cases = {
                    {"POST /api/links/rerun", "{\"resourceId\":\"" + foreign + "\"}", "outside Tether's scope"},
                    {"POST /api/links/rerun", "{\"resourceId\":\"/subscriptions/x/../y\"}", "resource id"},
                    {"POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.VNET_ID + "\"}", "not linked by Tether"},
                    {"POST /api/links/rerun", "not json", "not valid JSON"},
                    {"POST /api/links/rerun", "{}", "exactly one of resourceId or link"},
                    {"GET /api/links/plan?link=Not_A_Label", null, "not a valid link name"},
                    {"GET /api/links/plan?link=nobody", null, "carries private-link=nobody"},
                    {"GET /api/links/status?link=UPPER", null, "not a valid link name"},
            };
            for (Object[] c : cases) {
                Sandbox.HttpExchange e = s.http((String) c[0], (String) c[1], JSON);
                assertEquals(400, e.status(), c[0] + " " + c[1] + ": " + e.body());
                assertTrue(body(e).path("error").path("message").asText().contains((String) c[2]), e.body());
            }
            assertEquals(405, s.http("GET /api/links/rerun", null, JSON).status());
            assertEquals(List.of(), s.durable().instances());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void simulateRecordsHttpResponsesAndRunsTheTimer(@TempDir Path dir) throws Exception {
        Path world = dir.resolve("world.json");
        Path events = dir.resolve("events.json");
        Path out = dir.resolve("result.json");
        M.writeValue(world.toFile(), DemoWorld.build());
        M.writeValue(events.toFile(), DemoWorld.events());
        assertEquals(0, SandboxMainAccess.run("simulate", "--world", world.toString(), "--events", events.toString(), "--out", out.toString(),
                "--timer", "--http", "GET /api/links/status", "--http", "GET /api/links/plan?link=shop"));
        JsonNode result = M.readTree(Files.readString(out));
        assertEquals(2, result.path("http").size());
        assertEquals(200, result.path("http").get(0).path("status").asInt());
        assertEquals("linked", result.path("http").get(0).path("body").path("links").get(0).path("apps").get(0).path("state").asText());
        assertTrue(result.path("orchestrations").toString().contains("DriftScan"));
    }

    @Test
    void theHostChecksFunctionKeysBeforeAFunctionRuns() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            var host = s.httpHost();
            String key = dev.tether.sandbox.HttpHost.Keys.DEFAULT_HOST_KEY;
            String body = "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}";
            assertEquals(new dev.tether.sandbox.HttpHost.Answer(401, Map.of(), ""), host.call("POST", "/api/links/rerun", JSON, body), "no key");
            assertEquals(401, host.call("POST", "/api/links/rerun?code=wrong", JSON, body).status(), "wrong code=");
            assertEquals(401, host.call("GET", "/api/links/status", Map.of("x-functions-key", "wrong"), null).status(), "wrong header");
            assertEquals(401, host.call("GET", "/api/links/status?code=" + key, Map.of("x-functions-key", "wrong"), null).status(),
                    "the header wins over code=");
            assertEquals(List.of(), s.durable().instances(), "no function ran");
            assertEquals(List.of(), s.calls().calls(), "no call reached Azure");

            assertEquals(202, host.call("POST", "/api/links/rerun?code=" + key, JSON, body).status(), "code=");
            assertEquals(200, host.call("GET", "/API/Links/Status", Map.of("x-functions-key", key), null).status(), "header; routes ignore case");
            assertEquals(404, host.call("GET", "/api/links/nothing?code=" + key, JSON, null).status());
        }
    }

    @Test
    void keysComeFromTheWorldFileAFunctionKeyOpensOnlyItsFunction() throws Exception {
        var world = DemoWorld.build();
        world.putObject("functionKeys").putObject("host").put("default", "team-key");
        ((com.fasterxml.jackson.databind.node.ObjectNode) world.get("functionKeys")).putObject("functions").putObject("LinksStatus").put("default", "status-only");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "keys"))) {
            var host = s.httpHost();
            assertEquals(401, host.call("GET", "/api/links/status?code=" + dev.tether.sandbox.HttpHost.Keys.DEFAULT_HOST_KEY, JSON, null).status());
            assertEquals(200, host.call("GET", "/api/links/status?code=team-key", JSON, null).status());
            assertEquals(200, host.call("GET", "/api/links/status?code=status-only", JSON, null).status());
            assertEquals(401, host.call("GET", "/api/links/plan?link=shop&code=status-only", JSON, null).status(), "another function's key");
            assertEquals(200, s.http("GET /api/links/plan?link=shop", null, JSON).status(), "Sandbox.http sends the world's host key");
        }
        var bad = DemoWorld.build();
        bad.putObject("functionKeys").putObject("host").put("default", 7);
        assertEquals("world file bad: functionKeys.host.default must be a non-empty string",
                assertThrows(IllegalArgumentException.class, () -> WorldFile.parse(bad, "bad")).getMessage());
    }

    @Test
    void rerunOfAResourceThatDoesNotExistIs404WithNoInstance() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            for (String id : new String[]{DemoWorld.SITE_ID + "gone", DemoWorld.SITE_ID + "/slots/nothere", DemoWorld.CLUSTER_ID + "gone"}) {
                Sandbox.HttpExchange e = s.http("POST /api/links/rerun", "{\"resourceId\":\"" + id + "\"}", JSON);
                assertEquals(404, e.status(), e.body());
                assertEquals("{\"error\":{\"code\":\"NotFound\",\"message\":\"" + id + " does not exist: check the resource id (a site, a slot or a managed"
                        + " cluster in one of TETHER_SUBSCRIPTIONS)\"}}", e.body());
            }
            s.runUntilIdle();
            assertEquals(List.of(), s.durable().instances());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void simulateSendsABodyAndTheDefaultKeyUnlessThePathHasItsOwnCode(@TempDir Path dir) throws Exception {
        Path world = dir.resolve("world.json");
        Path events = dir.resolve("events.json");
        Path out = dir.resolve("result.json");
        M.writeValue(world.toFile(), DemoWorld.build());
        M.writeValue(events.toFile(), M.createArrayNode());
        assertEquals(0, SandboxMainAccess.run("simulate", "--world", world.toString(), "--events", events.toString(), "--out", out.toString(),
                "--http", "POST /api/links/rerun {\"link\":\"shop\"}", "--http", "GET /api/links/status?code=wrong"));
        JsonNode http = M.readTree(Files.readString(out)).path("http");
        assertEquals(202, http.get(0).path("status").asInt(), http.toString());
        assertEquals(2, http.get(0).path("body").path("instances").size(), "the cluster and the app of link shop");
        assertEquals(401, http.get(1).path("status").asInt());

        assertEquals(0, SandboxMainAccess.run("simulate", "--world", world.toString(), "--events", events.toString(), "--out", out.toString(),
                "--function-key", "mine", "--http", "GET /api/links/status", "--http", "GET /api/links/status?code=mine",
                "--http", "GET /api/links/status?code=" + dev.tether.sandbox.HttpHost.Keys.DEFAULT_HOST_KEY));
        http = M.readTree(Files.readString(out)).path("http");
        assertEquals(List.of(200, 200, 401), List.of(http.get(0).path("status").asInt(), http.get(1).path("status").asInt(), http.get(2).path("status").asInt()));
    }
}
