package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 9 point 9: a Logic Apps Standard app (WorkflowStandard WS1 plan) links like a web app; Flex Consumption is refused. */
class PlanTierTest {

    @Test
    void aLogicAppsStandardAppOnAWs1PlanLinks() {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/serverfarms").get("sku"))
                .put("name", "WS1").put("tier", "WorkflowStandard").put("size", "WS1").put("family", "WS");
        BadInputTest.resource(world, "Microsoft.Web/sites").put("kind", "functionapp,workflowapp");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "ws1"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            String ip = new WorldView(s).kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                    .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
            assertEquals(List.of(ip), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
            assertTrue(s.arm().resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText()
                    .endsWith("/subnets/tether-DefaultAsp-148ff230"));
        }
    }

    @Test
    void flexConsumptionIsRefusedWithItsReason() {
        BadInputTest.assertFailedWith(BadInputTest.run(w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("sku"))
                        .put("name", "FC1").put("tier", "FlexConsumption")),
                "UNSUPPORTED_SKU", "Flex Consumption, whose VNet integration needs a subnet delegated to Microsoft.App/environments");
    }
}
