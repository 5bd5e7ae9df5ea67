package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 9 point 6 (and issue 16 point 6): subnets shared between plans. Two plans whose names collide get two subnets;
 * a second plan joins a shared subnet only within the multi-plan subnet join limits (/26 or larger, one subscription)
 * and never takes the first plan's attribution; a plan whose integration is already used by a sibling app elsewhere is
 * refused before any subnet is created. Everything runs through the real SDK against the ARM emulator.
 */
class SharedSubnetTest {
    static final String RG2 = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/teamb";
    static final String PLAN2 = RG2 + "/providers/Microsoft.Web/serverfarms/DefaultAsp";
    static final String SITE2 = RG2 + "/providers/Microsoft.Web/sites/shop-b";
    static final String SUBNET1 = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230";
    /** Tether's subnet for the plan named DefaultAsp in resource group teamb: the same plan name, another hash. */
    static final String SUBNET2 = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-72e512ae";

    /** A second plan named like the first (DefaultAsp) in another resource group, with one app tagged for the same link. */
    static void secondPlan(ObjectNode world, String planId, String siteId, Map<String, String> tags) {
        ArrayNode resources = (ArrayNode) world.get("resources");
        ObjectNode plan = BadInputTest.resource(world, "Microsoft.Web/serverfarms").deepCopy();
        plan.put("id", planId).put("name", planId.substring(planId.lastIndexOf('/') + 1));
        resources.add(plan);
        ObjectNode site = BadInputTest.resource(world, "Microsoft.Web/sites").deepCopy();
        site.put("id", siteId).put("name", siteId.substring(siteId.lastIndexOf('/') + 1));
        ((ObjectNode) site.get("properties")).put("serverFarmId", planId);
        ObjectNode t = site.putObject("tags");
        tags.forEach(t::put);
        resources.add(site);
        ((ObjectNode) world.get("appSettings")).putObject(siteId).put("TEAM", "b");
    }

    static JsonNode events(String... siteIds) {
        ArrayNode out = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
        int i = 0;
        for (String id : siteIds) {
            out.add(ReferenceEvents.writeSuccess(id, "Microsoft.Web/sites/write", "9d7a9c3e-4b1f-4a49-9d55-7c2f3e1b6a0" + i++));
        }
        return out;
    }

    static List<String> writes(List<CallLog.Call> calls) {
        List<String> out = new ArrayList<>();
        calls.stream().filter(CallLog.Call::isWrite).forEach(c -> out.add(c.method() + " " + path(c).replace("/subscriptions/" + DemoWorld.SUB, "")));
        return out;
    }

    static String path(CallLog.Call c) {
        int q = c.path().indexOf('?');
        return q < 0 ? c.path() : c.path().substring(0, q);
    }

    static DurableDriver.InstanceView instance(Sandbox s, String siteId) {
        return s.durable().instances().stream().filter(v -> v.input() != null && v.input().contains(siteId.substring(siteId.lastIndexOf('/'))))
                .reduce((a, b) -> b).orElseThrow();
    }

    static JsonNode subnet(Sandbox s, String id) {
        return s.arm().resource(id).orElseThrow();
    }

    static List<String> linkedPlans(JsonNode subnet) {
        List<String> out = new ArrayList<>();
        subnet.path("properties").path("serviceAssociationLinks").forEach(l -> out.add(l.path("properties").path("link").asText()));
        return out;
    }

