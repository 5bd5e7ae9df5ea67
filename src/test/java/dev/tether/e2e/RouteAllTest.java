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
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 4: route-all only when the link needs it (the cluster's DNS range outside RFC 1918), a tag forces it,
 * Tether never turns a user's route-all off, drift follows the same rule, and the plan says why.
 */
class RouteAllTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String CGNAT = "the cluster's node subnet (where tether-dns and internal load balancers take their IPs) 100.64.1.0/24 is outside RFC 1918";

    /** The demo VNet moved to 100.64.0.0/16 (shared address space, RFC 6598): not RFC 1918. */
    static void cgnatVnet(ObjectNode w) {
        ObjectNode vnet = BadInputTest.resource(w, "Microsoft.Network/virtualNetworks");
        ((ObjectNode) vnet.path("properties").path("addressSpace")).putArray("addressPrefixes").add("100.64.0.0/16");
        ((ObjectNode) vnet.path("properties").path("subnets").get(0).path("properties")).put("addressPrefix", "100.64.1.0/24");
    }

    static Sandbox linked(Consumer<ObjectNode> edit) {
        ObjectNode world = DemoWorld.build();
        edit.accept(world);
        Sandbox s = new Sandbox(WorldFile.parse(world, "route-all"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
        return s;
    }

    static JsonNode site(Sandbox s) {
        return s.arm().resource(DemoWorld.SITE_ID).orElseThrow().path("properties");
    }

    /** The link's ARM writes: exactly the subnet PUT, one site PATCH, the slot-setting mark and the app settings PUT. */
    static void assertMinimumArmWrites(Sandbox s) {
        List<String> arm = s.calls().writes().stream().filter(c -> c.target().equals("arm"))
                .map(c -> c.method() + " " + c.path().replaceAll(".*/providers/", "")).toList();
        assertEquals(List.of("PUT Microsoft.Network/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-148ff230", "PATCH Microsoft.Web/sites/sitef6141",
                "PUT Microsoft.Web/sites/sitef6141/config/slotConfigNames", "PUT Microsoft.Web/sites/sitef6141/config/appsettings"), arm.stream().map(a -> a.replaceAll("\\?.*", "")).toList());
    }

    static String planReason(Sandbox s) throws Exception {
        JsonNode plan = M.readTree(s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, Map.of("Accept", "application/json")).body());
        for (JsonNode c : plan.path("plans").get(0).path("site").path("changes")) {
            if (c.path("step").asText().equals("site")) {
                return c.path("reason").asText();
            }
        }
        throw new AssertionError(plan.toString());
    }

    @Test
    void anRfc1918ClusterNeedsNoRouteAllAndThePlanSaysWhy() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "plan"))) {
            assertEquals("join subnet tether-DefaultAsp-148ff230; route-all stays off: the cluster's node subnet (where tether-dns and internal load balancers"
                    + " take their IPs) 10.0.1.0/24 is inside RFC 1918, which the integration routes without route-all (the app's other egress"
                    + " keeps its own path) (one PATCH of virtualNetworkSubnetId)", planReason(s));
        }
        try (Sandbox s = linked(w -> { })) {
            assertFalse(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean(true));
            assertFalse(site(s).path("siteConfig").path("vnetRouteAllEnabled").asBoolean(true));
            assertMinimumArmWrites(s);
            assertTrue(site(s).path("virtualNetworkSubnetId").asText().endsWith("/subnets/tether-DefaultAsp-148ff230"));
        }
    }

    @Test
    void aClusterOutsideRfc1918GetsRouteAllInTheSamePatch() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(edited(RouteAllTest::cgnatVnet), "plan"))) {
            assertTrue(planReason(s).startsWith("join subnet tether-DefaultAsp-148ff230; turn on route-all: " + CGNAT), planReason(s));
        }
        try (Sandbox s = linked(RouteAllTest::cgnatVnet)) {
            assertTrue(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean());
            assertTrue(site(s).path("siteConfig").path("vnetRouteAllEnabled").asBoolean());
            assertMinimumArmWrites(s);
        }
    }

    @Test
    void theTagForcesRouteAllOnOrKeepsItOff() {
        try (Sandbox s = linked(w -> siteTag(w, "on"))) {
            assertTrue(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean());
        }
        try (Sandbox s = linked(w -> {
            cgnatVnet(w);
            siteTag(w, "OFF");
        })) {
            assertFalse(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean(true));
            assertMinimumArmWrites(s);
        }
    }

    @Test
    void aRouteAllTheUserSetIsNeverTurnedOffEvenWithTheOffTag() {
        try (Sandbox s = linked(w -> {
            siteTag(w, "off");
            ObjectNode p = (ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("properties");
            p.with("outboundVnetRouting").put("applicationTraffic", true);
            p.with("siteConfig").put("vnetRouteAllEnabled", true);
        })) {
            assertTrue(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean());
            assertTrue(site(s).path("siteConfig").path("vnetRouteAllEnabled").asBoolean());
            assertMinimumArmWrites(s);
        }
    }

    @Test
    void invalidTagIsRefusedBeforeAnyWrite() {
        ObjectNode world = DemoWorld.build();
        siteTag(world, "always");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "bad"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            var v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertTrue(v.failure().contains("INVALID_ROUTE_ALL_TAG: tag private-link-route-all='always' is not on, off or auto"), v.failure());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void driftFollowsTheSameRule() throws Exception {
        // RFC 1918: route-all off is not drift.
        try (Sandbox s = linked(w -> { })) {
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals(0, M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output()).path("drifted").size());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
        }
        // Outside RFC 1918: someone turns it off; drift reports why and the repair turns it back on.
        try (Sandbox s = linked(RouteAllTest::cgnatVnet)) {
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow();
            ((ObjectNode) site.path("properties").path("outboundVnetRouting")).put("applicationTraffic", false);
            ((ObjectNode) site.path("properties").path("siteConfig")).put("vnetRouteAllEnabled", false);
            s.arm().putResource(site);
            String ip = new WorldView(s).kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                    .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals("[\"route-all is off but needed: the DNS IP " + ip + " is outside RFC 1918, and without route-all only RFC 1918"
                    + " destinations go through the integration\"]", report.path("drifted").get(0).path("reasons").toString());
            assertTrue(site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean());
            List<CallLog.Call> writes = s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList();
            assertEquals(List.of("PATCH"), writes.stream().map(CallLog.Call::method).toList(), writes.toString());
            assertTrue(writes.get(0).path().contains("/sites/sitef6141"), writes.toString());
        }
    }

    static void siteTag(ObjectNode w, String value) {
        ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put("private-link-route-all", value);
    }

    static ObjectNode edited(Consumer<ObjectNode> edit) {
        ObjectNode w = DemoWorld.build();
        edit.accept(w);
        return w;
    }
}
