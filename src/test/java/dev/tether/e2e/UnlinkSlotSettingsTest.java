package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tether.e2e.UnlinkTest.JSON;
import static dev.tether.e2e.UnlinkTest.M;
import static dev.tether.e2e.UnlinkTest.UNLINK;
import static dev.tether.e2e.UnlinkTest.UNLINK_WRITES;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The unlink and the site's slot settings (config/slotConfigNames): only the marks the record says Tether added are
 * removed, after the DNS setting; the user's own marks and every other name stay byte for byte; a sibling slot still
 * linked keeps the marks (docs/UNLINK.md).
 */
class UnlinkSlotSettingsTest {
    /** The demo world with slot settings someone set before the link, linked; the app then untagged. */
    static Sandbox linkedWithSlotSettings(ObjectNode before) {
        Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "slot settings"));
        s.arm().putSlotConfigNames(DemoWorld.SITE_ID, before);
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
        UnlinkTest.untag(s, DemoWorld.SITE_ID);
        return s;
    }

    static List<String> armWrites(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                .map(c -> c.method() + " " + c.path().replaceAll(".*/providers/", "").replaceAll("\\?.*", "")).toList();
    }

    static String slotSettingsReason(Sandbox s) throws Exception {
        JsonNode plan = M.readTree(s.http("GET /api/links/plan?action=unlink&resourceId=" + DemoWorld.SITE_ID, null, JSON).body());
        for (JsonNode c : plan.path("plans").get(0).path("unlink").path("changes")) {
            if (c.path("step").asText().equals("slot-settings")) {
                return c.path("action").asText() + " " + c.path("reason").asText();
            }
        }
        return fail(plan.toString());
    }

    @Test
    void onlyTetherMarkLeavesTheSlotSettingsEveryOtherNameByteForByte() throws Exception {
        ObjectNode before = SlotSwapTest.foreignSlotSettings();
        try (Sandbox s = linkedWithSlotSettings(before)) {
            assertTrue(s.arm().appSettings().get(DemoWorld.SITE_ID).get("TETHER_LINK").endsWith(";slotMark=WEBSITE_DNS_SERVER"));
            int mark = s.calls().size();
            assertEquals("DELETED remove WEBSITE_DNS_SERVER from the site's slot settings, after the DNS setting: Tether marked it at the link and the"
                    + " app's DNS server (none before the link) was unmarked, so this restores the list as it was; every other name, connection string"
                    + " and storage name kept", slotSettingsReason(s));
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            assertEquals(UNLINK_WRITES, armWrites(s, mark));
            assertEquals(before, s.arm().slotConfigNames(DemoWorld.SITE_ID), "SLOT_NAME, CatalogDb and media as the user set them");
            JsonNode step = M.readTree(s.durable().instances().get(0).output()).path("steps").get(1);
            assertEquals("removed Tether's mark WEBSITE_DNS_SERVER from the slot settings of sitef6141; kept 1 other app setting name",
                    step.path("detail").asText());
        }
    }

    @Test
    void aMarkTheUserHadBeforeTheLinkIsKept() throws Exception {
        ObjectNode before = SlotSwapTest.foreignSlotSettings();
        ((com.fasterxml.jackson.databind.node.ArrayNode) before.get("appSettingNames")).add("WEBSITE_DNS_SERVER");
        try (Sandbox s = linkedWithSlotSettings(before)) {
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp-148ff230;subnetCreated=true;routeAll=user",
                    s.arm().appSettings().get(DemoWorld.SITE_ID).get("TETHER_LINK"), "the user's mark is not Tether's: no slotMark");
            int mark = s.calls().size();
            assertEquals("UNCHANGED Tether added no slot-setting mark (the record names none): a mark in the site's slot settings is the user's, kept",
                    slotSettingsReason(s));
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            assertEquals(List.of(UNLINK_WRITES.get(0), UNLINK_WRITES.get(2), UNLINK_WRITES.get(3)), armWrites(s, mark), "no slotConfigNames write");
            assertEquals(List.of(), s.calls().since(mark).stream().filter(c -> c.path().contains("/slots") || c.path().contains("slotConfigNames")).toList(),
                    "no slot-settings read either: the record names no mark");
            assertEquals(before, s.arm().slotConfigNames(DemoWorld.SITE_ID));
        }
    }

    @Test
    void aLaterPassNeverTurnsTetherMarkIntoTheUsersNorTheUsersIntoTethers() throws Exception {
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            // A later pass (a new DNS IP, a rerun) finds the name marked already: its plan marks nothing, yet the mark stays Tether's.
            Map<String, String> changed = new java.util.LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp-148ff230;subnetCreated=true;routeAll=user;slotMark=WEBSITE_DNS_SERVER",
                    dev.tether.plan.OwnershipRecord.forLink(changed, "shop", "10.0.1.4", "tether-DefaultAsp-148ff230", false, false, List.of()).format());
            // A record without the mark (the user's) stays without it when a pass finds the name marked.
            changed.put("TETHER_LINK", "v1;link=shop;ip=10.0.1.9;subnet=tether-DefaultAsp-148ff230;subnetCreated=false;routeAll=user");
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp-148ff230;subnetCreated=false;routeAll=user",
                    dev.tether.plan.OwnershipRecord.forLink(changed, "shop", "10.0.1.4", "tether-DefaultAsp-148ff230", false, false, List.of()).format());
            // A pass whose plan found the name unmarked (the user removed the mark) and marked it: that mark is Tether's now.
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp-148ff230;subnetCreated=false;routeAll=user;slotMark=WEBSITE_DNS_SERVER",
                    dev.tether.plan.OwnershipRecord.forLink(changed, "shop", "10.0.1.4", "tether-DefaultAsp-148ff230", false, false,
                            List.of("WEBSITE_DNS_SERVER")).format());
            // The field reads back as written.
            assertEquals(List.of("WEBSITE_DNS_SERVER", "WEBSITE_DNS_ALT_SERVER"), dev.tether.plan.OwnershipRecord.parse(
                    "v1;link=shop;ip=10.0.1.4;subnet=s;subnetCreated=false;routeAll=user;slotMark=WEBSITE_DNS_SERVER,WEBSITE_DNS_ALT_SERVER").slotMarks());
        }
    }

    @Test
    void aSiblingSlotStillLinkedKeepsTheMarkAndThePlanSaysWhy() throws Exception {
        try (Sandbox s = SlotSwapTest.linkedBoth()) {
            // Both links found the name unmarked when they planned, so both records say the mark is Tether's.
            assertTrue(s.arm().appSettings().get(DemoWorld.SITE_ID).get("TETHER_LINK").endsWith(";slotMark=WEBSITE_DNS_SERVER"));
            assertTrue(s.arm().appSettings().get(SlotSwapTest.SLOT_ID).get("TETHER_LINK").endsWith(";slotMark=WEBSITE_DNS_SERVER"));
            ObjectNode linkedNames = s.arm().slotConfigNames(DemoWorld.SITE_ID);
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            int mark = s.calls().size();
            assertEquals("UNCHANGED kept WEBSITE_DNS_SERVER (Tether's marks): the list is site-wide and slot staging still carries Tether's DNS setting,"
                    + " which the marks keep out of a swap", slotSettingsReason(s));
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
            s.runUntilIdle();
            assertEquals(List.of(UNLINK_WRITES.get(0), UNLINK_WRITES.get(2), UNLINK_WRITES.get(3)), armWrites(s, mark), "the mark stays");
            assertEquals(linkedNames, s.arm().slotConfigNames(DemoWorld.SITE_ID));

            // The slot's unlink, the last Tether link of the site, removes the mark: the list is the user's again, byte for byte.
            ObjectNode slot = s.arm().resource(SlotSwapTest.SLOT_ID).orElseThrow().deepCopy();
            ((ObjectNode) slot.get("tags")).remove("private-link");
            s.arm().putResource(slot);
            int slotMark = s.calls().size();
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + SlotSwapTest.SLOT_ID + "\"}", JSON).status());
            s.runUntilIdle();
            s.durable().instances().forEach(i -> assertEquals("Completed", i.status(), i.instanceId() + ": " + i.failure()));
            assertEquals(List.of("PUT Microsoft.Web/sites/sitef6141/slots/staging/config/appsettings", UNLINK_WRITES.get(1),
                    "DELETE Microsoft.Web/sites/sitef6141/slots/staging/networkConfig/virtualNetwork",
                    "DELETE Microsoft.Network/virtualNetworks/test-vnet2/subnets/tether-DefaultAsp-148ff230"), armWrites(s, slotMark));
            assertEquals(SlotSwapTest.foreignSlotSettings(), s.arm().slotConfigNames(DemoWorld.SITE_ID));
        }
    }
}
