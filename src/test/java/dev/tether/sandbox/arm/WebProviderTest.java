package dev.tether.sandbox.arm;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigInner;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static dev.tether.sandbox.arm.ArmEmulatorTest.SUB;
import static dev.tether.sandbox.arm.ArmEmulatorTest.armRequest;
import static dev.tether.sandbox.arm.ArmEmulatorTest.read;
import static dev.tether.sandbox.arm.ArmEmulatorTest.world;

/** The emulator's App Service provider (app settings, slots, the site PATCH), driven only through the real Azure SDK. */
class WebProviderTest {

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    @Test
    void appSettingsPutCanRunAsALongRunningOperation() {
        ArmEmulatorTest.World w = world();
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
        ArmEmulatorTest.World w = world();
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
        ArmEmulatorTest.World w = world();
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
}
