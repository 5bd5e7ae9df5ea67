package dev.tether.sandbox.arm;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.fluent.models.SlotConfigNamesResourceInner;
import com.azure.resourcemanager.appservice.models.CsmSlotEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The emulator's deployment slots (WebSlots) through the real SDK: the site's slot settings, and a swap that exchanges
 * app settings except slot settings and keeps VNet integration with the slot (learn deploy-staging-slots, "Which
 * settings are swapped?"). Without a mark the DNS setting moves: the world really says what a swap does.
 */
class WebSlotsTest {
    static final String SLOT_ID = DemoWorld.SITE_ID + "/slots/staging";
    static final String SUBNET_A = DemoWorld.VNET_ID + "/subnets/a";
    static final String SUBNET_B = DemoWorld.VNET_ID + "/subnets/b";

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    static ArmEmulator world(CallLog log) {
        ArmEmulator arm = new ArmEmulator(log);
        arm.allowEverything();
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        ObjectNode site = arm.resource(DemoWorld.SITE_ID).orElseThrow();
        ((ObjectNode) site.get("properties")).put("virtualNetworkSubnetId", SUBNET_A).putObject("outboundVnetRouting").put("applicationTraffic", true);
        arm.putResource(site);
        ObjectNode slot = site.deepCopy();
        slot.put("id", SLOT_ID).put("name", "sitef6141/staging").put("type", "Microsoft.Web/sites/slots");
        ((ObjectNode) slot.get("properties")).put("virtualNetworkSubnetId", SUBNET_B).putObject("outboundVnetRouting").put("applicationTraffic", false);
        ((ObjectNode) slot.get("properties")).putObject("dnsConfiguration").putArray("dnsServers").add("10.1.1.4");
        slot.putObject("tags").put("private-link", "shop2");
        arm.putResource(slot);
        arm.putAppSettings(DemoWorld.SITE_ID, Map.of("WEBSITE_DNS_SERVER", "10.0.1.4", "BUILD", "v1", "SLOT_NAME", "production"));
        arm.putAppSettings(SLOT_ID, Map.of("WEBSITE_DNS_SERVER", "10.1.1.4", "BUILD", "v2", "SLOT_NAME", "staging"));
        return arm;
    }

    static WebSiteManagementClient web(ArmEmulator arm) {
        return ArmEmulatorTest.webClient(arm, ArmEmulatorTest.SUB);
    }

    @Test
    void slotSettingsStayAndEverythingElseSwapsVnetIntegrationStays() {
        ArmEmulator arm = world(new CallLog());
        WebSiteManagementClient web = web(arm);
        assertNull(web.getWebApps().listSlotConfigurationNames("testrg123", "sitef6141").appSettingNames(), "a site that never set any");
        web.getWebApps().updateSlotConfigurationNames("testrg123", "sitef6141", new SlotConfigNamesResourceInner()
                .withAppSettingNames(List.of("SLOT_NAME")).withConnectionStringNames(List.of("CatalogDb")));
        assertEquals(List.of("SLOT_NAME"), web.getWebApps().listSlotConfigurationNames("testrg123", "sitef6141").appSettingNames());
        assertEquals(List.of("CatalogDb"), web.getWebApps().listSlotConfigurationNames("testrg123", "sitef6141").connectionStringNames());

        web.getWebApps().beginSwapSlot("testrg123", "sitef6141", "staging", new CsmSlotEntity().withTargetSlot("production").withPreserveVnet(true))
                .getFinalResult();

        // SLOT_NAME is a slot setting and stays; WEBSITE_DNS_SERVER is not marked here, so it moves with the content.
        assertEquals(Map.of("WEBSITE_DNS_SERVER", "10.1.1.4", "BUILD", "v2", "SLOT_NAME", "production"), arm.appSettings().get(DemoWorld.SITE_ID));
        assertEquals(Map.of("WEBSITE_DNS_SERVER", "10.0.1.4", "BUILD", "v1", "SLOT_NAME", "staging"), arm.appSettings().get(SLOT_ID));
        // VNet integration (subnet and route-all) stays; the site property dnsConfiguration, in neither list of the docs, moves.
        assertEquals(SUBNET_A, arm.resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
        assertTrue(arm.resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("outboundVnetRouting").path("applicationTraffic").asBoolean());
        assertEquals(SUBNET_B, arm.resource(SLOT_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
        assertEquals(List.of("10.1.1.4"), arm.effectiveDnsServers(DemoWorld.SITE_ID));
        assertEquals(List.of("10.0.1.4"), arm.effectiveDnsServers(SLOT_ID));
        assertEquals("shop2", arm.resource(SLOT_ID).orElseThrow().path("tags").path("private-link").asText(), "tags are each slot's own");
    }

    @Test
    void aMarkedDnsSettingStaysAndPreserveVnetFalseMovesTheIntegration() {
        ArmEmulator arm = world(new CallLog());
        WebSiteManagementClient web = web(arm);
        web.getWebApps().updateSlotConfigurationNames("testrg123", "sitef6141", new SlotConfigNamesResourceInner()
                .withAppSettingNames(List.of("WEBSITE_DNS_SERVER")));
        // Production swaps with staging from the production side (POST /sites/{name}/slotsswap).
        web.getWebApps().beginSwapSlotWithProduction("testrg123", "sitef6141", new CsmSlotEntity().withTargetSlot("staging").withPreserveVnet(false))
                .getFinalResult();
        assertEquals(Map.of("WEBSITE_DNS_SERVER", "10.0.1.4", "BUILD", "v2", "SLOT_NAME", "staging"), arm.appSettings().get(DemoWorld.SITE_ID));
        assertEquals(SUBNET_B, arm.resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText(),
                "preserveVnet=false: the integration moves with the content");
        assertFalse(arm.resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("outboundVnetRouting").path("applicationTraffic").asBoolean());
    }

    @Test
    void slotsHaveNoListOfTheirOwnAndASwapNeedsItsBody() throws Exception {
        CallLog log = new CallLog();
        ArmEmulator arm = world(log);
        HttpResponse slotList = arm.send(new HttpRequest(HttpMethod.GET, "https://management.azure.com" + SLOT_ID
                + "/config/slotConfigNames?api-version=2025-03-01")).block();
        assertEquals(404, slotList.getStatusCode());
        HttpResponse noBody = arm.send(new HttpRequest(HttpMethod.POST, "https://management.azure.com" + SLOT_ID + "/slotsswap?api-version=2025-03-01")
                .setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json").setBody("{\"targetSlot\":\"production\"}")).block();
        assertEquals(400, noBody.getStatusCode());
        assertEquals("{\"error\":{\"code\":\"BadRequest\",\"message\":\"The swap body must name 'targetSlot' and set 'preserveVnet'.\"}}",
                new ObjectMapper().readTree(noBody.getBodyAsString().block()).toString());
        HttpResponse badPut = arm.send(new HttpRequest(HttpMethod.PUT, "https://management.azure.com" + DemoWorld.SITE_ID
                + "/config/slotConfigNames?api-version=2025-03-01").setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json")
                .setBody("{\"appSettingNames\":[\"X\"]}")).block();
        assertEquals(400, badPut.getStatusCode());
        ManagementException e = assertThrows(ManagementException.class, () -> web(arm).getWebApps().beginSwapSlot("testrg123", "sitef6141", "nothere",
                new CsmSlotEntity().withTargetSlot("production").withPreserveVnet(true)).getFinalResult());
        assertEquals(404, e.getResponse().getStatusCode());
        assertEquals(Map.of("WEBSITE_DNS_SERVER", "10.0.1.4", "BUILD", "v1", "SLOT_NAME", "production"), arm.appSettings().get(DemoWorld.SITE_ID),
                "nothing swapped");
    }

    @Test
    void tethersRoleMayNotSwap() {
        ArmEmulator arm = world(new CallLog());
        arm.setRoleActions(Authorization.Role.tether().actions());
        ManagementException e = assertThrows(ManagementException.class, () -> web(arm).getWebApps().beginSwapSlot("testrg123", "sitef6141", "staging",
                new CsmSlotEntity().withTargetSlot("production").withPreserveVnet(true)).getFinalResult());
        assertEquals(403, e.getResponse().getStatusCode());
        assertTrue(e.getMessage().contains("Microsoft.Web/sites/slots/slotsswap/action"), e.getMessage());
    }
}
