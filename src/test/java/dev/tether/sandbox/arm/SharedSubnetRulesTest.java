package dev.tether.sandbox.arm;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.VnetInfoResourceInner;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.azure.resourcemanager.network.models.ServiceAssociationLink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * App Service's rules for subnets shared between plans, as the emulator answers them through the real SDK: one service
 * association link per plan (never overwritten), the multi-plan subnet join limits, a plan's integration limit, and the
 * plan's VNet connections.
 */
class SharedSubnetRulesTest {
    private static final String SUB = DemoWorld.SUB;
    private static final String RG2 = "/subscriptions/" + SUB + "/resourceGroups/teamb/providers/Microsoft.Web/";
    private static final String PLAN2 = RG2 + "serverfarms/plan-b";

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    private record World(ArmEmulator arm, CallLog log) {
        NetworkManager net() {
            return NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        }

        WebSiteManagementClient web() {
            return ArmEmulatorTest.webClient(arm, SUB);
        }
    }

    /** The demo world plus plan-b (in group teamb, {@code reserved} as given) with app shop-b, and subnets a and b. */
    private static World world(String prefixA, boolean linuxPlanB, String planBId) {
        CallLog log = new CallLog();
        ArmEmulator arm = new ArmEmulator(log);
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        ObjectNode plan = DemoWorld.armBody("GetAppServicePlan.2025-05-01.json");
        plan.put("id", planBId).put("name", "plan-b");
        ((ObjectNode) plan.get("properties")).put("reserved", linuxPlanB);
        arm.putResource(plan);
        ObjectNode site = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        site.put("id", RG2 + "sites/shop-b").put("name", "shop-b");
        ((ObjectNode) site.get("properties")).put("serverFarmId", planBId);
        arm.putResource(site);
        ObjectNode sibling = site.deepCopy();
        sibling.put("id", RG2 + "sites/shop-b2").put("name", "shop-b2");
        arm.putResource(sibling);
        World w = new World(arm, log);
        var subnets = w.net().serviceClient().getSubnets();
        subnets.createOrUpdate("rg1", "test-vnet", "a", delegated(prefixA));
        subnets.createOrUpdate("rg1", "test-vnet", "b", delegated("10.0.3.0/27"));
        return w;
    }

    private static SubnetInner delegated(String prefix) {
        return new SubnetInner().withAddressPrefix(prefix)
                .withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms")));
    }

    private static String subnetId(String name) {
        return DemoWorld.VNET_ID + "/subnets/" + name;
    }

    private static void join(World w, String group, String site, String subnet) {
        w.web().getWebApps().update(group, site, new SitePatchResourceInner().withVirtualNetworkSubnetId(subnetId(subnet)));
    }

    private static List<String> links(World w, String subnet) {
        var links = w.net().serviceClient().getSubnets().get("rg1", "test-vnet", subnet).serviceAssociationLinks();
        return links == null ? List.of() : links.stream().map(ServiceAssociationLink::link).toList();
    }

    @Test
    void aSecondPlanJoinsASlash26SubnetWithALinkOfItsOwn() {
        World w = world("10.0.2.0/26", false, PLAN2);
        join(w, "testrg123", "sitef6141", "a");
        join(w, "teamb", "shop-b", "a");
        assertEquals(List.of(DemoWorld.PLAN_ID, PLAN2), links(w, "a"), "the first plan's link is kept, the second gets its own");
        assertEquals(List.of("AppServiceLink", "AppServiceLink-plan-b"), w.net().serviceClient().getSubnets().get("rg1", "test-vnet", "a")
                .serviceAssociationLinks().stream().map(ServiceAssociationLink::name).toList());
        join(w, "teamb", "shop-b2", "a");
        assertEquals(List.of(DemoWorld.PLAN_ID, PLAN2), links(w, "a"), "a sibling of a joined plan adds no link");
    }

    @Test
    void aSecondPlanIsRefusedASubnetSmallerThanSlash26AndTheFirstLinkStays() {
        World w = world("10.0.2.0/27", false, PLAN2);
        join(w, "testrg123", "sitef6141", "a");
        ManagementException e = assertThrows(ManagementException.class, () -> join(w, "teamb", "shop-b", "a"));
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("BadRequest", e.getValue().getCode());
        assertEquals("Minimum subnet size allowed for joining multiple App Service Plans to same subnet is /26, the subnet attempting to be joined is /27",
                e.getValue().getMessage());
        assertEquals(List.of(DemoWorld.PLAN_ID), links(w, "a"));
        assertEquals(null, w.web().getWebApps().getByResourceGroup("teamb", "shop-b").virtualNetworkSubnetId(), "the app is not joined");
    }

    @Test
    void plansOfTwoSubscriptionsNeverShareASubnet() {
        String foreign = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/teamb/providers/Microsoft.Web/serverfarms/plan-b";
        World w = world("10.0.2.0/26", false, foreign);
        join(w, "testrg123", "sitef6141", "a");
        ManagementException e = assertThrows(ManagementException.class, () -> join(w, "teamb", "shop-b", "a"));
        assertEquals(400, e.getResponse().getStatusCode());
        assertEquals("All App Service plans joining subnet a must be in the same subscription; it serves " + DemoWorld.PLAN_ID + ".", e.getValue().getMessage());
        assertEquals(List.of(DemoWorld.PLAN_ID), links(w, "a"));
    }

    @Test
    void aLinuxPlanHasOneIntegrationAndListsItAsItsVnetConnection() {
        World w = world("10.0.2.0/26", true, PLAN2);
        join(w, "teamb", "shop-b", "a");
        ManagementException e = assertThrows(ManagementException.class, () -> join(w, "teamb", "shop-b2", "b"));
        assertEquals(409, e.getResponse().getStatusCode());
        assertEquals("Conflict", e.getValue().getCode());
        assertEquals("Adding this VNET would exceed the App Service Plan VNET limit of 1.", e.getValue().getMessage());
        assertEquals(List.of(), links(w, "b"));
        List<VnetInfoResourceInner> connections = w.web().getAppServicePlans().listVnets("teamb", "plan-b");
        assertEquals(1, connections.size());
        assertEquals(subnetId("a"), connections.get(0).vnetResourceId());
        assertEquals(true, connections.get(0).isSwift());
        assertEquals(PLAN2 + "/virtualNetworkConnections/a", connections.get(0).id());
        assertEquals(List.of(), w.web().getAppServicePlans().listVnets("testrg123", "DefaultAsp"), "a plan with no integrated app has none");
    }

    @Test
    void aWindowsPlanHasTwoIntegrations() {
        World w = world("10.0.2.0/26", false, PLAN2);
        join(w, "teamb", "shop-b", "a");
        join(w, "teamb", "shop-b2", "b");
        assertEquals(List.of(subnetId("a"), subnetId("b")), w.web().getAppServicePlans().listVnets("teamb", "plan-b").stream()
                .map(VnetInfoResourceInner::vnetResourceId).toList());
        w.net().serviceClient().getSubnets().createOrUpdate("rg1", "test-vnet", "c", delegated("10.0.4.0/27"));
        ObjectNode third = w.arm().resource(RG2 + "sites/shop-b").orElseThrow().deepCopy();
        third.put("id", RG2 + "sites/shop-b3").put("name", "shop-b3");
        ((ObjectNode) third.get("properties")).remove("virtualNetworkSubnetId");
        w.arm().putResource(third);
        ManagementException e = assertThrows(ManagementException.class, () -> join(w, "teamb", "shop-b3", "c"));
        assertEquals("Adding this VNET would exceed the App Service Plan VNET limit of 2.", e.getValue().getMessage());
    }
}
