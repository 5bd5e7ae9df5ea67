package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TETHER_ON_UNTAG=unlink for a cluster linked only through its apps' passes (no cluster pass of its own), and a
 * cluster being unlinked shown as {@code unlinking} in status (docs/UNLINK.md).
 */
class ClusterUntagTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String CLUSTER = DemoWorld.CLUSTER_ID;
    static final String KS = "/api/v1/namespaces/kube-system";
    static final Map<String, String> JSON = Map.of("Accept", "application/json");

    /** TETHER_ON_UNTAG=unlink, grace 10 minutes, the demo world; linked through the app's pass when {@code link}. */
    static Sandbox onUntagUnlink(boolean link) {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "cluster-untag");
        Sandbox.Options d = Sandbox.Options.defaults(world);
        Sandbox s = new Sandbox(world, new Sandbox.Options(d.lbDelay(), dev.tether.config.TetherConfig.fromEnvironment(Map.of(
                "TETHER_SUBSCRIPTIONS", DemoWorld.SUB, "TETHER_ON_UNTAG", "unlink", "TETHER_UNTAG_GRACE", "PT10M"))));
        if (link) {
            s.deliverAll(DemoWorld.events()); // the app's tag event only: the cluster is linked by the app's pass
            s.runUntilIdle();
            assertEquals(1, s.durable().instances().size(), "no cluster instance: linked through the app's pass");
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
        }
        return s;
    }

    static List<String> calls(Sandbox s, int mark) {
        return ClusterUnlinkTest.calls(s, mark);
    }

    static String lastLog(Sandbox s) {
        List<String> lines = s.logLines();
        return lines.get(lines.size() - 1);
    }

    @Test
    void aClusterLinkedOnlyThroughItsAppsUnlinksAfterTheGraceOnceItsAppIsUnlinked() throws Exception {
        try (Sandbox s = onUntagUnlink(true)) {
            Instant untagged = s.clock().now();
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            ClusterUnlinkTest.untagCluster(s);
            int mark = s.calls().size();
            assertEquals(List.of("started"), ClusterUnlinkTest.clusterTagWrite(s));
            assertEquals(List.of("GET " + CLUSTER + " 200", // the event's read: no tag
                    "GET " + KS + "/configmaps/coredns-custom 200"), // Tether's record is there (the app's pass's client is still cached: no credential call)
                    calls(s, mark));
            assertEquals(List.of("started"), UnlinkTest.tagEvent(s));
            s.runUntilIdle();
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            JsonNode out = ClusterUnlinkTest.clusterOutput(s);
            assertEquals("UNLINKED", out.path("status").asText(), out.toString());
            assertEquals("unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard", out.path("message").asText());
            Instant done = ClusterUnlinkTest.clusterRun(s).lastUpdatedAt();
            assertTrue(!done.isBefore(untagged.plus(Duration.ofMinutes(20))) && done.isBefore(untagged.plus(Duration.ofMinutes(30))),
                    "after the grace period and one wait for the app: " + done);
            List<String> expected = CrashEverywhereTest.plus(ClusterUnlinkTest.CLUSTER_UNLINK_WRITES, "PUT " + DemoWorld.SITE_ID + "/config/appsettings",
                    "PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames", "DELETE " + DemoWorld.SITE_ID + "/networkConfig/virtualNetwork",
                    "DELETE " + CrashEverywhereTest.SUBNET);
            assertEquals(expected, ClusterUnlinkTest.writes(s, mark).stream().sorted().toList());
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
            JsonNode cm = new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
            assertFalse(cm.path("data").has("tether.override"));
            assertTrue(cm.path("metadata").path("annotations").path("tether.dev/owns-keys").isMissingNode(), cm.toString());
            assertTrue(cm.path("metadata").path("annotations").path("tether.dev/link").isMissingNode(), cm.toString());

            // Unlinked: the next untag-less write of the cluster finds no record of Tether's and is ignored, with zero writes.
            int again = s.calls().size();
            assertEquals(List.of("ignored"), ClusterUnlinkTest.clusterTagWrite(s));
            assertEquals(List.of("GET " + CLUSTER + " 200", "GET " + KS + "/configmaps/coredns-custom 200"), calls(s, again));
        }
    }

    @Test
    void aReTagWithinTheGraceCancelsAndTheStatusShowsTheClusterUnlinkingMeanwhile() throws Exception {
        try (Sandbox s = onUntagUnlink(true)) {
            ObjectNode linkedWorld = new WorldView(s).comparableWorld();
            ClusterUnlinkTest.untagCluster(s);
            int mark = s.calls().size();
            Instant untagged = s.clock().now();
            assertEquals(List.of("started"), ClusterUnlinkTest.clusterTagWrite(s));
            s.durable().runUntil(s.clock().now().plus(Duration.ofMinutes(5)));
            DurableDriver.InstanceView waiting = ClusterUnlinkTest.clusterRun(s);
            assertEquals("Running", waiting.status());
            String until = untagged.plus(Duration.ofMinutes(10)).toString();
            assertEquals(M.readTree("{\"step\":\"unlinking\",\"phase\":\"grace\",\"until\":\"" + until + "\",\"passStartedAt\":\"" + untagged + "\"}"),
                    M.readTree(waiting.customStatus()));

            JsonNode status = M.readTree(s.http("GET /api/links/status", null, JSON).body());
            assertEquals("[{\"resourceId\":\"" + CLUSTER + "\",\"kind\":\"cluster\",\"state\":\"unlinking\",\"reason\":\"orchestration "
                    + waiting.instanceId() + " is unlinking it (grace until " + until + ")\"}]", status.path("released").toString());
            String text = s.http("GET /api/links/status", null, Map.of("Accept", "text/plain")).body();
            assertTrue(text.endsWith("cluster   clustername1                 unlinking orchestration " + waiting.instanceId()
                    + " is unlinking it (grace until " + until + ")\n"), text);
            String html = s.http("GET /api/links/status", null, Map.of("Accept", "text/html")).body();
            assertTrue(html.contains("<section class=\"released\"><h2>Released and unlinking</h2>"), html);
            assertTrue(html.contains("<tr><td title=\"" + CLUSTER + "\">clustername1</td><td>cluster</td><td><span class=\"state unlinking\">unlinking</span></td>"
                    + "<td>orchestration " + waiting.instanceId() + " is unlinking it (grace until " + until + ")</td></tr>"), html);

            ObjectNode c = s.arm().resource(CLUSTER).orElseThrow().deepCopy();
            ((ObjectNode) c.get("tags")).put("private-link", "shop");
            s.arm().putResource(c);
            assertEquals(List.of("signaled"), ClusterUnlinkTest.clusterTagWrite(s));
            s.runUntilIdle();
            assertEquals("LINKED", ClusterUnlinkTest.clusterOutput(s).path("status").asText(), ClusterUnlinkTest.clusterRun(s).output());
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, mark), "nothing undone, nothing rewritten");
            assertNull(WorldView.firstDifference(linkedWorld.path("kubernetes"), new WorldView(s).comparableWorld().path("kubernetes"), "kubernetes"));
            assertEquals("[]", M.readTree(s.http("GET /api/links/status", null, JSON).body()).path("released").toString(), "no longer unlinking");
        }
    }

    @Test
    void anAppStillOnTheIpMakesTheUntagUnlinkRefuseWithZeroWrites() throws Exception {
        try (Sandbox s = onUntagUnlink(true)) {
            ClusterUnlinkTest.untagCluster(s); // the app keeps its tag and its DNS setting
            int mark = s.calls().size();
            assertEquals(List.of("started"), ClusterUnlinkTest.clusterTagWrite(s));
            s.runUntilIdle();
            DurableDriver.InstanceView run = ClusterUnlinkTest.clusterRun(s);
            assertEquals("Failed", run.status());
            assertEquals("unlink refused, nothing written: cluster clustername1: sitef6141 (" + DemoWorld.SITE_ID + ") still uses 10.0.1.4"
                    + " (kube-system/tether-dns) as DNS server; removing the override would break its names. Fix: unlink that app first"
                    + " (POST /api/links/unlink), then ask for the cluster's unlink again", run.failure());
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, mark), "zero writes");
        }
    }

    @Test
    void aClusterWithoutTethersRecordIsIgnoredWithZeroWrites() throws Exception {
        try (Sandbox s = onUntagUnlink(false)) {
            ClusterUnlinkTest.untagCluster(s);
            int mark = s.calls().size();
            assertEquals(List.of("ignored"), ClusterUnlinkTest.clusterTagWrite(s));
            assertEquals(List.of("GET " + CLUSTER + " 200", "POST " + CLUSTER + "/listClusterUserCredential 200",
                    "GET " + KS + "/configmaps/coredns-custom 200"), calls(s, mark));
            assertTrue(lastLog(s).contains(CLUSTER + " has no private-link tag; kube-system/coredns-custom carries no tether.dev/owns-keys record of Tether's,"
                    + " so there is nothing of Tether's to unlink"), lastLog(s));
            assertEquals(List.of(), s.durable().instances(), "no instance");
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, mark));
        }
    }
}
