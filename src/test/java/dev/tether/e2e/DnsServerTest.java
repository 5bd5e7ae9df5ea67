package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 points 1 and 2: Tether judges a link by the DNS server the app really uses (the site property
 * dnsConfiguration.dnsServers wins over WEBSITE_DNS_SERVER), never replaces a DNS server it did not set without the
 * opt-in tag, records what it replaced, and never leaves two spellings of one setting.
 */
class DnsServerTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String CORPORATE = "10.50.0.4";
    static final String CORPORATE_ALT = "10.50.0.5";

    static Sandbox run(Consumer<ObjectNode> edit) {
        ObjectNode world = DemoWorld.build();
        edit.accept(world);
        Sandbox s = new Sandbox(WorldFile.parse(world, "dns"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        return s;
    }

    static ObjectNode settings(ObjectNode world) {
        return (ObjectNode) world.path("appSettings").path(DemoWorld.SITE_ID);
    }

    static String tetherIp(Sandbox s) {
        return new WorldView(s).kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
    }

    @Test
    void aLinkedAppResolvesThroughTetherDnsInTheEmulator() {
        try (Sandbox s = run(w -> { })) {
            assertEquals("Completed", s.durable().instances().get(0).status());
            assertEquals(List.of(tetherIp(s)), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
        }
    }

    @Test
    void theSitePropertyTakesPrecedenceSoTheLinkIsRefusedBeforeAnyWrite() {
        Map<String, Map<String, String>> before = new LinkedHashMap<>();
        try (Sandbox s = run(w -> BadInputTest.resource(w, "Microsoft.Web/sites").with("properties").putObject("dnsConfiguration")
                .putArray("dnsServers").add(CORPORATE))) {
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertTrue(v.failure().contains("SITE_DNS_PROPERTY: app sitef6141 sets the site property dnsConfiguration.dnsServers=[" + CORPORATE
                    + "], which takes precedence over WEBSITE_DNS_SERVER; the setting Tether writes would have no effect"), v.failure());
            assertTrue(v.failure().contains("Fix: remove the site property (az resource update --ids <app id> --remove properties.dnsConfiguration.dnsServers)"), v.failure());
            assertEquals(List.of(), s.calls().writes(), "zero writes");
            assertEquals(List.of(CORPORATE), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
        }
    }

    @Test
    void aForeignDnsServerIsRefusedNamingItsValues() {
        try (Sandbox s = run(w -> settings(w).put("WEBSITE_DNS_SERVER", CORPORATE).put("website_dns_alt_server", CORPORATE_ALT))) {
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertTrue(v.failure().contains("FOREIGN_DNS_SERVER: app sitef6141 already resolves through WEBSITE_DNS_SERVER=" + CORPORATE
                    + " and website_dns_alt_server=" + CORPORATE_ALT + ", which Tether did not set"), v.failure());
            assertTrue(v.failure().contains("tag the app private-link-dns-replace=true"), v.failure());
            assertEquals(List.of(), s.calls().writes(), "zero writes");
            assertEquals(List.of(CORPORATE, CORPORATE_ALT), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
        }
    }

    @Test
    void withTheOptInTagTetherReplacesBothAndRecordsTheOldValues() throws Exception {
        ObjectNode seeded = DemoWorld.build();
        Map<String, String> others = new LinkedHashMap<>();
        settings(seeded).fields().forEachRemaining(e -> others.put(e.getKey(), e.getValue().asText()));
        try (Sandbox s = run(w -> {
            settings(w).put("website_dns_server", CORPORATE).put("WEBSITE_DNS_ALT_SERVER", CORPORATE_ALT);
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put("private-link-dns-replace", "true");
        })) {
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            String ip = tetherIp(s);
            Map<String, String> expected = new LinkedHashMap<>(others);
            expected.put("WEBSITE_DNS_SERVER", ip);
            // The ownership record keeps the old values, exact keys included, for an unlink to restore (docs/UNLINK.md).
            expected.put("TETHER_LINK", "v1;link=shop;ip=" + ip + ";subnet=tether-DefaultAsp-148ff230;subnetCreated=true;routeAll=user;slotMark=WEBSITE_DNS_SERVER;prev.website_dns_server="
                    + CORPORATE + ";prev.WEBSITE_DNS_ALT_SERVER=" + CORPORATE_ALT);
            assertEquals(expected, s.arm().appSettings().get(DemoWorld.SITE_ID), "one canonical setting, no alternate, every other setting kept");
            assertEquals(List.of(ip), s.arm().effectiveDnsServers(DemoWorld.SITE_ID));
            JsonNode out = M.readTree(v.output());
            String detail = null;
            for (JsonNode step : out.path("steps")) {
                if (step.path("step").asText().equals("app-settings")) {
                    detail = step.path("detail").asText();
                }
            }
            assertEquals("WEBSITE_DNS_SERVER=" + ip + "; kept " + others.size() + " other settings; replaced website_dns_server=" + CORPORATE
                    + " and WEBSITE_DNS_ALT_SERVER=" + CORPORATE_ALT + " (previous value, for an unlink to restore)", detail);
            assertEquals(1, s.calls().writes().stream().filter(c -> c.path().contains("/config/appsettings")).count());
        }
    }

    @Test
    void thePlanRecordsTheValueItWouldReplace() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(edited(w -> {
            settings(w).put("WEBSITE_DNS_SERVER", CORPORATE);
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put("private-link-dns-replace", "TRUE");
        }), "plan"))) {
            Sandbox.HttpExchange e = s.http("GET /api/links/plan?resourceId=" + DemoWorld.SITE_ID, null, Map.of("Accept", "application/json"));
            assertEquals(200, e.status(), e.body());
            JsonNode plan = M.readTree(e.body());
            JsonNode p = plan.path("plans").get(0).path("site");
            assertEquals(CORPORATE, p.path("dns").path("previous").path("WEBSITE_DNS_SERVER").asText(), e.body());
            assertTrue(e.body().contains("replaces WEBSITE_DNS_SERVER=" + CORPORATE + " (tag private-link-dns-replace=true; old value recorded for an unlink)"), e.body());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void driftAndStatusJudgeTheEffectiveServer() throws Exception {
        try (Sandbox s = run(w -> { })) {
            String ip = tetherIp(s);
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow();
            site.with("properties").putObject("dnsConfiguration").putArray("dnsServers").add(CORPORATE);
            s.arm().putResource(site);
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals("[{\"resourceId\":\"" + DemoWorld.SITE_ID + "\",\"reasons\":[\"site property dnsConfiguration.dnsServers=[" + CORPORATE
                    + "] takes precedence over WEBSITE_DNS_SERVER: the app resolves through " + CORPORATE + ", not " + ip + "\"]}]",
                    report.path("drifted").toString());
            // The repair the drift started refuses (the site property is the user's), and writes nothing.
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
            Sandbox.HttpExchange status = s.http("GET /api/links/status?link=shop", null, Map.of("Accept", "application/json"));
            assertTrue(status.body().contains("takes precedence over WEBSITE_DNS_SERVER"), status.body());
            assertFalse(status.body().contains("\"linked\""), status.body());
        }
    }

    @Test
    void aSecondSpellingOfTetherOwnSettingIsCollapsedToOne() {
        try (Sandbox s = run(w -> { })) {
            String ip = tetherIp(s);
            Map<String, String> settings = new LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            settings.put("website_dns_server", ip);
            s.arm().putAppSettings(DemoWorld.SITE_ID, settings);
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            settings.remove("website_dns_server");
            assertEquals(settings, s.arm().appSettings().get(DemoWorld.SITE_ID));
            assertEquals(1, s.calls().since(mark).stream().filter(CallLog.Call::isWrite).count(), "one app settings PUT");
        }
    }

    static ObjectNode edited(Consumer<ObjectNode> edit) {
        ObjectNode w = DemoWorld.build();
        edit.accept(w);
        return w;
    }
}