    @Test
    void plansNamedAlikeInTwoGroupsGetTwoSubnetsAndEachRerunStillPasses() {
        ObjectNode world = DemoWorld.build();
        secondPlan(world, PLAN2, SITE2, Map.of("private-link", DemoWorld.LINK));
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "two-plans"))) {
            s.deliverAll(events(DemoWorld.SITE_ID, SITE2));
            s.runUntilIdle();
            assertEquals("Completed", instance(s, DemoWorld.SITE_ID).status(), instance(s, DemoWorld.SITE_ID).failure());
            assertEquals("Completed", instance(s, SITE2).status(), instance(s, SITE2).failure());
            List<String> subnetWrites = writes(s.calls().calls()).stream().filter(w -> w.contains("/subnets/")).toList();
            assertEquals(List.of("PUT /resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-148ff230",
                    "PUT /resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-72e512ae"), subnetWrites);
            assertEquals(List.of(DemoWorld.PLAN_ID), linkedPlans(subnet(s, SUBNET1)), "each subnet serves its own plan");
            assertEquals(List.of(PLAN2), linkedPlans(subnet(s, SUBNET2)));
            assertEquals(SUBNET1, s.arm().resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
            assertEquals(SUBNET2, s.arm().resource(SITE2).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
            assertEquals("10.0.0.0/27", subnet(s, SUBNET1).path("properties").path("addressPrefix").asText());
            assertEquals("10.0.0.32/27", subnet(s, SUBNET2).path("properties").path("addressPrefix").asText());

            // Attribution survives: the first app's rerun observes its own plan's subnet and writes nothing.
            int mark = s.calls().size();
            assertEquals(202, s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            assertEquals("Completed", instance(s, DemoWorld.SITE_ID).status(), instance(s, DemoWorld.SITE_ID).failure());
            assertEquals(List.of(), writes(s.calls().since(mark)), "a rerun of a linked app writes nothing");
            assertEquals(0, s.calls().since(mark).stream().filter(c -> path(c).endsWith("/virtualNetworkConnections")).count(),
                    "an app already joined costs no read of its plan's connections");
        }
    }

    /** Both apps name one subnet with private-link-subnet: the first plan's link, then the second within or outside MPSJ. */
    static Sandbox sharedByTag(String prefix, String plan2) {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/sites").get("tags")).put("private-link-subnet", "shared");
        BadInputTest.addSubnet(world, "shared", prefix, "Microsoft.Web/serverFarms", null);
        secondPlan(world, plan2, plan2.replace("serverfarms/DefaultAsp", "sites/shop-b"),
                Map.of("private-link", DemoWorld.LINK, "private-link-subnet", "shared"));
        Sandbox s = new Sandbox(WorldFile.parse(world, "shared"));
        s.deliverAll(events(DemoWorld.SITE_ID));
        s.runUntilIdle();
        assertEquals("Completed", instance(s, DemoWorld.SITE_ID).status(), instance(s, DemoWorld.SITE_ID).failure());
        return s;
    }

    static final String SHARED = DemoWorld.VNET_ID + "/subnets/shared";
    static final String LEGACY = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet/subnets/legacy";

    @Test
    void aSecondPlanJoinsASlash26SubnetAndBothKeepTheirAttribution() {
        try (Sandbox s = sharedByTag("10.0.2.0/26", PLAN2)) {
            int mark = s.calls().size();
            s.deliverAll(events(SITE2));
            s.runUntilIdle();
            assertEquals("Completed", instance(s, SITE2).status(), instance(s, SITE2).failure());
            assertEquals(List.of("PATCH /resourceGroups/teamb/providers/Microsoft.Web/sites/shop-b",
                    "PUT /resourceGroups/teamb/providers/Microsoft.Web/sites/shop-b/config/slotConfigNames",
                    "PUT /resourceGroups/teamb/providers/Microsoft.Web/sites/shop-b/config/appsettings"), writes(s.calls().since(mark)),
                    "no subnet write: the shared subnet is delegated already (the slot-setting mark precedes the DNS setting)");
            assertEquals(List.of(DemoWorld.PLAN_ID, PLAN2), linkedPlans(subnet(s, SHARED)), "one association link per plan, the first kept");
            assertEquals("10.0.2.0/26", subnet(s, SHARED).path("properties").path("addressPrefix").asText());
            assertEquals(SHARED, s.arm().resource(SITE2).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());

            mark = s.calls().size();
            s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of());
            s.runUntilIdle();
            assertEquals("Completed", instance(s, DemoWorld.SITE_ID).status(), instance(s, DemoWorld.SITE_ID).failure());
            assertEquals(List.of(), writes(s.calls().since(mark)), "the first app's rerun passes and writes nothing");
        }
    }

    @Test
    void aSecondPlanIsRefusedASlash27SubnetBeforeAnyWrite() {
        try (Sandbox s = sharedByTag("10.0.2.0/27", PLAN2)) {
            JsonNode before = subnet(s, SHARED).deepCopy();
            int mark = s.calls().size();
            s.deliverAll(events(SITE2));
            s.runUntilIdle();
            assertEquals("Failed", instance(s, SITE2).status());
            assertEquals("SUBNET_SHARED_TOO_SMALL: subnet shared (10.0.2.0/27) serves plan " + DemoWorld.PLAN_ID
                    + "; a second plan may join a subnet (multi-plan subnet join) only when it is /26 or larger"
                    + " Fix: name a /26 or larger subnet with tag private-link-subnet, or remove the tag and let Tether create the plan's own",
                    instance(s, SITE2).failure());
            assertEquals(List.of(), writes(s.calls().since(mark)), "zero writes");
            assertEquals(before, subnet(s, SHARED), "the subnet and the first plan's link are untouched");
            assertEquals("", s.arm().resource(SITE2).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText(""));
            assertEquals(Map.of("TEAM", "b"), s.arm().appSettings().get(SITE2));
        }
    }

    @Test
    void aPlanOfAnotherSubscriptionIsRefusedASharedSubnetBeforeAnyWrite() {
        ObjectNode world = DemoWorld.build();
        String foreignPlan = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/teamc/providers/Microsoft.Web/serverfarms/other";
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/sites").get("tags")).put("private-link-subnet", "shared");
        BadInputTest.addSubnet(world, "shared", "10.0.2.0/26", "Microsoft.Web/serverFarms", foreignPlan);
        JsonNode vnetBefore = BadInputTest.resource(world, "Microsoft.Network/virtualNetworks").deepCopy();
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "foreign-plan"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Failed", instance(s, DemoWorld.SITE_ID).status());
            assertEquals("SUBNET_SHARED_ACROSS_SUBSCRIPTIONS: subnet shared serves plan " + foreignPlan + " of another subscription;"
                            + " plans sharing a subnet (multi-plan subnet join) must all be in one subscription, and plan " + DemoWorld.PLAN_ID
                            + " is in " + DemoWorld.SUB + " Fix: name another subnet with tag private-link-subnet, or remove the tag and let Tether create the plan's own",
                    instance(s, DemoWorld.SITE_ID).failure());
            assertEquals(List.of(), writes(s.calls().calls()), "zero writes");
            assertEquals(vnetBefore.path("properties").path("subnets"), s.arm().resource(DemoWorld.VNET_ID).orElseThrow().path("properties").path("subnets"));
        }
    }

    @Test
    void aLinuxPlanWhoseSiblingIsIntegratedElsewhereIsRefusedBeforeASubnetIsCreated() {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/serverfarms").get("properties")).put("reserved", true);
        // A sibling app of the same plan, not tagged, already integrated with a subnet of another VNet.
        ObjectNode sibling = BadInputTest.resource(world, "Microsoft.Web/sites").deepCopy();
        sibling.put("id", DemoWorld.SITE_ID.replace("sitef6141", "sibling")).put("name", "sibling").putObject("tags");
        ((ObjectNode) sibling.get("properties")).put("virtualNetworkSubnetId", LEGACY);
        ((ArrayNode) world.get("resources")).add(sibling);
        JsonNode vnetBefore = BadInputTest.resource(world, "Microsoft.Network/virtualNetworks").deepCopy();
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "sibling"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Failed", instance(s, DemoWorld.SITE_ID).status());
            assertEquals("PLAN_INTEGRATED_ELSEWHERE: plan DefaultAsp (Linux, 1 regional VNet integration) is already integrated with "
                    + LEGACY + " through its other apps, so app sitef6141 cannot join tether-DefaultAsp-148ff230 without one more"
                    + " Fix: tag the app private-link-subnet=<that subnet's name> when it is in the cluster's VNet, move the app to another plan,"
                    + " or remove the other apps' integration", instance(s, DemoWorld.SITE_ID).failure());
            assertEquals(List.of(), writes(s.calls().calls()), "zero writes: no subnet left behind");
            assertEquals(vnetBefore.path("properties").path("subnets"), s.arm().resource(DemoWorld.VNET_ID).orElseThrow().path("properties").path("subnets"));
            assertEquals(1, s.calls().calls().stream().filter(c -> path(c).endsWith("/serverfarms/DefaultAsp/virtualNetworkConnections")).count());
        }
    }

    @Test
    void theSubnetStepRechecksWhoTheSubnetServesRightBeforeItWrites() {
        // The plan chose subnet shared when nobody used it; since then plan teamb/DefaultAsp joined it (a /27).
        ObjectNode world = DemoWorld.build();
        BadInputTest.addSubnet(world, "shared", "10.0.2.0/27", null, PLAN2);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "raced"))) {
            var decision = new dev.tether.plan.SubnetDecision(DemoWorld.VNET_ID, SHARED, "shared", "10.0.2.0/27", dev.tether.plan.Outcome.UPDATED,
                    "named by tag private-link-subnet; add delegation to Microsoft.Web/serverFarms", DemoWorld.PLAN_ID);
            String out = s.tether().siteLinkActivities().ensureSubnet(dev.tether.durable.Json.write(new dev.tether.orchestration.Messages.EnsureSubnet(decision)));
            var result = dev.tether.durable.Json.read(out, dev.tether.orchestration.StepResult.class);
            assertEquals("SUBNET_SHARED_TOO_SMALL: subnet shared (10.0.2.0/27) serves plan " + PLAN2
                    + "; a second plan may join a subnet (multi-plan subnet join) only when it is /26 or larger"
                    + " Fix: name a /26 or larger subnet with tag private-link-subnet, or remove the tag and let Tether create the plan's own", result.error());
            assertEquals(List.of("GET /resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet"),
                    s.calls().calls().stream().map(c -> c.method() + " " + path(c).replace("/subscriptions/" + DemoWorld.SUB, "")).toList(),
                    "one read of the VNet it reads anyway, and no write");
        }
    }
}
