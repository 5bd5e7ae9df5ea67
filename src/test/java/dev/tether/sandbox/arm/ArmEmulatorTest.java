package dev.tether.sandbox.arm;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigInner;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.containerservice.models.Format;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The ARM emulator, driven only through the real Azure SDK managers. */
class ArmEmulatorTest {
    static final String SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";

    @BeforeAll
    static void fastPolling() {
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(1));
    }

    record World(ArmEmulator arm, CallLog log) {
        AppServiceManager web() {
            return AppServiceManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        }

        NetworkManager net() {
            return NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        }

        ContainerServiceManager aks(String sub) {
            return ContainerServiceManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(sub));
        }
    }

    static World world() {
        CallLog log = new CallLog();
        ArmEmulator arm = new ArmEmulator(log);
        var w = DemoWorld.build();
        w.path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        return new World(arm, log);
    }

    @Test
    void referenceBodiesLoadUnchangedAndRoundTripThroughTheSdk() {
        CallLog log = new CallLog();
        ArmEmulator arm = new ArmEmulator(log);
        ObjectNode site = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        ObjectNode plan = DemoWorld.armBody("GetAppServicePlan.2025-05-01.json");
        ObjectNode cluster = DemoWorld.armBody("ManagedClustersGet.2026-02-01.json");
        ObjectNode vnet = DemoWorld.armBody("VirtualNetworkGetWithSubnetDelegation.2025-07-01.json");
        for (ObjectNode body : List.of(site, plan, cluster, vnet)) {
            arm.putResource(body);
            assertEquals(body, arm.resource(body.get("id").asText()).orElseThrow(), "stored unchanged");
        }
        AppServiceManager web = AppServiceManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        var s = web.serviceClient().getWebApps().getByResourceGroup("testrg123", "sitef6141");
        assertEquals("East US", s.location());
        assertEquals(site.path("properties").path("serverFarmId").asText(), s.serverFarmId());
        assertFalse(s.outboundVnetRouting().applicationTraffic());
        var p = web.serviceClient().getAppServicePlans().getByResourceGroup("TESTRG123", "TESTSF6141");
        assertEquals("Premium", p.sku().tier());
        var c = ContainerServiceManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(),
                ArmEmulator.profile("00000000-0000-0000-0000-000000000000")).serviceClient().getManagedClusters().getByResourceGroup("rg1", "clustername1");
        assertEquals("MC_rg1_clustername1_location1", c.nodeResourceGroup());
        var v = NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile("subId"))
                .serviceClient().getVirtualNetworks().getByResourceGroup("rg1", "test-vnet");
        assertEquals("Microsoft.Provider/resourceType", v.subnets().get(0).delegations().get(0).serviceName());
        assertTrue(log.calls().stream().allMatch(call -> call.status() == 200 && call.path().contains("api-version=")), log.calls().toString());
    }

    @Test
    void patchMergesAndJoinsASubnetLikeArm() {
        World w = world();
        var apps = w.web().serviceClient().getWebApps();
        ManagementException notDelegated = assertThrows(ManagementException.class, () -> apps.update("testrg123", "sitef6141",
                new SitePatchResourceInner().withVirtualNetworkSubnetId(DemoWorld.NODE_SUBNET_ID)));
        assertEquals(400, notDelegated.getResponse().getStatusCode());
        assertTrue(notDelegated.getValue().getMessage().contains("Microsoft.Web/serverFarms"));

        SubnetInner created = w.net().serviceClient().getSubnets().createOrUpdate("rg1", "test-vnet", "apps",
                new SubnetInner().withAddressPrefix("10.0.2.0/27").withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms"))));
        assertEquals("Succeeded", created.provisioningState().toString());
        assertTrue(w.log().calls().stream().anyMatch(c -> c.path().contains("/operations/")), "the SDK polled the LRO");

        var site = apps.update("testrg123", "sitef6141", new SitePatchResourceInner().withVirtualNetworkSubnetId(created.id())
                .withSiteConfig(new SiteConfigInner().withVnetRouteAllEnabled(true)));
        assertEquals(created.id(), site.virtualNetworkSubnetId());
        assertTrue(site.siteConfig().vnetRouteAllEnabled());
        assertTrue(site.outboundVnetRouting().applicationTraffic(), "route-all mirrored to outboundVnetRouting");
        assertEquals(List.of("sitef6141.azurewebsites.net"), site.hostNames(), "PATCH keeps what it does not name");
        assertEquals("Integrated", site.siteConfig().managedPipelineMode().toString());
        var subnet = w.net().serviceClient().getSubnets().get("RG1", "TEST-VNET", "APPS");
        assertEquals(DemoWorld.PLAN_ID, subnet.serviceAssociationLinks().get(0).link());
    }

    @Test
    void subnetPutValidatesRangesWithArmErrors() {
        World w = world();
        var subnets = w.net().serviceClient().getSubnets();
        ManagementException overlap = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("10.0.1.0/27")));
        assertEquals("NetcfgSubnetRangesOverlap", overlap.getValue().getCode());
        ManagementException outside = assertThrows(ManagementException.class, () -> subnets.createOrUpdate("rg1", "test-vnet", "x",
                new SubnetInner().withAddressPrefix("192.168.0.0/27")));
        assertEquals("NetcfgSubnetRangeOutsideVnet", outside.getValue().getCode());
        ManagementException missing = assertThrows(ManagementException.class, () -> subnets.get("rg1", "test-vnet", "nope"));
        assertEquals(404, missing.getResponse().getStatusCode());
        assertEquals("ResourceNotFound", missing.getValue().getCode());
    }

    @Test
    void appSettingsPutReplacesTheWholeDictionary() {
        World w = world();
        w.arm().putAppSettings(DemoWorld.SITE_ID, Map.of("A", "1", "B", "2"));
        var apps = w.web().serviceClient().getWebApps();
        assertEquals(Map.of("A", "1", "B", "2"), apps.listApplicationSettings("testrg123", "sitef6141").properties());
        apps.updateApplicationSettings("testrg123", "sitef6141", new StringDictionaryInner().withProperties(Map.of("C", "3")));
        assertEquals(Map.of("C", "3"), apps.listApplicationSettings("testrg123", "sitef6141").properties());
        assertEquals(404, assertThrows(ManagementException.class, () -> apps.listApplicationSettings("testrg123", "gone")).getResponse().getStatusCode());
    }

    @Test
    void credentialsAndLocalAccounts() {
        World w = world();
        w.arm().setKubeconfigSource(id -> "kubeconfig-for " + id);
        var clusters = w.aks(SUB).serviceClient().getManagedClusters();
        var creds = clusters.listClusterUserCredentialsWithResponse("rg1", "clustername1", null, Format.EXEC, Context.NONE).getValue();
        assertEquals("kubeconfig-for " + DemoWorld.CLUSTER_ID, new String(creds.kubeconfigs().get(0).value(), StandardCharsets.UTF_8));
        ObjectNode locked = (ObjectNode) w.arm().resource(DemoWorld.CLUSTER_ID).orElseThrow();
        ((ObjectNode) locked.get("properties")).put("disableLocalAccounts", true);
        w.arm().putResource(locked);
        ManagementException admin = assertThrows(ManagementException.class, () -> clusters.listClusterAdminCredentials("rg1", "clustername1"));
        assertTrue(admin.getValue().getMessage().contains("disable local accounts"));
    }

    @Test
    void tagFilterListsPageByPage() {
        World w = world();
        for (int i = 0; i < 250; i++) {
            ObjectNode site = DemoWorld.armBody("GetWebApp.2025-03-01.json");
            site.put("id", DemoWorld.SITE_ID + "x" + i).put("name", "sitef6141x" + i);
            site.putObject("tags").put("private-link", i % 2 == 0 ? "shop" : "other");
            w.arm().putResource(site);
        }
        var rm = ResourceManager.configure().withHttpClient(w.arm()).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB)).withSubscription(SUB);
        int mark = w.log().size();
        long shop = rm.serviceClient().getResources().list("tagName eq 'Private-Link' and tagValue eq 'shop'", null, null, Context.NONE).stream().count();
        assertEquals(125 + 2, shop, "125 tagged copies, the demo site and the demo cluster");
        assertEquals(2, w.log().since(mark).size(), "127 results in two pages of 100");
        assertEquals(0, rm.serviceClient().getResources().list("tagName eq 'private-link' and tagValue eq 'SHOP'", null, null, Context.NONE).stream().count(),
                "tag values compare exactly");
    }
}
