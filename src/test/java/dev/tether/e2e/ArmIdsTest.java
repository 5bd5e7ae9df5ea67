package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 8: ids ARM allows (a resource group with Unicode letters, periods and parentheses) link like any other,
 * and one resource Tether cannot handle never fails the drift scan, status or a link-wide rerun for everyone else.
 */
class ArmIdsTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String CAFE_SITE = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/rg-café.team(eu)/providers/Microsoft.Web/sites/cafe-app";
    /** A resource group name ARM would never allow (a space): stands for "a resource Tether still cannot handle". */
    static final String BAD_SITE = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/rg bad/providers/Microsoft.Web/sites/bad-app";

    static ObjectNode world() {
        ObjectNode w = DemoWorld.build();
        ObjectNode demo = BadInputTest.resource(w, "Microsoft.Web/sites");
        for (String[] s : new String[][]{{CAFE_SITE, "cafe-app"}, {BAD_SITE, "bad-app"}}) {
            ObjectNode copy = demo.deepCopy();
            copy.put("id", s[0]).put("name", s[1]);
            ((ArrayNode) w.get("resources")).add(copy);
        }
        return w;
    }

    @Test
    void aUnicodeResourceGroupLinksAndAnUnhandledOneIsReportedByItself() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(world(), "ids"))) {
            Sandbox.HttpExchange rerun = s.http("POST /api/links/rerun?link=shop", null, JSON);
            assertEquals(202, rerun.status(), rerun.body());
            assertEquals(3, M.readTree(rerun.body()).path("instances").size(), "the cluster, the demo app and the café app: " + rerun.body());
            s.runUntilIdle();
            JsonNode cafe = s.arm().resource(CAFE_SITE).orElseThrow();
            assertTrue(cafe.path("properties").path("virtualNetworkSubnetId").asText().endsWith("/subnets/tether-DefaultAsp-148ff230"), cafe.toString());
            String ip = new WorldView(s).kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                    .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
            assertEquals(List.of(ip), s.arm().effectiveDnsServers(CAFE_SITE));

            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals(2, report.path("sites").asInt(), report.toString());
            assertEquals(0, report.path("drifted").size(), report.toString());
            assertTrue(s.logLines().stream().anyMatch(l -> l.contains("drift.unhandled") && l.contains("rg bad")), "reported by itself");

            Sandbox.HttpExchange status = s.http("GET /api/links/status?link=shop", null, JSON);
            assertEquals(200, status.status(), status.body());
            JsonNode apps = M.readTree(status.body()).path("links").get(0).path("apps");
            assertEquals(3, apps.size(), apps.toString());
            for (JsonNode a : apps) {
                if (a.path("resourceId").asText().equals(BAD_SITE)) {
                    assertEquals("unhandled", a.path("state").asText());
                    assertTrue(a.path("reason").asText().contains("has an invalid segment 'rg bad'"), a.toString());
                } else {
                    assertEquals("linked", a.path("state").asText(), a.toString());
                }
            }
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?link=shop", null, JSON);
            assertEquals(200, plan.status(), plan.body());
        }
    }
}
