package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 9: a Windows plan allows two regional VNet integrations (learn overview-vnet-integration, "Limitations";
 * PLATFORM-NOTES "Multi-plan subnet join"). Tether manages one, the linked app's {@code virtualNetworkSubnetId} in the
 * cluster's VNet; the plan's other integration (a sibling app joined to a corporate VNet) is neither read nor touched.
 */
class WindowsPlanTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String SIBLING_ID = DemoWorld.SITE_ID.replace("sitef6141", "intranet");
    static final String CORP_VNET = DemoWorld.VNET_ID.replace("test-vnet", "corp-vnet");
    static final String CORP_SUBNET = CORP_VNET + "/subnets/corp-integration";

    static ObjectNode world() throws Exception {
        ObjectNode world = DemoWorld.build();
        ArrayNode resources = (ArrayNode) world.get("resources");
        JsonNode plan = BadInputTest.resource(world, "Microsoft.Web/serverfarms");
        assertEquals("app", plan.path("kind").asText(), "the reference plan is a Windows plan");
        assertFalse(plan.path("properties").path("reserved").asBoolean(), "reserved=false: Windows");
        // The plan's first integration: a sibling app (untagged) in a corporate VNet, in a subnet delegated to the plan.
        ObjectNode corp = (ObjectNode) M.readTree(BadInputTest.resource(world, "Microsoft.Network/virtualNetworks").toString()
                .replace("test-vnet", "corp-vnet").replace("\"10.0.", "\"10.9."));
        ObjectNode subnet = ((ArrayNode) corp.path("properties").path("subnets")).addObject();
        subnet.put("name", "corp-integration").put("id", CORP_SUBNET);
        ObjectNode p = subnet.putObject("properties");
        p.put("provisioningState", "Succeeded").put("addressPrefix", "10.9.8.0/27");
        p.putArray("delegations").addObject().put("name", "web").put("id", CORP_SUBNET + "/delegations/web")
                .putObject("properties").put("serviceName", "Microsoft.Web/serverFarms").put("provisioningState", "Succeeded");
        p.putArray("serviceAssociationLinks").addObject().put("name", "AppServiceLink").put("id", CORP_SUBNET + "/serviceAssociationLinks/AppServiceLink")
                .putObject("properties").put("linkedResourceType", "Microsoft.Web/serverfarms").put("link", DemoWorld.PLAN_ID);
        resources.add(corp);
        ObjectNode sibling = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        sibling.put("id", SIBLING_ID).put("name", "intranet");
        ((ObjectNode) sibling.get("properties")).put("virtualNetworkSubnetId", CORP_SUBNET).put("serverFarmId", DemoWorld.PLAN_ID);
        sibling.putObject("tags").put("team", "intranet");
        resources.add(sibling);
        ((ObjectNode) world.get("appSettings")).putObject(SIBLING_ID).put("WEBSITE_DNS_SERVER", "10.9.0.4").put("INTRANET", "1");
        return world;
    }

    @Test
    void theOtherIntegrationOfAWindowsPlanIsLeftAlone() throws Exception {
        ObjectNode world = world();
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "windows plan with a second integration"))) {
            JsonNode siblingBefore = s.arm().resource(SIBLING_ID).orElseThrow().deepCopy();
            JsonNode corpBefore = s.arm().resource(CORP_VNET).orElseThrow().deepCopy();
            Map<String, String> siblingSettings = s.arm().appSettings().get(SIBLING_ID);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());

            assertEquals(List.of("PUT " + DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230", "PATCH " + DemoWorld.SITE_ID,
                            "PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames", "PUT " + DemoWorld.SITE_ID + "/config/appsettings"),
                    s.calls().writes().stream().filter(c -> c.target().equals("arm")).map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList(),
                    "the linked app's integration only");
            assertEquals(List.of(), s.calls().calls().stream().filter(c -> c.path().contains("/intranet") || c.path().contains("/corp-vnet"))
                    .map(CallLog.Call::toString).toList(), "the sibling and its VNet are not even read");
            assertEquals(siblingBefore, s.arm().resource(SIBLING_ID).orElseThrow());
            assertEquals(corpBefore, s.arm().resource(CORP_VNET).orElseThrow());
            assertEquals(siblingSettings, s.arm().appSettings().get(SIBLING_ID));
            assertEquals(List.of("10.9.0.4"), s.arm().effectiveDnsServers(SIBLING_ID));
            assertEquals(List.of("10.0.1.4"), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
            assertEquals((DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230").toLowerCase(),
                    s.arm().resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText().toLowerCase());

            // The plan now has two integrations, and a second pass keeps it that way without a write.
            int mark = s.calls().size();
            s.clock().advance(java.time.Duration.ofMinutes(1));
            assertEquals("started", s.deliver(dev.tether.sandbox.ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write",
                    "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a09", s.clock().now()).toString()));
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
        }
    }
}
