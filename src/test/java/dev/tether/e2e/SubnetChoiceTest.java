package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.Cidr;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 5: subnets the app must not or cannot join are refused before any write (every agent pool's node subnet,
 * a subnet holding IP configurations, one delegated to another service), and dual-stack subnets work.
 */
class SubnetChoiceTest {

    record Run(DurableDriver.InstanceView view, List<?> writes, JsonNode vnetBefore, JsonNode vnetAfter) {
    }

    static Run run(Consumer<ObjectNode> edit) {
        ObjectNode world = DemoWorld.build();
        edit.accept(world);
        JsonNode before = BadInputTest.resource(world, "Microsoft.Network/virtualNetworks").deepCopy();
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "subnets"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            return new Run(s.durable().instances().get(0), s.calls().writes(), before, s.arm().resource(DemoWorld.VNET_ID).orElseThrow());
        }
    }

    static void assertRefused(Run r, String expected) {
        assertEquals("Failed", r.view().status(), r.view().toString());
        assertTrue(r.view().failure().contains(expected), r.view().failure());
        assertTrue(r.view().failure().contains("Fix:"), r.view().failure());
        assertEquals(List.of(), r.writes(), "zero writes");
        assertEquals(r.vnetBefore().path("properties").path("subnets"), r.vnetAfter().path("properties").path("subnets"), "no subnet changed");
    }

    static void tagSubnet(ObjectNode w, String name) {
        ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put("private-link-subnet", name);
    }

    @Test
    void theClustersNodeSubnetIsRefusedWhenNamed() {
        assertRefused(run(w -> tagSubnet(w, "subnet1")), "NODE_SUBNET: subnet subnet1 (named by tag private-link-subnet) is a node subnet of cluster clustername1;"
                + " delegating it to Microsoft.Web/serverFarms would take it from the cluster's nodes and load balancers");
    }

    @Test
    void everyAgentPoolsNodeSubnetIsRefused() {
        assertRefused(run(w -> {
            BadInputTest.addSubnet(w, "pool2", "10.0.8.0/24", null, null);
            ArrayNode pools = (ArrayNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").path("properties").path("agentPoolProfiles");
            ObjectNode second = pools.get(0).deepCopy();
            second.put("name", "pool2").put("vnetSubnetID", DemoWorld.VNET_ID + "/subnets/pool2");
            pools.add(second);
        }), "NODE_SUBNET: subnet pool2 (named by tag private-link-subnet) is a node subnet of cluster clustername1");
    }

    @Test
    void aSubnetHoldingIpConfigurationsIsRefusedEvenWhenDelegatedToWeb() {
        assertRefused(run(w -> {
            BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.Web/serverFarms", null);
            ObjectNode vnet = BadInputTest.resource(w, "Microsoft.Network/virtualNetworks");
            for (JsonNode sn : vnet.path("properties").path("subnets")) {
                if (sn.path("name").asText().equals("apps")) {
                    ((ObjectNode) sn.path("properties")).putArray("ipConfigurations").addObject()
                            .put("id", "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/rg1/providers/Microsoft.Network/privateEndpoints/pe1.nic/ipConfigurations/ipconfig1");
                }
            }
        }), "SUBNET_IN_USE: subnet apps holds 1 IP configurations (NICs, load balancer frontends or private endpoints)");
    }

    @Test
    void aSubnetDelegatedToAnotherServiceIsRefused() {
        assertRefused(run(w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.App/environments", null)),
                "SUBNET_DELEGATED_ELSEWHERE: subnet apps is delegated to Microsoft.App/environments");
    }

    @Test
    void dualStackSubnetsDoNotBreakAllocationOrTheWorldLoader() {
        Run r = run(w -> {
            ObjectNode vnet = BadInputTest.resource(w, "Microsoft.Network/virtualNetworks");
            ((ArrayNode) vnet.path("properties").path("addressSpace").path("addressPrefixes")).add("fd00:db8:deca::/48");
            ObjectNode node = (ObjectNode) vnet.path("properties").path("subnets").get(0).path("properties");
            node.remove("addressPrefix");
            node.putArray("addressPrefixes").add("fd00:db8:deca:1::/64").add("10.0.1.0/24");
            ObjectNode v6first = (ObjectNode) ((ArrayNode) vnet.path("properties").path("subnets")).addObject();
            v6first.put("name", "dual").put("id", DemoWorld.VNET_ID + "/subnets/dual");
            v6first.putObject("properties").put("provisioningState", "Succeeded").putArray("addressPrefixes").add("fd00:db8:deca:2::/64").add("10.0.0.0/27");
        });
        assertEquals("Completed", r.view().status(), r.view().failure());
        JsonNode created = null;
        for (JsonNode sn : r.vnetAfter().path("properties").path("subnets")) {
            if (sn.path("name").asText().equals("tether-DefaultAsp-148ff230")) {
                created = sn;
            }
        }
        assertNotNull(created, r.vnetAfter().toString());
        assertEquals("10.0.0.32/27", created.path("properties").path("addressPrefix").asText(), "the first free IPv4 /27 after dual's 10.0.0.0/27");
        assertFalse(Cidr.parse("10.0.0.32/27").overlaps(Cidr.parse("10.0.1.0/24")));
    }
}
