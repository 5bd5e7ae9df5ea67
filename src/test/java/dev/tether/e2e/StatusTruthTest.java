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

import static dev.tether.e2e.ServicesTest.service;
import static dev.tether.e2e.ServicesTest.world;
import static org.junit.jupiter.api.Assertions.*;

/** After a link, status and plan tell the truth: the cluster is linked with its DNS IP, readiness and Services; the plan has nothing to do. */
class StatusTruthTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");

    /** The demo world with one opted-in Service, linked from the app's tag event, settled. */
    static Sandbox linkedWithService() {
        ObjectNode w = world(null, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "203.0.113.10"));
        Sandbox s = new Sandbox(WorldFile.parse(w, "status"));
        s.deliverAll(DemoWorld.events());
        s.deliverAll(ServicesTest.publicIpEvent(s, "shop", "web"));
        s.settle();
        return s;
    }

    @Test
    void aLinkedClusterShowsAsLinkedWithItsDnsIpReadinessAndServices() throws Exception {
        try (Sandbox s = linkedWithService()) {
            int mark = s.calls().size();
            Sandbox.HttpExchange e = s.http("GET /api/links/status?link=shop", null, JSON);
            assertEquals(200, e.status(), e.body());
            JsonNode link = M.readTree(e.body()).path("links").get(0);
            assertEquals("10.0.1.4", link.path("dnsIp").asText());
            JsonNode cluster = link.path("clusters").get(0);
            assertEquals("linked", cluster.path("state").asText());
            assertEquals("cluster DNS 10.0.1.4 (zone shop.internal) serves sitef6141; ready", cluster.path("reason").asText());
            assertEquals("10.0.1.4", cluster.path("dnsIp").asText());
            assertTrue(cluster.path("ready").asBoolean());
            assertEquals("{\"dns-ip\":\"ok: kube-system/tether-dns has IP 10.0.1.4 (pinned)\",\"endpoints\":\"ok: EndpointSlices of tether-dns:"
                    + " 2 ready endpoint(s) for 53/UDP, 2 for 53/TCP\",\"coredns-rollout\":\"ok: deployment \\\"coredns\\\" successfully rolled out\","
                    + "\"names\":\"ok: 1 name(s) map to their internal IPs\"}", cluster.path("readiness").toString());
            assertEquals("[{\"service\":\"shop/web\",\"name\":\"web.shop.shop.internal\",\"ip\":\"10.0.1.5\",\"state\":\"internal\"}]",
                    cluster.path("services").toString());
            JsonNode app = link.path("apps").get(0);
            assertEquals("linked", app.path("state").asText());
            List<CallLog.Call> calls = s.calls().since(mark);
            assertEquals(List.of(), calls.stream().filter(CallLog.Call::isWrite).toList(), "status writes nothing");
            assertEquals(3, calls.stream().filter(c -> c.target().equals("kubernetes")).count(),
                    "one Services list, the EndpointSlices of tether-dns and the CoreDNS Deployment: " + calls);
        }
    }

    @Test
    void theConvergedPlanHasNothingToDoInEveryRow() throws Exception {
        try (Sandbox s = linkedWithService()) {
            int mark = s.calls().size();
            Sandbox.HttpExchange e = s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, JSON);
            assertEquals(200, e.status(), e.body());
            JsonNode changes = M.readTree(e.body()).path("plans").get(0).path("site").path("changes");
            assertEquals(List.of("subnet", "site", "cluster-dns", "slot-settings", "app-settings"),
                    java.util.stream.StreamSupport.stream(changes.spliterator(), false).map(c -> c.path("step").asText()).toList());
            for (JsonNode c : changes) {
                assertEquals("UNCHANGED", c.path("action").asText(), c.toString());
            }
            assertEquals("nothing to do: tether-dns 10.0.1.4 (pinned), CoreDNS runs k8s_external shop.internal", changes.get(2).path("reason").asText());
            assertEquals("nothing to do: WEBSITE_DNS_SERVER is a slot setting of the site (config/slotConfigNames)", changes.get(3).path("reason").asText());
            assertEquals("nothing to do: WEBSITE_DNS_SERVER is 10.0.1.4", changes.get(4).path("reason").asText());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
            String table = s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, Map.of("Accept", "text/plain")).body();
            assertFalse(table.contains("(later)"), table);
            assertTrue(table.contains("cluster-dns   UNCHANGED nothing to do"), table);
        }
    }

    @Test
    void beforeTheLinkThePlanSaysWhatIsLeft() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "fresh"))) {
            JsonNode changes = M.readTree(s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, JSON).body())
                    .path("plans").get(0).path("site").path("changes");
            assertFalse(changes.get(2).hasNonNull("action"), changes.toString());
            // The slot-setting mark is planned from what the plan read: the site's slot settings lack WEBSITE_DNS_SERVER.
            assertEquals("slot-settings", changes.get(3).path("step").asText());
            assertEquals("UPDATED", changes.get(3).path("action").asText());
            assertEquals("mark WEBSITE_DNS_SERVER as slot setting (config/slotConfigNames, merged): app settings swap with the content,"
                    + " VNet integration stays with the slot; Tether's mark, recorded for an unlink", changes.get(3).path("reason").asText());
            assertEquals("[\"WEBSITE_DNS_SERVER\"]", M.readTree(s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, JSON).body())
                    .path("plans").get(0).path("site").path("dns").path("slotSettingsMarked").toString(), "the plan records the mark it adds");
            assertFalse(changes.get(4).hasNonNull("action"), changes.toString());
            assertEquals(List.of(), s.calls().writes());
        }
    }
}
