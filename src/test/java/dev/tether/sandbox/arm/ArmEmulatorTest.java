package dev.tether.sandbox.arm;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientBuilder;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigInner;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.containerservice.models.Format;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.azure.resourcemanager.resources.ResourceManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The ARM emulator, driven only through the real Azure SDK managers. */
class ArmEmulatorTest {
    static final String SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    record World(ArmEmulator arm, CallLog log) {
        WebSiteManagementClient web() {
            return webClient(arm, SUB);
        }

        NetworkManager net() {
            return NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        }

        ContainerServiceManager aks(String sub) {
            return ContainerServiceManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(sub));
        }
    }

    /** App Service as Tether builds it (AzureClients): the generated client on the SDK's standard pipeline. */
    static WebSiteManagementClient webClient(ArmEmulator arm, String subscription) {
        var pipeline = NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(subscription))
                .httpPipeline();
        return new WebSiteManagementClientBuilder().pipeline(pipeline).endpoint(ArmEmulator.profile(subscription).getEnvironment().getResourceManagerEndpoint())
                .subscriptionId(subscription).buildClient();
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
        WebSiteManagementClient web = webClient(arm, SUB);
        var s = web.getWebApps().getByResourceGroup("testrg123", "sitef6141");
        assertEquals("East US", s.location());
        assertEquals(site.path("properties").path("serverFarmId").asText(), s.serverFarmId());
        assertFalse(s.outboundVnetRouting().applicationTraffic());
        var p = web.getAppServicePlans().getByResourceGroup("TESTRG123", "TESTSF6141");
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
        var apps = w.web().getWebApps();
        ManagementException notDelegated = assertThrows(ManagementException.class, () -> apps.update("testrg123", "sitef6141",
                new SitePatchResourceInner().withVirtualNetworkSubnetId(DemoWorld.NODE_SUBNET_ID)));
        assertEquals(400, notDelegated.getResponse().getStatusCode());
        assertTrue(notDelegated.getValue().getMessage().contains("Microsoft.Web/serverFarms"));

        SubnetInner created = w.net().serviceClient().getSubnets().createOrUpdate("rg1", "test-vnet", "apps",
                new SubnetInner().withAddressPrefix("10.0.2.0/27").withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms"))));
        assertEquals("Succeeded", created.provisioningState().toString());
        assertTrue(w.log().calls().stream().anyMatch(c -> c.path().contains("/operations/")), "the SDK polled the LRO");

        var site = apps.update("testrg123", "sitef6141", new SitePatchResourceInner().withVirtualNetworkSubnetId(created.id()));
        assertEquals(created.id(), site.virtualNetworkSubnetId());
        assertFalse(site.outboundVnetRouting().applicationTraffic(), "joining leaves route-all as it was");
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
        assertEquals("NotFound", missing.getValue().getCode());
    }

    @Test
    void appSettingsPutReplacesTheWholeDictionary() {
        World w = world();
        w.arm().putAppSettings(DemoWorld.SITE_ID, Map.of("A", "1", "B", "2"));
        var apps = w.web().getWebApps();
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
        ManagementException outsideRole = assertThrows(ManagementException.class, () -> clusters.listClusterAdminCredentials("rg1", "clustername1"));
        assertEquals(403, outsideRole.getResponse().getStatusCode());
        assertEquals("AuthorizationFailed", outsideRole.getValue().getCode());
        assertEquals("The client '" + Authorization.PRINCIPAL + "' with object id '" + Authorization.PRINCIPAL + "' does not have authorization"
                + " to perform action 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action' over scope '"
                + DemoWorld.CLUSTER_ID + "/listClusterAdminCredential' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                outsideRole.getValue().getMessage());
        w.arm().allowEverything();
        ManagementException admin = assertThrows(ManagementException.class, () -> clusters.listClusterAdminCredentials("rg1", "clustername1"));
        assertEquals(400, admin.getResponse().getStatusCode());
        assertEquals("Getting static credential is not allowed because this cluster is set to disable local accounts.", admin.getValue().getMessage());
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

    // ---- more reference bodies ----

    @Test
    void moreReferenceBodiesRoundTrip() throws Exception {
        ArmEmulator arm = new ArmEmulator(new CallLog());
        var net = NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile("subid")).serviceClient();
        ObjectNode vnet = DemoWorld.armBody("VirtualNetworkGet.2025-07-01.json");
        arm.putResource(vnet);
        assertEquals(vnet, arm.resource(vnet.get("id").asText()).orElseThrow());
        var v = net.getVirtualNetworks().getByResourceGroup("rg1", "test-vnet");
        assertEquals(vnet.at("/properties/addressSpace/addressPrefixes/0").asText(), v.addressSpace().addressPrefixes().get(0));
        assertEquals("subnet1", v.subnets().get(0).name());
        var nested = net.getSubnets().get("rg1", "test-vnet", "subnet1");
        assertEquals(vnet.at("/properties/subnets/0/properties/addressPrefix").asText(), nested.addressPrefix(), "a nested subnet is addressable");

        // SubnetGet's subnet belongs to a VNet no reference example has: it is given first, on its own, and waits for it.
        ObjectNode subnet = DemoWorld.armBody("SubnetGet.2025-07-01.json");
        String subnetId = subnet.get("id").asText();
        arm.putResource(subnet);
        assertEquals(subnet, arm.resource(subnetId).orElseThrow(), "a subnet without its VNet is kept unchanged");
        assertTrue(arm.resources().contains(subnet), "and listed at top level until its VNet comes");
        ObjectNode parent = new ObjectMapper().createObjectNode();
        parent.put("id", subnetId.substring(0, subnetId.lastIndexOf("/subnets/"))).put("name", "vnetname")
                .put("type", "Microsoft.Network/virtualNetworks").put("location", "westus");
        parent.putObject("properties").putObject("addressSpace").putArray("addressPrefixes").add("10.0.0.0/16");
        arm.putResource(parent);
        assertFalse(arm.resources().contains(subnet), "now nested, not duplicated at top level");
        assertEquals(subnet, arm.resource(parent.get("id").asText()).orElseThrow().at("/properties/subnets/0"));
        var s = net.getSubnets().get("subnet-test", "vnetname", "subnet1");
        assertEquals(subnet.at("/properties/addressPrefix").asText(), s.addressPrefix());
        assertEquals("Succeeded", s.provisioningState().toString());

        // ListAppSettings: the list answer has the reference body's exact shape.
        ObjectNode listed = DemoWorld.armBody("ListAppSettings.2025-03-01.json");
        ObjectNode site = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        arm.putResource(site);
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        listed.get("properties").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        arm.putAppSettings(site.get("id").asText(), settings);
        HttpResponse raw = arm.send(armRequest(HttpMethod.POST, site.get("id").asText() + "/config/appsettings/list?api-version=2025-03-01")).block();
        assertEquals(200, raw.getStatusCode());
        assertEquals(listed, new ObjectMapper().readTree(raw.getBodyAsString().block()));
        var web = webClient(arm, SUB);
        var sdk = web.getWebApps().listApplicationSettings("testrg123", "sitef6141");
        assertEquals(settings, sdk.properties());
        assertEquals(listed.get("id").asText(), sdk.id());
        assertEquals("app", sdk.kind());
    }

    @Test
    void siteConfigHasTheShapeOfGetSiteConfig() {
        World w = world();
        w.arm().allowEverything(); // reads outside Tether's role: this checks the provider, not the role
        ObjectNode reference = DemoWorld.armBody("GetSiteConfig.2025-05-01.json");
        var config = w.web().getWebApps().getConfiguration("TESTRG123", "SITEF6141");
        assertEquals(reference.get("id").asText(), config.id());
        assertEquals(reference.get("name").asText(), config.name());
        assertEquals(reference.get("type").asText(), config.type());
        assertEquals(reference.get("kind").asText(), config.kind());
        ObjectNode site = w.arm().resource(DemoWorld.SITE_ID).orElseThrow();
        assertEquals(site.at("/properties/siteConfig/numberOfWorkers").asInt(), config.numberOfWorkers());
        assertEquals(site.at("/properties/siteConfig/vnetRouteAllEnabled").asBoolean(), config.vnetRouteAllEnabled());
    }

    // ---- app settings ----

    @Test
    void appSettingsPutCanRunAsALongRunningOperation() {
        World w = world();
        w.arm().allowEverything(); // reads outside Tether's role: this checks the provider, not the role
        w.arm().setAppSettingsPutLongRunning(true);
        w.arm().putAppSettings(DemoWorld.SITE_ID, Map.of("KEEP", "1"));
        var apps = w.web().getWebApps();
        int mark = w.log().size();
        var result = apps.updateApplicationSettings("testrg123", "sitef6141", new StringDictionaryInner().withProperties(Map.of("NEW", "2")));
        assertEquals(Map.of("NEW", "2"), result.properties(), "the SDK's final GET returns the replaced dictionary");
        assertEquals(Map.of("NEW", "2"), w.arm().appSettings().get(DemoWorld.SITE_ID));
        List<String> calls = w.log().since(mark).stream().map(c -> c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")).toList();
        assertEquals(List.of(
                "PUT 202 " + DemoWorld.SITE_ID + "/config/appsettings",
                "GET 200 /subscriptions/" + SUB + "/providers/Microsoft.Web/locations/eastus/operationResults/op-1",
                "GET 200 /subscriptions/" + SUB + "/providers/Microsoft.Web/locations/eastus/operationResults/op-1",
                "GET 200 " + DemoWorld.SITE_ID + "/config/appsettings"), calls, "InProgress at the first poll, Succeeded at the second");

        var poller = apps.beginUpdateApplicationSettings("testrg123", "sitef6141", new StringDictionaryInner().withProperties(Map.of("THIRD", "3")));
        assertEquals(Map.of("THIRD", "3"), poller.getFinalResult().properties());
    }

    @Test
    void slotEndpoints() {
        World w = world();
        w.arm().allowEverything(); // reads outside Tether's role: this checks the provider, not the role
        ObjectNode slot = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        String slotId = DemoWorld.SITE_ID + "/slots/staging";
        slot.put("id", slotId).put("name", "sitef6141/staging").put("type", "Microsoft.Web/sites/slots");
        w.arm().putResource(slot);
        w.arm().putAppSettings(slotId, Map.of("A", "1"));
        w.arm().setAppSettingsPutLongRunning(true);
        var apps = w.web().getWebApps();
        assertEquals("sitef6141/staging", apps.getSlot("testrg123", "sitef6141", "STAGING").name());
        var patched = apps.updateSlot("testrg123", "sitef6141", "staging", new SitePatchResourceInner().withHttpsOnly(true));
        assertTrue(patched.httpsOnly());
        assertEquals(List.of("sitef6141.azurewebsites.net"), patched.hostNames());
        assertFalse(w.arm().resource(DemoWorld.SITE_ID).orElseThrow().at("/properties/httpsOnly").asBoolean(), "the site is untouched");
        assertEquals(Map.of("A", "1"), apps.listApplicationSettingsSlot("testrg123", "sitef6141", "staging").properties());
        // The SDK's slot variant is a plain PUT that accepts only 200: it answers 200 whatever the site variant does.
        apps.updateApplicationSettingsSlot("testrg123", "sitef6141", "staging", new StringDictionaryInner().withProperties(Map.of("B", "2")));
        assertEquals(Map.of("B", "2"), w.arm().appSettings().get(slotId));
        assertEquals(200, w.log().calls().get(w.log().size() - 1).status());
        assertEquals("web", apps.getConfigurationSlot("testrg123", "sitef6141", "staging").name());
    }

    @Test
    void routeAllIsTheSitePropertyAndSiteConfigWritesAreRefusedWithAppServicesOwnBody() throws Exception {
        World w = world();
        var apps = w.web().getWebApps();
        ManagementException refused = assertThrows(ManagementException.class, () -> apps.update("testrg123", "sitef6141",
                new SitePatchResourceInner().withSiteConfig(new SiteConfigInner().withVnetRouteAllEnabled(true))));
        assertEquals(400, refused.getResponse().getStatusCode());
        HttpResponse raw = w.arm().send(armRequest(HttpMethod.PATCH, DemoWorld.SITE_ID + "?api-version=2025-03-01",
                "{\"properties\":{\"siteConfig\":{\"vnetRouteAllEnabled\":true}}}")).block();
        assertEquals(400, raw.getStatusCode());
        String reported = new String(getClass().getResourceAsStream("/platform/AppServiceSiteConfigConflict.json").readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(read(reported.replace("PublicNetworkAccess", "VnetRouteAllEnabled")), read(raw.getBodyAsString().block()),
                "App Service's body, field for field (terraform-provider-azurerm #24878)");
        ObjectNode untouched = w.arm().resource(DemoWorld.SITE_ID).orElseThrow();
        assertFalse(untouched.at("/properties/siteConfig/vnetRouteAllEnabled").asBoolean(true));
        assertFalse(untouched.at("/properties/outboundVnetRouting/applicationTraffic").asBoolean(true));

        ObjectNode on = new ObjectMapper().createObjectNode();
        on.putObject("properties").putObject("outboundVnetRouting").put("applicationTraffic", true);
        assertEquals(200, w.arm().send(armRequest(HttpMethod.PATCH, DemoWorld.SITE_ID + "?api-version=2025-03-01", on.toString())).block().getStatusCode());
        var site = apps.getByResourceGroup("testrg123", "sitef6141");
        assertTrue(site.outboundVnetRouting().applicationTraffic());
        assertTrue(site.siteConfig().vnetRouteAllEnabled(), "siteConfig mirrors the site property");
        apps.update("testrg123", "sitef6141", new SitePatchResourceInner().withSiteConfig(new SiteConfigInner().withVnetRouteAllEnabled(true)));
        // Restating the value it already has changes nothing and is accepted; only a change through siteConfig is refused.

        ObjectNode off = new ObjectMapper().createObjectNode();
        off.putObject("properties").put("vnetRouteAllEnabled", false);
        assertEquals(200, w.arm().send(armRequest(HttpMethod.PATCH, DemoWorld.SITE_ID + "?api-version=2025-03-01", off.toString())).block().getStatusCode());
        ObjectNode stored = w.arm().resource(DemoWorld.SITE_ID).orElseThrow();
        assertFalse(stored.at("/properties/siteConfig/vnetRouteAllEnabled").asBoolean(true));
        assertFalse(stored.at("/properties/outboundVnetRouting/applicationTraffic").asBoolean(true));
        assertFalse(stored.at("/properties/vnetRouteAllEnabled").asBoolean(true));
        assertEquals(List.of(400, 400, 200, 200, 200, 200), w.log().calls().stream().map(CallLog.Call::status).toList());
        ManagementException missing = assertThrows(ManagementException.class, () -> apps.update("testrg123", "sitef6141",
                new SitePatchResourceInner().withVirtualNetworkSubnetId(DemoWorld.VNET_ID + "/subnets/none")));
        assertEquals(400, missing.getResponse().getStatusCode());
        assertTrue(missing.getValue().getMessage().contains("was not found"));
    }

    // ---- subnets ----

    @Test
    void subnetLroIsPolledAndLogged() {
        World w = world();
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
        World w = world();
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

    // ---- clusters ----

    @Test
    void clustersListBySubscriptionPages() {
        World w = world();
        ObjectNode base = w.arm().resource(DemoWorld.CLUSTER_ID).orElseThrow();
        for (int i = 0; i < 150; i++) {
            ObjectNode c = base.deepCopy();
            c.put("id", DemoWorld.CLUSTER_ID + "-" + i).put("name", "clustername1-" + i);
            w.arm().putResource(c);
        }
        int mark = w.log().size();
        var all = w.aks(SUB).serviceClient().getManagedClusters().list().stream().toList();
        assertEquals(151, all.size());
        assertEquals("MC_rg1_clustername1_location1", all.get(150).nodeResourceGroup(), "whole bodies, not summaries");
        var pages = w.log().since(mark);
        assertEquals(2, pages.size());
        assertTrue(pages.get(1).path().contains("$skiptoken=100"), pages.toString());
        assertEquals(0, w.aks("11111111-1111-1111-1111-111111111111").serviceClient().getManagedClusters().list().stream().count(),
                "other subscriptions see nothing");
    }

    @Test
    void userCredentialsMatchTheReferenceShape() {
        World w = world();
        w.arm().allowEverything(); // reads outside Tether's role: this checks the provider, not the role
        w.arm().setKubeconfigSource(id -> "apiVersion: v1\nkind: Config\n# " + id);
        HttpResponse raw = w.arm().send(armRequest(HttpMethod.POST, DemoWorld.CLUSTER_ID + "/listClusterUserCredential?api-version=2026-02-01&format=exec")).block();
        JsonNode body = read(raw.getBodyAsString().block());
        JsonNode reference = DemoWorld.armBody("ManagedClustersListClusterUserCredentials.2026-02-01.json");
        assertEquals(fieldNames(reference.at("/kubeconfigs/0")), fieldNames(body.at("/kubeconfigs/0")));
        assertEquals("clusterUser", body.at("/kubeconfigs/0/name").asText());
        var admin = w.aks(SUB).serviceClient().getManagedClusters().listClusterAdminCredentials("rg1", "clustername1");
        assertEquals("clusterAdmin", admin.kubeconfigs().get(0).name());
        assertTrue(new String(admin.kubeconfigs().get(0).value(), StandardCharsets.UTF_8).endsWith("# " + DemoWorld.CLUSTER_ID));
    }

    // ---- generic resources ----

    @Test
    void resourceTypeAndTagFilters() {
        World w = world();
        var rm = ResourceManager.configure().withHttpClient(w.arm()).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB)).withSubscription(SUB);
        var resources = rm.serviceClient().getResources();
        List<String> clusters = resources.list("resourceType eq 'microsoft.containerservice/MANAGEDCLUSTERS'", null, null, Context.NONE)
                .stream().map(r -> r.id()).toList();
        assertEquals(List.of(DemoWorld.CLUSTER_ID), clusters);
        List<String> tagged = resources.list("tagName eq 'private-link'", null, null, Context.NONE).stream().map(r -> r.type()).sorted().toList();
        assertEquals(List.of("Microsoft.ContainerService/managedClusters", "Microsoft.Web/sites"), tagged);
        List<String> both = resources.list("resourceType eq 'Microsoft.Web/sites' and tagName eq 'private-link' and tagValue eq 'shop'", null, null, Context.NONE)
                .stream().map(r -> r.name() + "|" + r.tags() + "|" + r.location()).toList();
        assertEquals(List.of("sitef6141|{private-link=shop}|East US"), both);
        assertTrue(resources.list(null, null, null, Context.NONE).stream().anyMatch(r -> r.type().equalsIgnoreCase("Microsoft.Web/serverfarms")),
                "plans are listed too");
        ManagementException bad = assertThrows(ManagementException.class,
                () -> resources.list("startswith(name,'x')", null, null, Context.NONE).stream().count());
        assertEquals("InvalidFilterInQueryString", bad.getValue().getCode());
    }

    // ---- protocol ----

    @Test
    void protocolErrorsAreArmErrorsNeverExceptions() throws Exception {
        World w = world();
        HttpResponse noVersion = w.arm().send(armRequest(HttpMethod.GET, DemoWorld.SITE_ID)).block();
        assertEquals(400, noVersion.getStatusCode());
        assertEquals("MissingApiVersionParameter", read(noVersion.getBodyAsString().block()).at("/error/code").asText());
        HttpResponse unknown = w.arm().send(armRequest(HttpMethod.GET, "/subscriptions/" + SUB + "/resourceGroups/rg1/providers/Microsoft.Foo/bars/x?api-version=1")).block();
        assertEquals(404, unknown.getStatusCode());
        assertEquals("InvalidResourceType", read(unknown.getBodyAsString().block()).at("/error/code").asText());
        HttpResponse delete = w.arm().send(armRequest(HttpMethod.DELETE, DemoWorld.SITE_ID + "?api-version=2025-03-01")).block();
        assertEquals(403, delete.getStatusCode(), "Tether's role holds no delete");
        w.arm().allowEverything();
        assertEquals(405, w.arm().send(armRequest(HttpMethod.DELETE, DemoWorld.SITE_ID + "?api-version=2025-03-01")).block().getStatusCode());
        HttpResponse badJson = w.arm().send(armRequest(HttpMethod.PATCH, DemoWorld.SITE_ID + "?api-version=2025-03-01", "{not json")).block();
        assertEquals(400, badJson.getStatusCode());
        assertEquals("InvalidRequestContent", read(badJson.getBodyAsString().block()).at("/error/code").asText());
        HttpResponse badToken = w.arm().send(armRequest(HttpMethod.GET, "/subscriptions/" + SUB + "/resources?api-version=2024-04-01&$skiptoken=abc")).block();
        assertEquals(400, badToken.getStatusCode());
        assertEquals(List.of(400, 404, 403, 405, 400, 400), w.log().calls().stream().map(CallLog.Call::status).toList());

        ManagementException notFound = assertThrows(ManagementException.class,
                () -> w.web().getWebApps().getByResourceGroup("testrg123", "nosuchsite"));
        assertEquals(404, notFound.getResponse().getStatusCode());
        assertEquals("ResourceNotFound", notFound.getValue().getCode());
        assertTrue(notFound.getValue().getMessage().startsWith("The Resource 'Microsoft.Web/sites/nosuchsite' under resource group 'testrg123' was not found."),
                notFound.getValue().getMessage());
    }

    @Test
    void idsCompareCaseInsensitively() {
        World w = world();
        String upper = DemoWorld.SITE_ID.toUpperCase(java.util.Locale.ROOT);
        assertEquals(DemoWorld.SITE_ID, w.arm().resource(upper).orElseThrow().get("id").asText(), "stored casing is kept");
        assertEquals("sitef6141", w.web().getWebApps().getByResourceGroup("TestRG123", "SiteF6141").name());
        assertEquals("DefaultAsp", w.web().getAppServicePlans().getByResourceGroup("TESTRG123", "defaultasp").name());
        assertEquals("clustername1", w.aks(SUB.toUpperCase(java.util.Locale.ROOT)).serviceClient().getManagedClusters().getByResourceGroup("RG1", "CLUSTERNAME1").name());
        w.arm().putAppSettings(upper, Map.of("X", "1"));
        assertEquals(Map.of("X", "1"), w.web().getWebApps().listApplicationSettings("testrg123", "sitef6141").properties());
        assertEquals(1, w.arm().appSettings().size(), "one dictionary per site, whatever the casing");
        assertTrue(w.log().calls().stream().allMatch(c -> c.status() == 200));
    }

    private static HttpRequest armRequest(HttpMethod method, String pathAndQuery) {
        return new HttpRequest(method, "https://management.azure.com" + pathAndQuery);
    }

    private static HttpRequest armRequest(HttpMethod method, String pathAndQuery, String json) {
        return armRequest(method, pathAndQuery).setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json").setBody(json);
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
