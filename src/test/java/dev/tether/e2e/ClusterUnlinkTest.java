package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.CorednsPlan;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Link a cluster and its app, unlink the app, then the cluster (docs/UNLINK.md): the cluster is back as it was but for
 * what is documented as kept, through the cluster's one instance, with the exact calls; refusals write nothing.
 */
class ClusterUnlinkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String CLUSTER = DemoWorld.CLUSTER_ID;
    static final String KS = "/api/v1/namespaces/kube-system";
    static final String RG = "/providers/Microsoft.ResourceGraph/resources";
    static final String COREDNS = "/apis/apps/v1/namespaces/kube-system/deployments/coredns";
    static final List<String> CLUSTER_UNLINK_WRITES = List.of("PATCH " + KS + "/configmaps/coredns-custom", "PATCH " + COREDNS,
            "DELETE " + KS + "/services/tether-dns");

    static void untagCluster(Sandbox s) {
        ObjectNode c = s.arm().resource(CLUSTER).orElseThrow().deepCopy();
        ((ObjectNode) c.get("tags")).remove("private-link");
        s.arm().putResource(c);
    }

    static List<String> calls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList();
    }

    static List<String> writes(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(CallLog.Call::isWrite).map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    static Sandbox.HttpExchange unlink(Sandbox s, String id, boolean force) {
        return s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + id + "\"" + (force ? ",\"force\":true" : "") + "}", JSON);
    }

    static DurableDriver.InstanceView clusterRun(Sandbox s) {
        return s.durable().instances().stream().filter(v -> v.instanceId().startsWith("tether-cluster-")).findFirst().orElseThrow();
    }

    /** Linked, the app untagged and unlinked, the cluster untagged: ready for the cluster's unlink. */
    static Sandbox appUnlinked(ObjectNode world) {
        Sandbox s = UnlinkTest.linked(world);
        UnlinkTest.untag(s, DemoWorld.SITE_ID);
        assertEquals(202, unlink(s, DemoWorld.SITE_ID, false).status());
        s.runUntilIdle();
        s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
        untagCluster(s);
        return s;
    }

    /**
     * The world to compare: the fabric8 mock keeps an emptied {@code metadata.annotations} as {@code {}}, where the API
     * server omits it (ObjectMeta.annotations is {@code json:"annotations,omitempty"}, k8s.io/apimachinery types.go).
     */
    static ObjectNode comparable(ObjectNode world) {
        world.path("kubernetes").forEach(objects -> objects.forEach(o -> {
            if (o.path("metadata") instanceof ObjectNode m && m.path("annotations").isObject() && m.path("annotations").isEmpty()) {
                m.remove("annotations");
            }
        }));
        return world;
    }

    @Test
    void linkThenUnlinkAppThenClusterLeavesTheClusterAsItWasWithTheExactCalls() throws Exception {
        ObjectNode expected = UnlinkTest.pristine(DemoWorld.build());
        try (Sandbox s = appUnlinked(DemoWorld.build())) {
            JsonNode cm = new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
            assertEquals("tether.override", cm.path("metadata").path("annotations").path("tether.dev/owns-keys").asText(),
                    "the link recorded the key as Tether's");
            int mark = s.calls().size();
            Sandbox.HttpExchange e = unlink(s, CLUSTER, false);
            assertEquals(202, e.status(), e.body());
            assertTrue(M.readTree(e.body()).path("statusQueryGetUri").asText().contains("/instances/tether-cluster-clustername1-"), e.body());
            s.runUntilIdle();
            assertEquals(2, s.durable().instances().size(), "the app's instance and the cluster's own");
            DurableDriver.InstanceView run = clusterRun(s);
            assertEquals("Completed", run.status(), run.failure());
            assertEquals(List.of(
                    "GET " + CLUSTER + " 200", // the HTTP trigger: exists, and no longer tagged
                    "GET " + CLUSTER + " 200", "GET " + KS + "/configmaps/coredns-custom 200", "GET " + COREDNS + " 200",
                    "GET " + KS + "/services/tether-dns 200", "POST " + RG + " 200", "POST " + RG + " 200", "GET /api/v1/services 200", // the plan
                    "GET " + KS + "/configmaps/coredns-custom 200", "PATCH " + KS + "/configmaps/coredns-custom 200", // 1. the key alone
                    "GET " + COREDNS + " 200", "PATCH " + COREDNS + " 200", // 2. one restart
                    "GET " + COREDNS + " 200", "GET " + KS + "/pods 200", "GET " + COREDNS + " 200", "GET " + KS + "/pods 200",
                    "GET " + COREDNS + " 200", "GET " + KS + "/pods 200", "GET " + COREDNS + " 200", // its rollout, as a link waits
                    "GET " + KS + "/services/tether-dns 200", "POST " + RG + " 200", "POST " + RG + " 200", // 3. no app on the IP, re-checked
                    "DELETE " + KS + "/services/tether-dns 200",
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/tether-exposure-guard 404", // 4. no guard
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/tether-exposure-guard 404"), calls(s, mark));
            JsonNode out = M.readTree(run.output());
            assertEquals("UNLINKED", out.path("status").asText());
            assertEquals("unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard", out.path("message").asText());
            assertEquals("deleted tether.override; kept 6 other keys", out.path("steps").get(0).path("detail").asText());
            assertEquals("deleted kube-system/tether-dns (10.0.1.4; no app uses it)", out.path("steps").get(3).path("detail").asText());

            // The world before the link, but for the two tags the user removed and the stamp of CoreDNS's last restart
            // (kept, documented: CoreDNS runs without Tether's override).
            expected.path("resources").forEach(r -> {
                if (r.path("id").asText().equals(DemoWorld.SITE_ID) || r.path("id").asText().equals(CLUSTER)) {
                    ((ObjectNode) r.path("tags")).remove("private-link");
                }
            });
            ObjectNode now = comparable(new WorldView(s).comparableWorld());
            JsonNode coredns = new WorldView(s).kube(CLUSTER, "Deployment", "kube-system", "coredns").orElseThrow();
            assertEquals(CorednsPlan.NO_OVERRIDE_HASH, coredns.path("spec").path("template").path("metadata").path("annotations")
                    .path("tether.dev/coredns-override-sha256").asText());
            now.path("kubernetes").forEach(objects -> objects.forEach(o -> {
                if (o.path("kind").asText().equals("Deployment") && o.path("spec").path("template").path("metadata").path("annotations") instanceof ObjectNode a) {
                    a.remove("tether.dev/coredns-override-sha256");
                    if (a.isEmpty()) {
                        ((ObjectNode) o.path("spec").path("template").path("metadata")).remove("annotations");
                    }
                }
            }));
            comparable(expected);
            assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
            assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));
            assertNull(WorldView.firstDifference(expected.path("kubernetes"), now.path("kubernetes"), "kubernetes"));

            // A second unlink observes and writes nothing; the drift timer does not link an untagged cluster again.
            int again = s.calls().size();
            assertEquals(202, unlink(s, CLUSTER, false).status());
            s.runUntilIdle();
            assertEquals("nothing of Tether's DNS is left on cluster clustername1 (the exposure guard is removed if present)",
                    M.readTree(clusterRun(s).output()).path("message").asText());
            s.timer();
            s.runUntilIdle();
            assertEquals(List.of(), writes(s, again), "no write: nothing undone is redone");
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
        }
    }

    @Test
    void anAppStillOnTheDnsIpMakesTheUnlinkRefuseWithZeroWrites() throws Exception {
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            untagCluster(s); // the app keeps its tag and its DNS setting
            int mark = s.calls().size();
            assertEquals(202, unlink(s, CLUSTER, false).status());
            s.runUntilIdle();
            DurableDriver.InstanceView run = clusterRun(s);
            assertEquals("Failed", run.status());
            String refusal = "cluster clustername1: sitef6141 (" + DemoWorld.SITE_ID + ") still uses 10.0.1.4 (kube-system/tether-dns) as DNS server;"
                    + " removing the override would break its names. Fix: unlink that app first (POST /api/links/unlink), then ask for the cluster's unlink again";
            assertEquals("unlink refused, nothing written: " + refusal, run.failure());
            assertEquals(List.of(), writes(s, mark), "zero writes");
            // Force does not override it: force is about ownership, not about breaking an app.
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&force=true&resourceId=" + CLUSTER, null, Map.of("Accept", "text/plain"));
            assertEquals(CLUSTER + "\n  unlink REFUSED: " + refusal + "\n", plan.body());
            assertEquals(List.of(), writes(s, mark), "dry runs write nothing");
        }
    }

    @Test
    void aForeignEditOfTheOverrideMakesTheUnlinkRefuseUnlessForced() throws Exception {
        try (Sandbox s = appUnlinked(DemoWorld.build())) {
            s.kubernetes().adminClient(CLUSTER).configMaps().inNamespace("kube-system").withName("coredns-custom")
                    .edit(cm -> {
                        cm.getData().put("tether.override", "k8s_external elsewhere.internal\n");
                        return cm;
                    });
            int mark = s.calls().size();
            assertEquals(202, unlink(s, CLUSTER, false).status());
            s.runUntilIdle();
            DurableDriver.InstanceView run = clusterRun(s);
            assertEquals("Failed", run.status());
            assertEquals("unlink refused, nothing written: kube-system/coredns-custom key tether.override now holds 'k8s_external elsewhere.internal\\n',"
                    + " not what Tether wrote: someone changed it since the link. Fix: check who changed it, or unlink with force to delete it anyway", run.failure());
            assertEquals(List.of(), writes(s, mark), "zero writes");

            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&force=true&resourceId=" + CLUSTER, null, Map.of("Accept", "text/plain"));
            assertEquals(CLUSTER + "\n  unlink READY: unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard\n"
                    + "  coredns-override  DELETED   delete tether.override ('k8s_external elsewhere.internal\\n') with a merge patch of that key and its"
                    + " ownership annotations (tether.dev/owns-keys, tether.dev/link) alone; every other key kept byte for byte (force: over a value Tether"
                    + " did not write)\n"
                    + "  coredns-restart   UPDATED   restart CoreDNS once to unload the override, then wait for its rollout as a link does\n"
                    + "  dns-service       DELETED   delete kube-system/tether-dns (10.0.1.4): no app uses it as DNS server (re-checked before the delete)\n"
                    + "  exposure-guard    DELETED   remove tether-exposure-guard (policy and binding) where present and labelled as Tether's\n"
                    + "  internal-services UNCHANGED no Service was made internal by Tether\n", plan.body());
            JsonNode json = M.readTree(s.http("GET /api/links/plan?action=unlink&resourceId=" + CLUSTER, null, JSON).body());
            assertEquals("REFUSED", json.path("plans").get(0).path("unlink").path("status").asText(), json.toString());
            assertEquals("cluster-unlink", json.path("plans").get(0).path("kind").asText());
            assertEquals(List.of(), writes(s, mark), "dry runs write nothing");

            assertEquals(202, unlink(s, CLUSTER, true).status());
            s.runUntilIdle();
            assertEquals("Completed", clusterRun(s).status(), clusterRun(s).failure());
            assertEquals(CLUSTER_UNLINK_WRITES, writes(s, mark));
            assertFalse(new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow().path("data").has("tether.override"));
        }
    }

    @Test
    void aStillTaggedClusterIsAnswered409AndAMissingOne404() throws Exception {
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            int mark = s.calls().size();
            Sandbox.HttpExchange tagged = unlink(s, CLUSTER, false);
            assertEquals(409, tagged.status(), tagged.body());
            assertTrue(tagged.body().contains("clustername1 still carries private-link=shop: the tag is the link's intent."
                    + " Fix: remove the tag, then ask for the unlink again"), tagged.body());
            Sandbox.HttpExchange gone = unlink(s, CLUSTER + "gone", false);
            assertEquals(404, gone.status(), gone.body());
            assertEquals(List.of(), writes(s, mark));
            assertEquals(1, s.durable().instances().size(), "no instance started");
        }
    }

    /** A sandbox with TETHER_ON_UNTAG=unlink and a 10-minute grace period, linked through the cluster's own pass. */
    static Sandbox clusterLinkedUnlinkingOnUntag() {
        dev.tether.sandbox.WorldFile world = dev.tether.sandbox.WorldFile.parse(DemoWorld.build(), "on-untag");
        Sandbox.Options d = Sandbox.Options.defaults(world);
        Sandbox s = new Sandbox(world, new Sandbox.Options(d.lbDelay(), dev.tether.config.TetherConfig.fromEnvironment(Map.of(
                "TETHER_SUBSCRIPTIONS", DemoWorld.SUB, "TETHER_ON_UNTAG", "unlink", "TETHER_UNTAG_GRACE", "PT10M"))));
        s.deliverAll(ClusterLinkTest.clusterTagEvent());
        s.runUntilIdle();
        s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
        assertEquals("LINKED", clusterOutput(s).path("status").asText());
        return s;
    }

    static JsonNode clusterOutput(Sandbox s) {
        try {
            return M.readTree(clusterRun(s).output());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> clusterTagWrite(Sandbox s) {
        com.fasterxml.jackson.databind.node.ArrayNode events = M.createArrayNode();
        events.add(dev.tether.sandbox.ReferenceEvents.writeSuccess(CLUSTER + "/providers/Microsoft.Resources/tags/default",
                "Microsoft.Resources/tags/write", "tag-c-" + s.clock().now().toEpochMilli(), s.clock().now()));
        return s.deliverAll(events);
    }

    @Test
    void onUntagUnlinkWaitsForItsAppsThenUnlinksTheCluster() throws Exception {
        try (Sandbox s = clusterLinkedUnlinkingOnUntag()) {
            java.time.Instant untagged = s.clock().now();
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            untagCluster(s);
            int mark = s.calls().size();
            assertEquals(List.of("started"), clusterTagWrite(s));
            assertEquals(List.of("started"), UnlinkTest.tagEvent(s));
            s.runUntilIdle();
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            JsonNode out = clusterOutput(s);
            assertEquals("UNLINKED", out.path("status").asText(), out.toString());
            // Its grace period ended with the app's: the app was still on the IP, so the cluster waited one more period for it.
            java.time.Instant done = clusterRun(s).lastUpdatedAt();
            assertTrue(!done.isBefore(untagged.plus(java.time.Duration.ofMinutes(20))) && done.isBefore(untagged.plus(java.time.Duration.ofMinutes(30))),
                    "after the grace period and one wait for the app: " + done);
            List<String> expected = CrashEverywhereTest.plus(CLUSTER_UNLINK_WRITES, "PUT " + DemoWorld.SITE_ID + "/config/appsettings",
                    "PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames", // the app's unlink removes the slot-setting mark its link added
                    "DELETE " + DemoWorld.SITE_ID + "/networkConfig/virtualNetwork", "DELETE " + CrashEverywhereTest.SUBNET);
            assertEquals(expected, writes(s, mark).stream().sorted().toList());
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
        }
    }

    @Test
    void onUntagUnlinkOfAClusterIsCancelledByAReTagWithinTheGracePeriod() throws Exception {
        try (Sandbox s = clusterLinkedUnlinkingOnUntag()) {
            ObjectNode linkedWorld = new WorldView(s).comparableWorld();
            untagCluster(s);
            int mark = s.calls().size();
            assertEquals(List.of("started"), clusterTagWrite(s));
            s.durable().runUntil(s.clock().now().plus(java.time.Duration.ofMinutes(5)));
            assertTrue(clusterRun(s).customStatus().contains("\"phase\":\"grace\""), clusterRun(s).customStatus());
            ObjectNode c = s.arm().resource(CLUSTER).orElseThrow().deepCopy();
            ((ObjectNode) c.get("tags")).put("private-link", "shop");
            s.arm().putResource(c);
            assertEquals(List.of("signaled"), clusterTagWrite(s));
            s.runUntilIdle();
            assertEquals("LINKED", clusterOutput(s).path("status").asText(), clusterRun(s).output());
            assertEquals(List.of(), writes(s, mark), "nothing undone");
            assertNull(WorldView.firstDifference(linkedWorld.path("kubernetes"), new WorldView(s).comparableWorld().path("kubernetes"), "kubernetes"));
        }
    }

    /** Crash after every history event of the link, the app's unlink and the cluster's: the same world and the same writes every time. */
    @Test
    void crashAfterEveryHistoryEventOfTheClusterUnlink() throws Exception {
        String site = DemoWorld.SITE_ID;
        int events = CrashEverywhereTest.crashEverywhere(new CrashEverywhereTest.Scenario(DemoWorld.build(), s -> {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            UnlinkTest.untag(s, site);
            assertEquals(202, unlink(s, site, false).status());
            s.runUntilIdle();
            untagCluster(s);
            assertEquals(202, unlink(s, CLUSTER, false).status());
            s.runUntilIdle();
        }, CrashEverywhereTest.plus(CrashEverywhereTest.LINK_WRITES, "PUT " + site + "/config/appsettings", "PUT " + site + "/config/slotConfigNames",
                "DELETE " + site + "/networkConfig/virtualNetwork",
                "DELETE " + CrashEverywhereTest.SUBNET, CLUSTER_UNLINK_WRITES.get(0), CLUSTER_UNLINK_WRITES.get(1), CLUSTER_UNLINK_WRITES.get(2)), s -> {
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
            assertFalse(new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow().path("data").has("tether.override"));
        }));
        assertEquals(152, events, "history events of the drive, each one a crash point (measured)");
    }
}
