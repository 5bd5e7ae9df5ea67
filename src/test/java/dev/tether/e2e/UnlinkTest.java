package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Link, untag, unlink over HTTP: the app is back as it was, through the same instance, with the minimum writes. */
class UnlinkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String UNLINK = "POST /api/links/unlink";

    static Sandbox linked(ObjectNode world) {
        Sandbox s = new Sandbox(WorldFile.parse(world, "unlink"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
        return s;
    }

    /** The user removes the private-link tag from the app (what az tag update --operation delete leaves). */
    static void untag(Sandbox s, String id) {
        ObjectNode site = s.arm().resource(id).orElseThrow().deepCopy();
        ((ObjectNode) site.get("tags")).remove("private-link");
        s.arm().putResource(site);
    }

    static List<String> calls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList();
    }

    /**
     * The world after an app's unlink, less the one resource the cluster's link keeps in Azure: the load balancer
     * kubernetes-internal that AKS wrote for kube-system/tether-dns, holding exactly that frontend and its rule.
     */
    static ObjectNode withoutClusterDnsFrontend(ObjectNode world) {
        String lb = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/MC_rg1_clustername1_location1/providers/Microsoft.Network/loadBalancers/kubernetes-internal";
        List<String> nodeGroup = new java.util.ArrayList<>();
        JsonNode kept = null;
        for (java.util.Iterator<JsonNode> it = world.path("resources").iterator(); it.hasNext(); ) {
            JsonNode r = it.next();
            if (r.path("id").asText().contains("/resourceGroups/MC_rg1_clustername1_location1/")) {
                nodeGroup.add(r.path("id").asText());
                kept = r;
                it.remove();
            }
        }
        assertEquals(List.of(lb), nodeGroup, "the node resource group holds only the cluster's internal load balancer");
        assertEquals("[\"<kube-system/tether-dns>\"]", names(kept.path("properties").path("frontendIPConfigurations")));
        assertEquals("[\"<kube-system/tether-dns>-UDP-53\",\"<kube-system/tether-dns>-TCP-53\"]", names(kept.path("properties").path("loadBalancingRules")));
        return world;
    }

    private static String names(JsonNode array) {
        com.fasterxml.jackson.databind.node.ArrayNode out = M.createArrayNode();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out.toString();
    }

    /** The world file as the emulators hold it before anything ran (the comparable form). */
    static ObjectNode pristine(ObjectNode world) {
        try (Sandbox s = new Sandbox(WorldFile.parse(world.deepCopy(), "before"))) {
            ObjectNode w = new WorldView(s).comparableWorld();
            w.set("slotConfigNames", s.arm().slotConfigNames(DemoWorld.SITE_ID));
            return w;
        }
    }

    @Test
    void linkThenUnlinkLeavesTheAppAsItWasWithTheMinimumCalls() throws Exception {
        // Built first: a sandbox installs the process-wide Tether, so none may be opened inside another.
        ObjectNode expected = pristine(DemoWorld.build());
        try (Sandbox s = linked(DemoWorld.build())) {
            WorldView linked = new WorldView(s);
            assertEquals("v1;link=shop;ip=10.0.1.4;subnet=tether-DefaultAsp-148ff230;subnetCreated=true;routeAll=user;slotMark=WEBSITE_DNS_SERVER",
                    linked.appSettings(DemoWorld.SITE_ID).path("TETHER_LINK").asText(), "the ownership record rides on the DNS write");
            assertEquals(M.readTree("{\"appSettingNames\":[\"WEBSITE_DNS_SERVER\"]}"), s.arm().slotConfigNames(DemoWorld.SITE_ID), "Tether's mark");
            untag(s, DemoWorld.SITE_ID);
            int mark = s.calls().size();
            Sandbox.HttpExchange e = s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON);
            assertEquals(202, e.status(), e.body());
            assertTrue(M.readTree(e.body()).path("statusQueryGetUri").asText().contains("/instances/tether-site-sitef6141-"), e.body());
            s.runUntilIdle();
            var runs = s.durable().instances();
            assertEquals(1, runs.size(), "the app's one instance, continued by the unlink");
            var app = runs.get(0);
            assertEquals("Completed", app.status(), app.failure());
            String site = DemoWorld.SITE_ID;
            String subnet = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230";
            assertEquals(List.of(
                    "GET " + site + " 200", // the HTTP trigger: exists, and no longer tagged
                    "GET " + site + " 200", "POST " + site + "/config/appsettings/list 200", "GET " + DemoWorld.VNET_ID + " 200", // the plan
                    "GET " + site + "/config/slotConfigNames 200", "GET " + site + "/slots 200", // the plan: Tether's mark, and no sibling slot
                    "POST " + site + "/config/appsettings/list 200", "PUT " + site + "/config/appsettings 200", // 1. DNS setting and record
                    "GET " + site + "/config/slotConfigNames 200", "PUT " + site + "/config/slotConfigNames 200", // 1b. Tether's mark, after the setting
                    "GET " + site + " 200", "DELETE " + site + "/networkConfig/virtualNetwork 200", // 3. leave (2. route-all: Tether never turned it on)
                    "GET " + DemoWorld.VNET_ID + " 200", "DELETE " + subnet + " 202", // 4. the subnet Tether created, now unused
                    // Tether's poller: InProgress (Retry-After 1 s), then Succeeded
                    "GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-2 200",
                    "GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-2 200"), calls(s, mark));
            JsonNode out = M.readTree(app.output());
            assertEquals("UNLINKED", out.path("status").asText(), out.toString());

            // The world equals the world before the link, but for the tag the user removed; the cluster keeps its link.
            expected.path("resources").forEach(r -> {
                if (r.path("id").asText().equals(site)) {
                    ((ObjectNode) r.path("tags")).remove("private-link");
                }
            });
            ObjectNode now = withoutClusterDnsFrontend(new WorldView(s).comparableWorld());
            assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
            assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));
            assertEquals(expected.path("slotConfigNames"), s.arm().slotConfigNames(site), "slotConfigNames as before the link");

            // A second unlink observes and writes nothing.
            int again = s.calls().size();
            Sandbox.HttpExchange secondCall = s.http(UNLINK, "{\"resourceId\":\"" + site + "\"}", JSON);
            assertEquals(202, secondCall.status(), secondCall.body());
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(again).stream().filter(CallLog.Call::isWrite).toList());
            JsonNode second = M.readTree(s.durable().instances().get(0).output());
            assertEquals("UNLINKED", second.path("status").asText());
            assertEquals("app sitef6141 has no integration, no DNS setting and no TETHER_LINK record: nothing to undo", second.path("message").asText());
        }
    }

    /** Link {@code world}, untag the app, unlink it: the world must equal the world before the link but for the tag. */
    static Sandbox roundTrip(java.util.function.Consumer<ObjectNode> edit, List<String> expectedUnlinkWrites) throws Exception {
        ObjectNode world = DemoWorld.build();
        edit.accept(world);
        ObjectNode expected = pristine(world);
        Sandbox s = linked(world);
        untag(s, DemoWorld.SITE_ID);
        int mark = s.calls().size();
        assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
        s.runUntilIdle();
        assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
        assertEquals(expectedUnlinkWrites, s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                .map(c -> c.method() + " " + c.path().replaceAll(".*/providers/", "").replaceAll("\\?.*", "")).toList());
        expected.path("resources").forEach(r -> {
            if (r.path("id").asText().equals(DemoWorld.SITE_ID)) {
                ((ObjectNode) r.path("tags")).remove("private-link");
            }
        });
        ObjectNode now = withoutClusterDnsFrontend(new WorldView(s).comparableWorld());
        assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
        assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));
        assertEquals(expected.path("slotConfigNames"), s.arm().slotConfigNames(DemoWorld.SITE_ID), "slotConfigNames as before the link");
        return s;
    }

    static final List<String> UNLINK_WRITES = List.of("PUT Microsoft.Web/sites/sitef6141/config/appsettings",
            "PUT Microsoft.Web/sites/sitef6141/config/slotConfigNames", "DELETE Microsoft.Web/sites/sitef6141/networkConfig/virtualNetwork", "DELETE Microsoft.Network/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-148ff230");

    @Test
    void aDnsServerTetherReplacedComesBackWithItsExactKeys() throws Exception {
        try (Sandbox s = roundTrip(w -> {
            DnsServerTest.settings(w).put("website_dns_server", DnsServerTest.CORPORATE).put("WEBSITE_DNS_ALT_SERVER", DnsServerTest.CORPORATE_ALT);
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put("private-link-dns-replace", "true");
        }, UNLINK_WRITES)) {
            assertEquals(List.of(DnsServerTest.CORPORATE, DnsServerTest.CORPORATE_ALT), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
            JsonNode step = M.readTree(s.durable().instances().get(0).output()).path("steps").get(0);
            assertEquals("restored website_dns_server=" + DnsServerTest.CORPORATE + " and WEBSITE_DNS_ALT_SERVER=" + DnsServerTest.CORPORATE_ALT
                    + " and TETHER_LINK; kept 54 other settings", step.path("detail").asText());
        }
    }

    @Test
    void routeAllGoesOffOnlyWhereTetherTurnedItOn() throws Exception {
        // A 100.64/10 cluster: the link turned route-all on, the unlink turns it off, in its own PATCH before leaving.
        try (Sandbox s = roundTrip(RouteAllTest::cgnatVnet, List.of(UNLINK_WRITES.get(0), UNLINK_WRITES.get(1), "PATCH Microsoft.Web/sites/sitef6141",
                UNLINK_WRITES.get(2), UNLINK_WRITES.get(3)))) {
            assertFalse(RouteAllTest.site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean(true));
        }
        // The user's own route-all stays on.
        try (Sandbox s = roundTrip(w -> {
            RouteAllTest.cgnatVnet(w);
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").path("properties")).putObject("outboundVnetRouting").put("applicationTraffic", true);
        }, UNLINK_WRITES)) {
            assertTrue(RouteAllTest.site(s).path("outboundVnetRouting").path("applicationTraffic").asBoolean(false));
        }
    }

    @Test
    void aForeignDnsChangeSinceTheLinkMakesTheUnlinkRefuseUnlessForced() throws Exception {
        ObjectNode expected = pristine(DemoWorld.build());
        try (Sandbox s = linked(DemoWorld.build())) {
            untag(s, DemoWorld.SITE_ID);
            Map<String, String> changed = new java.util.LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            changed.put("WEBSITE_DNS_SERVER", "10.77.0.9");
            s.arm().putAppSettings(DemoWorld.SITE_ID, changed);
            int mark = s.calls().size();
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
            s.runUntilIdle();
            var v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertEquals("unlink refused, nothing written: app sitef6141 now has WEBSITE_DNS_SERVER=10.77.0.9, which is not the 10.0.1.4 Tether set:"
                    + " someone changed it since the link. Fix: set it back to 10.0.1.4, or unlink with force to restore no DNS server (the app had none)", v.failure());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "zero writes");

            // The dry run says the same, in JSON and as a table.
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&resourceId=" + DemoWorld.SITE_ID, null, JSON);
            assertEquals("REFUSED", M.readTree(plan.body()).path("plans").get(0).path("unlink").path("status").asText(), plan.body());
            Sandbox.HttpExchange forced = s.http("GET /api/links/plan?action=unlink&force=true&resourceId=" + DemoWorld.SITE_ID, null,
                    Map.of("Accept", "text/plain"));
            assertEquals(DemoWorld.SITE_ID + "\n  unlink READY: unlink sitef6141: app-settings, slot-settings, leave-subnet, delete-subnet\n"
                    + "  app-settings  DELETED   remove WEBSITE_DNS_SERVER=10.77.0.9: the app had no DNS server before the link (force: over the foreign value 10.77.0.9); remove TETHER_LINK; every other setting kept\n"
                    + "  slot-settings DELETED   remove WEBSITE_DNS_SERVER from the site's slot settings, after the DNS setting: Tether marked it at the link and"
                    + " the app's DNS server (none before the link) was unmarked, so this restores the list as it was; every other name, connection string and"
                    + " storage name kept\n"
                    + "  route-all     UNCHANGED route-all is off\n"
                    + "  leave-subnet  DELETED   leave tether-DefaultAsp-148ff230 (regional VNet integration Tether made)\n"
                    + "  delete-subnet DELETED   delete tether-DefaultAsp-148ff230: Tether created it; deleted only if, once the app has left, no other app of its plan,"
                    + " no other plan and no IP configuration uses it (App Service removes its plan's service association link after the app left, with a lag:"
                    + " the step looks again, with durable timers, for up to 5 minutes)\n", forced.body());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "dry runs write nothing");

            // With force, the recorded state comes back.
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\",\"force\":true}", JSON).status());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            ObjectNode now = new WorldView(s).comparableWorld();
            assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));
        }
    }

    @Test
    void aReTagArrivingWithTheUnlinkWinsAsTheNewestIntentInTheSameInstance() throws Exception {
        try (Sandbox s = linked(DemoWorld.build())) {
            ObjectNode linkedWorld = new WorldView(s).comparableWorld();
            untag(s, DemoWorld.SITE_ID);
            int mark = s.calls().size();
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", JSON).status());
            // Before the unlink pass runs, the app is tagged again and its event arrives: the tag is the newest intent.
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow().deepCopy();
            ((ObjectNode) site.get("tags")).put("private-link", "shop");
            s.arm().putResource(site);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals(1, s.durable().instances().size(), "one instance per resource");
            var v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            assertEquals("LINKED", M.readTree(v.output()).path("status").asText(), v.output());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "nothing undone, nothing redone");
            assertNull(WorldView.firstDifference(linkedWorld.path("appSettings"), new WorldView(s).comparableWorld().path("appSettings"), "appSettings"));
        }
    }

    /** Crash after every history event of a link, an untag and the unlink: the same world and the same writes every time. */
    @Test
    void crashAfterEveryHistoryEventOfLinkAndUnlink() throws Exception {
        ObjectNode before = pristine(DemoWorld.build());
        String site = DemoWorld.SITE_ID;
        int events = CrashEverywhereTest.crashEverywhere(new CrashEverywhereTest.Scenario(DemoWorld.build(), s -> {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            untag(s, site);
            assertEquals(202, s.http(UNLINK, "{\"resourceId\":\"" + site + "\"}", JSON).status());
            s.runUntilIdle();
        }, CrashEverywhereTest.plus(CrashEverywhereTest.LINK_WRITES, "PUT " + site + "/config/appsettings", "PUT " + site + "/config/slotConfigNames",
                "DELETE " + site + "/networkConfig/virtualNetwork", "DELETE " + CrashEverywhereTest.SUBNET), s -> {
            ObjectNode now = new WorldView(s).comparableWorld();
            assertNull(WorldView.firstDifference(before.path("appSettings"), now.path("appSettings"), "appSettings"));
            assertEquals(before.path("slotConfigNames"), s.arm().slotConfigNames(site), "Tether's mark removed, as the record said, crash or not");
            assertTrue(new WorldView(s).subnets(DemoWorld.VNET_ID).stream().noneMatch(n -> n.path("name").asText().equals("tether-DefaultAsp-148ff230")));
        }));
        assertEquals(96, events, "history events of the drive, each one a crash point (measured)");
    }

    /** A sandbox whose Tether runs with TETHER_ON_UNTAG=unlink and a 10-minute grace period, its app linked. */
    static Sandbox linkedUnlinkingOnUntag() {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "on-untag");
        Sandbox.Options d = Sandbox.Options.defaults(world);
        Sandbox s = new Sandbox(world, new Sandbox.Options(d.lbDelay(), dev.tether.config.TetherConfig.fromEnvironment(Map.of(
                "TETHER_SUBSCRIPTIONS", DemoWorld.SUB, "TETHER_ON_UNTAG", "unlink", "TETHER_UNTAG_GRACE", "PT10M"))));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
        return s;
    }

    /** The tag write ARM raises for the app now. */
    static List<String> tagEvent(Sandbox s) {
        com.fasterxml.jackson.databind.node.ArrayNode events = M.createArrayNode();
        events.add(dev.tether.sandbox.ReferenceEvents.writeSuccess(DemoWorld.SITE_ID + "/providers/Microsoft.Resources/tags/default",
                "Microsoft.Resources/tags/write", "tag-" + s.clock().now().toEpochMilli(), s.clock().now()));
        return s.deliverAll(events);
    }

    @Test
    void onUntagUnlinkWaitsItsGracePeriodAndAReTagWithinItCancels() throws Exception {
        try (Sandbox s = linkedUnlinkingOnUntag()) {
            ObjectNode linkedWorld = new WorldView(s).comparableWorld();
            untag(s, DemoWorld.SITE_ID);
            int mark = s.calls().size();
            assertEquals(List.of("started"), tagEvent(s));
            s.durable().runUntil(s.clock().now().plus(java.time.Duration.ofMinutes(5)));
            var waiting = s.durable().instances().get(0);
            assertEquals("Running", waiting.status());
            assertTrue(waiting.customStatus().contains("\"step\":\"unlinking\"") && waiting.customStatus().contains("\"phase\":\"grace\""), waiting.customStatus());
            JsonNode status = M.readTree(s.http("GET /api/links/status", null, JSON).body());
            assertEquals("unlinking", status.path("released").get(0).path("state").asText(), status.toString());

            // Tagged again within the grace period: the unlink is cancelled, and the pass links (nothing to write).
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow().deepCopy();
            ((ObjectNode) site.get("tags")).put("private-link", "shop");
            s.arm().putResource(site);
            assertEquals(List.of("signaled"), tagEvent(s));
            s.runUntilIdle();
            var v = s.durable().instances().get(0);
            assertEquals("LINKED", M.readTree(v.output()).path("status").asText(), v.output());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "nothing undone");
            assertNull(WorldView.firstDifference(linkedWorld.path("appSettings"), new WorldView(s).comparableWorld().path("appSettings"), "appSettings"));
        }
    }

    @Test
    void onUntagUnlinkUnlinksOnceTheGracePeriodHasPassed() throws Exception {
        try (Sandbox s = linkedUnlinkingOnUntag()) {
            untag(s, DemoWorld.SITE_ID);
            java.time.Instant untagged = s.clock().now();
            int mark = s.calls().size();
            assertEquals(List.of("started"), tagEvent(s));
            s.runUntilIdle();
            var v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            assertEquals("UNLINKED", M.readTree(v.output()).path("status").asText(), v.output());
            assertFalse(v.lastUpdatedAt().isBefore(untagged.plus(java.time.Duration.ofMinutes(10))), "after the grace period: " + v.lastUpdatedAt());
            assertEquals(UNLINK_WRITES, s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                    .map(c -> c.method() + " " + c.path().replaceAll(".*/providers/", "").replaceAll("\\?.*", "")).toList());
        }
    }

    @Test
    void simulateAcceptsTheUnlinkCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/sites").get("tags")).remove("private-link");
        java.nio.file.Path w = dir.resolve("world.json");
        java.nio.file.Path e = dir.resolve("events.json");
        java.nio.file.Path out = dir.resolve("result.json");
        M.writeValue(w.toFile(), world);
        M.writeValue(e.toFile(), M.createArrayNode());
        assertEquals(0, dev.tether.sandbox.cli.SandboxMainAccess.run("simulate", "--world", w.toString(), "--events", e.toString(), "--out", out.toString(),
                "--http", "POST /api/links/unlink {\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}"));
        JsonNode result = M.readTree(java.nio.file.Files.readString(out));
        assertEquals(202, result.path("http").get(0).path("status").asInt(), result.path("http").toString());
        JsonNode run = result.path("orchestrations").get(0);
        assertEquals("Completed", run.path("status").asText(), run.toString());
        assertEquals("app sitef6141 has no integration, no DNS setting and no TETHER_LINK record: nothing to undo", run.path("output").path("message").asText());
    }
}
