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

import static org.junit.jupiter.api.Assertions.*;

/** The drift timer: finds drift with Resource Graph and a read per app, repairs only what drifted, writes nothing when converged. */
class DriftTest {
    private static final ObjectMapper M = new ObjectMapper();

    static Sandbox linked() {
        Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        assertEquals("Completed", s.durable().instances().get(0).status());
        return s;
    }

    static JsonNode report(Sandbox s) throws Exception {
        DurableDriver.InstanceView scan = s.durable().instance("tether-drift-scan").orElseThrow();
        assertEquals("Completed", scan.status(), scan.failure());
        return M.readTree(scan.output());
    }

    @Test
    void aConvergedWorldGetsZeroWritesFromATimerRun() throws Exception {
        try (Sandbox s = linked()) {
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode r = report(s);
            assertEquals(0, r.path("drifted").size(), r.toString());
            assertEquals(1, r.path("sites").asInt());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
        }
    }

    @Test
    void aTickWhileAScanIsPendingOrRunningIsSkipped() throws Exception {
        try (Sandbox s = linked()) {
            s.timer();
            s.timer();
            assertTrue(s.logLines().stream().anyMatch(l -> l.contains("drift.skipped")), s.logLines().toString());
            s.runUntilIdle();
            assertEquals(1, s.durable().instances().stream().filter(v -> v.name().equals("DriftScan")).count());
            assertEquals(0, report(s).path("drifted").size());
        }
    }

    @Test
    void untaggedAppsTetherJoinedAreReportedAsReleasedAndLeftAlone() throws Exception {
        try (Sandbox s = linked()) {
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow();
            ((ObjectNode) site.get("tags")).remove("private-link");
            s.arm().putResource(site);
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode r = report(s);
            assertEquals(1, r.path("released").size(), r.toString());
            assertEquals(DemoWorld.SITE_ID, r.path("released").get(0).asText());
            assertEquals(0, r.path("drifted").size());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "released: nothing destroyed");
        }
    }

    /**
     * ARM treats tag names case-insensitively, so an app tagged Private-Link is linked; Resource Graph's
     * tags['private-link'] would not see it (learn, Resource Graph samples: case-sensitive vs case-insensitive tag).
     */
    @Test
    void anAppWhoseTagKeyIsInAnotherCaseIsScannedAndRepairedNotReleased() throws Exception {
        try (Sandbox s = linked()) {
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow();
            ObjectNode tags = (ObjectNode) site.get("tags");
            tags.put("Private-Link", tags.remove("private-link").asText());
            s.arm().putResource(site);
            Map<String, String> settings = new LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            String ip = settings.remove("WEBSITE_DNS_SERVER");
            s.arm().putAppSettings(DemoWorld.SITE_ID, settings);

            s.timer();
            s.runUntilIdle();
            JsonNode r = report(s);
            assertEquals(0, r.path("released").size(), r.toString());
            assertEquals(1, r.path("sites").asInt(), r.toString());
            assertEquals(1, r.path("drifted").size(), r.toString());
            assertTrue(r.path("drifted").toString().contains("WEBSITE_DNS_SERVER is missing"), r.toString());
            assertEquals(ip, new WorldView(s).appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText(), "repaired");
        }
    }

    @Test
    void aDriftedWorldIsFullyRepairedByOneTimerRun() throws Exception {
        try (Sandbox s = linked()) {
            Map<String, String> settings = new LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            String ip = settings.remove("WEBSITE_DNS_SERVER");
            s.arm().putAppSettings(DemoWorld.SITE_ID, settings);
            // Route-all is off and not needed here (an RFC 1918 cluster): not drift (RouteAllTest covers the other case).
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).configMaps().inNamespace("kube-system").withName("coredns-custom")
                    .edit(cm -> {
                        cm.getData().put("tether.override", "k8s_external someone.else\n");
                        return cm;
                    });

            s.timer();
            s.runUntilIdle();
            JsonNode r = report(s);
            assertEquals(2, r.path("drifted").size(), r.toString());
            String text = r.path("drifted").toString();
            assertTrue(!text.contains("route-all") && text.contains("WEBSITE_DNS_SERVER is missing") && text.contains("tether.override"), text);
            assertEquals(2, r.path("repairsStarted").size());

            WorldView w = new WorldView(s);
            assertEquals(ip, w.appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText());
            assertFalse(w.resource(DemoWorld.SITE_ID).orElseThrow().path("properties").path("siteConfig").path("vnetRouteAllEnabled").asBoolean(true));
            assertEquals("k8s_external shop.internal\n", w.kube(DemoWorld.CLUSTER_ID, "ConfigMap", "kube-system", "coredns-custom").orElseThrow()
                    .path("data").path("tether.override").asText());
            assertTrue(s.logLines().stream().anyMatch(l -> l.contains("drift.report")), "a structured drift report line");

            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals(0, report(s).path("drifted").size());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "converged again");
        }
    }
}
