package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.azure.core.management.AzureEnvironment;
import com.azure.resourcemanager.appservice.models.CsmSlotEntity;
import dev.tether.azure.AzureClients;
import dev.tether.azure.ReadGovernor;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.arm.ArmEmulator;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 3: slots. App settings swap with the content unless they are slot settings; VNet integration stays with
 * the slot (learn deploy-staging-slots, "Which settings are swapped?"). Tether marks the DNS setting it writes as a slot
 * setting of the site (config/slotConfigNames, merged), so after a swap each slot still resolves through the cluster its
 * own integration reaches. Production (cluster A, VNet A) and the staging slot (cluster B, VNet B) of one site on a
 * Windows plan (two integrations allowed) are linked to different clusters, so a setting that moved would be visible.
 */
class SlotSwapTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String SLOT_ID = DemoWorld.SITE_ID + "/slots/staging";
    static final String CLUSTER_B = DemoWorld.CLUSTER_ID.replace("clustername1", "clustername2");
    static final String VNET_B = DemoWorld.VNET_ID.replace("test-vnet", "test-vnet2");
    static final String SUBNETS_A = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230";
    static final String SUBNETS_B = VNET_B + "/subnets/tether-DefaultAsp-148ff230";

    /** The demo world plus a staging slot linked to a second cluster in a second VNet (link "shop2"). */
    static ObjectNode twoClusterWorld() {
        ObjectNode world = DemoWorld.build();
        ArrayNode resources = (ArrayNode) world.get("resources");
        ObjectNode slot = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        slot.put("id", SLOT_ID).put("name", "sitef6141/staging").put("type", "Microsoft.Web/sites/slots");
        slot.putObject("tags").put("private-link", "shop2");
        resources.add(slot);
        ObjectNode vnetB = (ObjectNode) BadInputTest.resource(world, "Microsoft.Network/virtualNetworks").deepCopy();
        String text = vnetB.toString().replace("test-vnet", "test-vnet2").replace("\"10.0.", "\"10.1.");
        try {
            resources.add(M.readTree(text));
            ObjectNode clusterB = (ObjectNode) M.readTree(BadInputTest.resource(world, "Microsoft.ContainerService/managedClusters").toString()
                    .replace("clustername1", "clustername2").replace(DemoWorld.NODE_SUBNET_ID, VNET_B + "/subnets/subnet1"));
            ((ObjectNode) clusterB.get("tags")).put("private-link", "shop2");
            resources.add(clusterB);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ObjectNode slotSettings = ((ObjectNode) world.get("appSettings")).putObject(SLOT_ID);
        slotSettings.put("SLOT_NAME", "staging").put("SLOT_ONLY", "kept").put("BUILD", "v2");
        ((ObjectNode) world.path("appSettings").path(DemoWorld.SITE_ID)).put("SLOT_NAME", "production").put("BUILD", "v1");
        return world;
    }

    /** Slot settings someone else set: a sticky app setting, a connection string and a mounted storage account. */
    static ObjectNode foreignSlotSettings() {
        ObjectNode p = M.createObjectNode();
        p.putArray("appSettingNames").add("SLOT_NAME");
        p.putArray("connectionStringNames").add("CatalogDb");
        p.putArray("azureStorageConfigNames").add("media");
        return p;
    }

    static ArrayNode linkEvents(java.time.Instant at) {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "5107a9c3-0000-4a49-9d55-000000000001", at));
        events.add(ReferenceEvents.writeSuccess(SLOT_ID, "Microsoft.Web/sites/slots/write", "5107a9c3-0000-4a49-9d55-000000000002", at));
        return events;
    }

    static Sandbox linkedBoth() {
        Sandbox s = new Sandbox(WorldFile.parse(twoClusterWorld(), "two clusters, one site, one slot"));
        s.arm().putSlotConfigNames(DemoWorld.SITE_ID, foreignSlotSettings());
        s.deliverAll(linkEvents(s.clock().now()));
        s.runUntilIdle();
        s.durable().instances().forEach(i -> assertEquals("Completed", i.status(), i.instanceId() + ": " + i.failure()));
        return s;
    }

    static String ipOf(Sandbox s, String clusterId) {
        return new WorldView(s).kube(clusterId, "Service", "kube-system", "tether-dns").orElseThrow()
                .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
    }

    /** A user swaps staging into production through the App Service REST API (the SDK), with the portal's preserveVnet=true. */
    static void swapStagingIntoProduction(Sandbox s) {
        ArmEmulator.fastPolling();
        s.arm().asUser(() -> {
            AzureClients clients = new AzureClients(ArmEmulator.fakeCredential(), null, s.arm(), AzureEnvironment.AZURE,
                    new ReadGovernor(1.0, java.time.Clock.systemUTC()));
            clients.forSubscription(DemoWorld.SUB).appService().getWebApps()
                    .beginSwapSlot("testrg123", "sitef6141", "staging", new CsmSlotEntity().withTargetSlot("production").withPreserveVnet(true))
                    .getFinalResult();
        });
    }

    static List<String> armWrites(List<CallLog.Call> calls) {
        return calls.stream().filter(c -> c.isWrite() && c.target().equals("arm")).map(c -> c.method() + " " + c.path().replaceAll("\\?.*", ""))
                .sorted().toList();
    }

    @Test
    void afterASwapEachSlotResolvesThroughItsOwnIntegration() {
        try (Sandbox s = linkedBoth()) {
            String ipA = ipOf(s, DemoWorld.CLUSTER_ID);
            String ipB = ipOf(s, CLUSTER_B);
            assertEquals("10.0.1.4", ipA);
            assertEquals("10.1.1.4", ipB);
            assertEquals(List.of(ipA), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
            assertEquals(List.of(ipB), s.arm().effectiveDnsServers(SLOT_ID));

            // Exactly these ARM writes: one subnet per VNet, one join per slot, the site's slot settings once (the slot's link
            // found the mark the production link wrote), one app settings PUT per slot.
            assertEquals(List.of(
                    "PATCH " + DemoWorld.SITE_ID,
                    "PATCH " + SLOT_ID,
                    "PUT " + SUBNETS_A,
                    "PUT " + SUBNETS_B,
                    "PUT " + DemoWorld.SITE_ID + "/config/appsettings",
                    "PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames",
                    "PUT " + SLOT_ID + "/config/appsettings"), armWrites(s.calls().calls()));
            // The foreign slot settings are kept as they were, WEBSITE_DNS_SERVER appended.
            ObjectNode expectedNames = foreignSlotSettings();
            ((ArrayNode) expectedNames.get("appSettingNames")).add("WEBSITE_DNS_SERVER");
            assertEquals(expectedNames, s.arm().slotConfigNames(DemoWorld.SITE_ID));
            assertEquals("marked WEBSITE_DNS_SERVER as slot setting of sitef6141 (Tether's mark, for an unlink to remove); kept 1 other app setting name",
                    detailOf(s, DemoWorld.SITE_ID, SLOT_ID, "slot-settings", "UPDATED"));

            Map<String, String> productionBefore = s.arm().appSettings().get(DemoWorld.SITE_ID);
            Map<String, String> stagingBefore = s.arm().appSettings().get(SLOT_ID);
            JsonNode productionSite = s.arm().resource(DemoWorld.SITE_ID).orElseThrow();
            JsonNode stagingSite = s.arm().resource(SLOT_ID).orElseThrow();
            String productionSubnet = productionSite.path("properties").path("virtualNetworkSubnetId").asText();
            String stagingSubnet = stagingSite.path("properties").path("virtualNetworkSubnetId").asText();
            assertEquals(SUBNETS_A.toLowerCase(), productionSubnet.toLowerCase());
            assertEquals(SUBNETS_B.toLowerCase(), stagingSubnet.toLowerCase());

            swapStagingIntoProduction(s);

            // The content and its settings moved (BUILD v2 is production now), the slot settings and the integrations stayed.
            assertEquals(swapped(productionBefore, stagingBefore), s.arm().appSettings().get(DemoWorld.SITE_ID));
            assertEquals(swapped(stagingBefore, productionBefore), s.arm().appSettings().get(SLOT_ID));
            assertEquals("v2", s.arm().appSettings().get(DemoWorld.SITE_ID).get("BUILD"));
            assertEquals("production", s.arm().appSettings().get(DemoWorld.SITE_ID).get("SLOT_NAME"));
            assertEquals(productionSubnet, s.arm().resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
            assertEquals(stagingSubnet, s.arm().resource(SLOT_ID).orElseThrow().path("properties").path("virtualNetworkSubnetId").asText());
            assertEquals(List.of(ipA), s.arm().effectiveDnsServers(DemoWorld.SITE_ID), "production still resolves through cluster A, whose VNet it is in");
            assertEquals(List.of(ipB), s.arm().effectiveDnsServers(SLOT_ID), "staging still resolves through cluster B");

            // A second pass of both (newer events) observes and writes nothing; the drift scan finds nothing.
            int mark = s.calls().size();
            s.clock().advance(java.time.Duration.ofMinutes(1));
            s.deliverAll(linkEvents(s.clock().now()));
            s.runUntilIdle();
            s.timer();
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals("[]", report.path("drifted").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What {@code own} holds after a swap with {@code other}: the other's settings, except the slot settings, which stay. */
    static Map<String, String> swapped(Map<String, String> own, Map<String, String> other) {
        List<String> sticky = List.of("SLOT_NAME", "WEBSITE_DNS_SERVER");
        Map<String, String> out = new LinkedHashMap<>();
        other.forEach((k, v) -> {
            if (!sticky.contains(k)) {
                out.put(k, v);
            }
        });
        own.forEach((k, v) -> {
            if (sticky.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The detail of {@code step} in whichever of the two link outputs reports it with {@code outcome}. */
    static String detailOf(Sandbox s, String siteId, String slotId, String step, String outcome) throws java.io.IOException {
        String found = null;
        for (var i : s.durable().instances()) {
            if (!i.name().equals("LinkSite")) {
                continue;
            }
            for (JsonNode st : M.readTree(i.output()).path("steps")) {
                if (st.path("step").asText().equals(step) && st.path("outcome").asText().equals(outcome)) {
                    assertNull(found, "one pass reports " + step + " " + outcome);
                    found = st.path("detail").asText();
                }
            }
        }
        assertNotNull(found, step + " " + outcome + " in " + siteId + " or " + slotId);
        return found;
    }

    @Test
    void aRemovedMarkIsDriftAndTheRepairWritesOnlyTheMark() throws Exception {
        try (Sandbox s = linkedBoth()) {
            // Someone rewrites the slot settings without Tether's name (a deployment template that owns the list, say).
            s.arm().putSlotConfigNames(DemoWorld.SITE_ID, foreignSlotSettings());
            Map<String, Map<String, String>> settingsBefore = s.arm().appSettings();
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            String reason = "[\"WEBSITE_DNS_SERVER is not a slot setting (config/slotConfigNames): a slot swap would carry it away from this slot's VNet integration\"]";
            assertEquals("[{\"resourceId\":\"" + DemoWorld.SITE_ID + "\",\"reasons\":" + reason + "},{\"resourceId\":\"" + SLOT_ID + "\",\"reasons\":" + reason + "}]",
                    report.path("drifted").toString());
            assertEquals(5, report.path("armReads").asInt(), "two Resource Graph queries, the two apps' settings, the site's slot settings once for both");
            List<CallLog.Call> since = s.calls().since(mark);
            assertEquals(List.of("PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames"), armWrites(since), "both repairs together write the mark once");
            assertEquals(List.of(), since.stream().filter(c -> c.isWrite() && c.target().equals("kubernetes")).toList());
            ObjectNode expectedNames = foreignSlotSettings();
            ((ArrayNode) expectedNames.get("appSettingNames")).add("WEBSITE_DNS_SERVER");
            assertEquals(expectedNames, s.arm().slotConfigNames(DemoWorld.SITE_ID));
            assertEquals(settingsBefore, s.arm().appSettings(), "no app setting changed");
        }
    }
}
