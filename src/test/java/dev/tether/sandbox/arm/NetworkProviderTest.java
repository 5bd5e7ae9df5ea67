package dev.tether.sandbox.arm;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static dev.tether.sandbox.arm.ArmEmulatorTest.SUB;
import static dev.tether.sandbox.arm.ArmEmulatorTest.world;

/** The emulator's network provider: subnet PUTs as long-running operations, ranges judged as Azure judges them. Through the real Azure SDK. */
class NetworkProviderTest {

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    @Test
    void subnetLroIsPolledAndLogged() {
        ArmEmulatorTest.World w = world();
        var subnets = w.net().serviceClient().getSubnets();
        int mark = w.log().size();
        var poller = subnets.beginCreateOrUpdate("RG1", "Test-VNet", "apps", new SubnetInner().withAddressPrefix("10.0.2.0/27")
                .withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms"))));
        SubnetInner created = poller.getFinalResult();
        String id = DemoWorld.VNET_ID.replace("rg1", "RG1").replace("test-vnet", "Test-VNet") + "/subnets/apps";
        assertEquals(id, created.id(), "a new subnet keeps the casing of its PUT");
        assertEquals("Succeeded", created.provisioningState().toString());
        assertEquals(id + "/delegations/web", created.delegations().get(0).id());
        assertEquals("Microsoft.Network/virtualNetworks/subnets/delegations", created.delegations().get(0).type());
        assertEquals("Succeeded", created.delegations().get(0).provisioningState().toString());
        List<String> calls = w.log().since(mark).stream().map(c -> c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")).toList();
        String op = "GET 200 /subscriptions/" + SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-1";
        assertEquals(List.of("PUT 201 " + id, op, op, "GET 200 " + id), calls, "InProgress at the first poll, Succeeded at the second");
        assertTrue(w.log().since(mark).stream().allMatch(c -> c.target().equals("arm") && c.path().contains("api-version=2025-03-01")), w.log().since(mark).toString());

        // The operation URL echoes the request api-version (network 2.57.0 sends 2025-03-01). An update keeps the service association links Azure added, and answers 200.
        w.web().getWebApps().update("testrg123", "sitef6141", new SitePatchResourceInner().withVirtualNetworkSubnetId(id));
        SubnetInner updated = subnets.createOrUpdate("rg1", "test-vnet", "apps", new SubnetInner().withAddressPrefix("10.0.2.0/27")
                .withDefaultOutboundAccess(false)
                .withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms"))));
        assertEquals("10.0.2.0/27", updated.addressPrefix(), "a subnet in use keeps its range (SubnetsAndOperationsTest)");
        assertEquals(false, updated.defaultOutboundAccess());
        assertEquals("AppServiceLink", updated.serviceAssociationLinks().get(0).name());
        assertEquals(id + "/serviceAssociationLinks/AppServiceLink", updated.serviceAssociationLinks().get(0).id());
        assertEquals(DemoWorld.PLAN_ID, updated.serviceAssociationLinks().get(0).link());
        assertTrue(w.log().calls().stream().anyMatch(c -> c.method().equals("PUT") && c.status() == 200 && c.path().contains("/subnets/apps")), w.log().calls().toString());
        assertEquals(2, w.arm().resource(DemoWorld.VNET_ID).orElseThrow().at("/properties/subnets").size(), "nested in the VNet, once");

        ManagementException bad = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.300.0/24")));
        assertEquals(400, bad.getResponse().getStatusCode());
    }

    @Test
    void subnetRangesAreJudgedLikeTheNetworkProvider() {
        ArmEmulatorTest.World w = world();
        ObjectNode vnet = w.arm().resource(DemoWorld.VNET_ID).orElseThrow();
        ((com.fasterxml.jackson.databind.node.ArrayNode) vnet.at("/properties/addressSpace/addressPrefixes")).add("fd00:db8:deca::/48");
        ObjectNode multi = ((com.fasterxml.jackson.databind.node.ArrayNode) vnet.at("/properties/subnets")).addObject();
        multi.put("id", DemoWorld.VNET_ID + "/subnets/multi").put("name", "multi");
        multi.putObject("properties").putArray("addressPrefixes").add("10.0.4.0/24").add("fd00:db8:deca::/64");
        w.arm().putResource(vnet);
        var subnets = w.net().serviceClient().getSubnets();
        ManagementException misaligned = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.2.5/27")));
        assertEquals("InvalidCIDRNotation", misaligned.getValue().getCode());
        assertTrue(misaligned.getValue().getMessage().contains("should be 10.0.2.0/27"), misaligned.getValue().getMessage());
        ManagementException garbage = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.2.0/33")));
        assertEquals("InvalidAddressPrefixFormat", garbage.getValue().getCode());
        ManagementException overlapsMulti = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.4.128/28")));
        assertEquals("NetcfgSubnetRangesOverlap", overlapsMulti.getValue().getCode(), "addressPrefixes count as well as addressPrefix");
        ManagementException straddles = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.0.0/15")));
        assertEquals("NetcfgSubnetRangeOutsideVnet", straddles.getValue().getCode());
        // Adjacent ranges do not overlap; the whole last block of the space is inside it.
        assertEquals("10.0.0.0/24", subnets.createOrUpdate("rg1", "test-vnet", "below", new SubnetInner().withAddressPrefix("10.0.0.0/24")).addressPrefix());
        assertEquals("10.0.2.0/24", subnets.createOrUpdate("rg1", "test-vnet", "above", new SubnetInner().withAddressPrefix("10.0.2.0/24")).addressPrefix());
        assertEquals("10.0.255.240/28", subnets.createOrUpdate("rg1", "test-vnet", "top", new SubnetInner().withAddressPrefix("10.0.255.240/28")).addressPrefix());
        assertEquals(5, w.arm().resource(DemoWorld.VNET_ID).orElseThrow().at("/properties/subnets").size());
    }
}
