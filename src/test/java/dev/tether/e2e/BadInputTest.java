package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad input: a clear message that says what to fix, and zero writes to ARM or Kubernetes. */
class BadInputTest {
    private static final ObjectMapper M = new ObjectMapper();

    record Outcome(List<String> actions, List<DurableDriver.InstanceView> runs, List<CallLog.Call> writes, List<String> logs) {
        DurableDriver.InstanceView only() {
            assertEquals(1, runs.size(), "one orchestration: " + runs);
            return runs.get(0);
        }
    }

    static Outcome run(Consumer<ObjectNode> editWorld, ArrayNode events) {
        ObjectNode world = DemoWorld.build();
        editWorld.accept(world);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "test"))) {
            List<String> actions = s.deliverAll(events);
            s.runUntilIdle();
            return new Outcome(actions, s.durable().instances(), s.calls().writes(), s.logLines());
        }
    }

    static Outcome run(Consumer<ObjectNode> editWorld) {
        return run(editWorld, DemoWorld.events());
    }

    public static ObjectNode resource(ObjectNode world, String type) {
        for (JsonNode r : world.path("resources")) {
            if (r.path("type").asText().equalsIgnoreCase(type)) {
                return (ObjectNode) r;
            }
        }
        throw new AssertionError("no " + type);
    }

    static void assertFailedWith(Outcome o, String code, String... phrases) {
        DurableDriver.InstanceView v = o.only();
        assertEquals("Failed", v.status(), "expected a clear failure, got " + v);
        assertTrue(v.failure().contains(code), v.failure());
        assertTrue(v.failure().contains("Fix:"), "the message says how to fix it: " + v.failure());
        for (String p : phrases) {
            assertTrue(v.failure().contains(p), "'" + p + "' in: " + v.failure());
        }
        assertEquals(List.of(), o.writes(), "zero writes");
    }

    @Test
    void freeOrSharedPlan() {
        assertFailedWith(run(w -> {
            ObjectNode sku = (ObjectNode) resource(w, "Microsoft.Web/serverfarms").get("sku");
            sku.put("name", "F1").put("tier", "Free").put("size", "F1").put("family", "F");
        }), "UNSUPPORTED_SKU", "Free");
        assertFailedWith(run(w -> ((ObjectNode) resource(w, "Microsoft.Web/serverfarms").get("sku")).put("name", "D1").put("tier", "Shared")),
                "UNSUPPORTED_SKU", "Shared");
    }

    @Test
    void appInAnotherRegionThanTheVnet() {
        assertFailedWith(run(w -> resource(w, "Microsoft.Web/sites").put("location", "West Europe")), "REGION_MISMATCH", "West Europe", "eastus");
    }

    @Test
    void noClusterCarriesTheLinkSoTheAppWaits() {
        Outcome o = run(w -> ((ObjectNode) resource(w, "Microsoft.ContainerService/managedClusters").get("tags")).remove("private-link"));
        DurableDriver.InstanceView v = o.only();
        assertEquals("Completed", v.status());
        assertTrue(v.output().contains("WAITING") && v.output().contains("private-link=shop"), v.output());
        assertEquals(List.of(), o.writes());
    }

    @Test
    void twoClustersCarryTheSameLink() {
        assertFailedWith(run(w -> {
            ObjectNode second = resource(w, "Microsoft.ContainerService/managedClusters").deepCopy();
            second.put("id", second.get("id").asText().replace("clustername1", "clustername2")).put("name", "clustername2");
            ((ArrayNode) w.get("resources")).add(second);
        }), "DUPLICATE_LINK", "clustername1", "clustername2");
    }

    @Test
    void clusterWithoutASubnetOfItsOwn() {
        assertFailedWith(run(w -> ((ObjectNode) resource(w, "Microsoft.ContainerService/managedClusters")
                .path("properties").path("agentPoolProfiles").get(0)).remove("vnetSubnetID")), "NO_CLUSTER_SUBNET");
    }

    @Test
    void vnetWithoutAFreeRange() {
        assertFailedWith(run(w -> {
            ObjectNode space = (ObjectNode) resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("addressSpace");
            space.putArray("addressPrefixes").add("10.0.1.0/24");
        }), "NO_FREE_RANGE", "10.0.1.0/24");
    }

    public static void addSubnet(ObjectNode world, String name, String prefix, String delegation, String linkedPlan) {
        ObjectNode vnet = resource(world, "Microsoft.Network/virtualNetworks");
        String id = vnet.get("id").asText() + "/subnets/" + name;
        ObjectNode s = ((ArrayNode) vnet.path("properties").path("subnets")).addObject();
        s.put("name", name).put("id", id);
        ObjectNode p = s.putObject("properties");
        p.put("provisioningState", "Succeeded").put("addressPrefix", prefix);
        if (delegation != null) {
            p.putArray("delegations").addObject().put("name", "d").put("id", id + "/delegations/d")
                    .putObject("properties").put("serviceName", delegation).put("provisioningState", "Succeeded");
        }
        if (linkedPlan != null) {
            p.putArray("serviceAssociationLinks").addObject().put("name", "AppServiceLink").put("id", id + "/serviceAssociationLinks/AppServiceLink")
                    .putObject("properties").put("linkedResourceType", "Microsoft.Web/serverfarms").put("link", linkedPlan);
        }
        ((ObjectNode) resource(world, "Microsoft.Web/sites").get("tags")).put("private-link-subnet", name);
    }

    @Test
    void namedSubnetTooSmallDelegatedElsewhereOrUsedByAnotherPlan() {
        assertFailedWith(run(w -> addSubnet(w, "apps", "10.0.2.0/29", null, null)), "SUBNET_TOO_SMALL", "/28");
        assertFailedWith(run(w -> addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.ContainerInstance/containerGroups", null)),
                "SUBNET_DELEGATED_ELSEWHERE", "Microsoft.ContainerInstance/containerGroups");
        assertFailedWith(run(w -> addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.Web/serverFarms",
                "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/other/providers/Microsoft.Web/serverfarms/other-plan")),
                "SUBNET_SHARED_TOO_SMALL", "other-plan");
    }

    @Test
    void appAlreadyIntegratedWithADifferentSubnet() {
        assertFailedWith(run(w -> {
            addSubnet(w, "legacy", "10.0.3.0/27", "Microsoft.Web/serverFarms", DemoWorld.PLAN_ID);
            ObjectNode site = resource(w, "Microsoft.Web/sites");
            ((ObjectNode) site.get("tags")).put("private-link-subnet", "apps");
            ((ObjectNode) site.get("properties")).put("virtualNetworkSubnetId", DemoWorld.VNET_ID + "/subnets/legacy");
        }), "ALREADY_INTEGRATED", "will not move it silently");
    }

    @Test
    void resourceInTheEventNoLongerExists() {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.SITE_ID.replace("sitef6141", "deleted-app"), "Microsoft.Web/sites/write", "gone-1"));
        Outcome o = run(w -> { }, events);
        assertEquals(List.of("ignored"), o.actions());
        assertEquals(List.of(), o.runs());
        assertEquals(List.of(), o.writes());
        assertTrue(o.logs().stream().anyMatch(l -> l.contains("event.handled") && l.contains("no longer exists")), o.logs().toString());
    }

    @Test
    void eventFromASubscriptionOutsideTheScope() {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.SITE_ID.replace(DemoWorld.SUB, "11111111-2222-3333-4444-555555555555"), "Microsoft.Web/sites/write", "foreign"));
        Outcome o = run(w -> { }, events);
        assertEquals(List.of("refused"), o.actions());
        assertEquals(List.of(), o.runs());
        assertEquals(List.of(), o.writes());
        assertTrue(o.logs().stream().anyMatch(l -> l.contains("outside Tether's scope") && l.contains("TETHER_SUBSCRIPTIONS")), o.logs().toString());
    }

    @Test
    void malformedEventIsLoggedAndDroppedWithoutRetry() {
        ArrayNode events = M.createArrayNode();
        events.add("this is not an event");
        ObjectNode noUri = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "broken");
        ((ObjectNode) noUri.get("data")).remove("resourceUri");
        events.add(noUri);
        Outcome o = run(w -> { }, events);
        assertEquals(List.of("malformed", "malformed"), o.actions());
        assertEquals(List.of(), o.runs());
        assertEquals(List.of(), o.writes());
        assertTrue(o.logs().stream().anyMatch(l -> l.startsWith("SEVERE") && l.contains("malformed") && l.contains("resourceUri")), o.logs().toString());
    }
}
