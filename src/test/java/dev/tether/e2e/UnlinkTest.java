package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Link, untag, unlink over HTTP: the app is back as it was, through the same instance, with the minimum writes. */
class UnlinkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String UNLINK = "POST /api/links/unlink";

    static Sandbox linked(ObjectNode world) {
        Sandbox s = new Sandbox(WorldFile.parse(world, "unlink"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
        return s;
    }

    /** The user removes the private-link tag from the app (what az tag update --operation delete leaves). */
    static void untag(Sandbox s, String id) {
        ObjectNode site = s.arm().resource(id).orElseThrow().deepCopy();
        ((ObjectNode) site.get("tags")).remove("private-link");
        s.arm().putResource(site);
    }

    static List<String> calls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList();
    }

    /** The world file as the emulators hold it before anything ran (the comparable form). */
    static ObjectNode pristine(ObjectNode world) {
        try (Sandbox s = new Sandbox(WorldFile.parse(world.deepCopy(), "before"))) {
            return new WorldView(s).comparableWorld();
        }
    }

    @Test
    void linkThenUnlinkLeavesTheAppAsItWasWithTheMinimumCalls() throws Exception {
        // Built first: a sandbox installs the process-wide Tether, so none may be opened inside another.
        ObjectNode expected = pristine(DemoWorld.build());
        try (Sandbox s = linked(DemoWorld.build())) {
            WorldView linked = new WorldView(s);
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp;subnetCreated=true;routeAll=user",
                    linked.appSettings(DemoWorld.SITE_ID).path("TETHER_LINK").asText(), "the ownership record rides on the DNS write");
            untag(s, DemoWorld.SITE_ID);
            int mark = s.calls().size();
            Sandbox.HttpExchange e = s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON);
            assertEquals(202, e.status(), e.body());
            assertTrue(M.readTree(e.body()).path("statusQueryGetUri").asText().contains("/instances/tether-site-sitef6141-"), e.body());
            s.runUntilIdle();
            var runs = s.durable().instances();
            assertEquals(1, runs.size(), "the app's one instance, continued by the unlink");
            var app = runs.get(0);
            assertEquals("Completed", app.status(), app.failure());
            String site = DemoWorld.SITE_ID;
            String subnet = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp";
            assertEquals(List.of(
                    "GET " + site + " 200", // the HTTP trigger: exists, and no longer tagged
                    "GET " + site + " 200", "POST " + site + "/config/appsettings/list 200", "GET " + DemoWorld.VNET_ID + " 200", // the plan
                    "POST " + site + "/config/appsettings/list 200", "PUT " + site + "/config/appsettings 200", // 1. DNS setting and record
                    "GET " + site + " 200", "DELETE " + site + "/networkConfig/virtualNetwork 200", // 3. leave (2. route-all: Tether never turned it on)
                    "GET " + DemoWorld.VNET_ID + " 200", "DELETE " + subnet + " 202", // 4. the subnet Tether created, now unused
                    "GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-2 200"), calls(s, mark));
            JsonNode out = M.readTree(app.output());
            assertEquals("UNLINKED", out.path("status").asText(), out.toString());

            // The world equals the world before the link, but for the tag the user removed; the cluster keeps its link.
            expected.path("resources").forEach(r -> {
                if (r.path("id").asText().equals(site)) {
                    ((ObjectNode) r.path("tags")).remove("private-link");
                }
            });
            ObjectNode now = new WorldView(s).comparableWorld();
            assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
            assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));

            // A second unlink observes and writes nothing.
            int again = s.calls().size();
            Sandbox.HttpExchange secondCall = s.http(UNLINK, "{\"resourceId\":\"" + site + "\"}", JSON);
            assertEquals(202, secondCall.status(), secondCall.body());
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(again).stream().filter(CallLog.Call::isWrite).toList());
            JsonNode second = M.readTree(s.durable().instances().get(0).output());
            assertEquals("UNLINKED", second.path("status").asText());
            assertTrue(second.path("message").asText().startsWith("nothing of Tether's is left on sitef6141"), second.toString());
        }
    }
}
