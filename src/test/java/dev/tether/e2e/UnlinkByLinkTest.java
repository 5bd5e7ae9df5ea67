package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.durable.InstanceIds;
import dev.tether.plan.ResourceId;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code POST /api/links/unlink} with {@code {"link": ...}} (docs/UNLINK.md, "Unlinking a link by name"): the members
 * are found by Tether's ownership records once their tags are gone; each is unlinked in its own instance, the apps
 * first, the cluster waiting for them; 409 while any still carries the tag, 404 when none is found; zero writes then.
 */
class UnlinkByLinkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String CLUSTER = DemoWorld.CLUSTER_ID;
    static final String SITE = DemoWorld.SITE_ID;
    static final String SUB = "/subscriptions/" + DemoWorld.SUB;
    static final String KS = "/api/v1/namespaces/kube-system";
    static final String RG = "/providers/Microsoft.ResourceGraph/resources";
    static final String SITE_INSTANCE = InstanceIds.forSite(ResourceId.parse(SITE));
    static final String CLUSTER_INSTANCE = InstanceIds.forCluster(ResourceId.parse(CLUSTER));
    /** The member lookup once no member is tagged: the tag list, the released query, the app's settings, the clusters and the cluster's record. */
    static final List<String> LOOKUP = List.of("GET " + SUB + "/resources 200", "POST " + RG + " 200", "POST " + SITE + "/config/appsettings/list 200",
            "GET " + SUB + "/providers/Microsoft.ContainerService/managedClusters 200", "GET " + KS + "/configmaps/coredns-custom 200");

    static Sandbox.HttpExchange unlink(Sandbox s, String body) {
        return s.http(UnlinkTest.UNLINK, body, JSON);
    }

    /** Linked through the app's pass, then both untagged. */
    static Sandbox untagged() {
        Sandbox s = UnlinkTest.linked(DemoWorld.build());
        UnlinkTest.untag(s, SITE);
        ClusterUnlinkTest.untagCluster(s);
        return s;
    }

    static String error(String code, String message) {
        return M.createObjectNode().set("error", M.createObjectNode().put("code", code).put("message", message)).toString();
    }

    @Test
    void theLinkRecordsItsNameOnTheClusterInTheOverridesOwnPatch() {
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            JsonNode cm = new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
            assertEquals("{\"tether.dev/owns-keys\":\"tether.override\",\"tether.dev/link\":\"shop\"}", cm.path("metadata").path("annotations").toString());
            assertEquals(1, s.calls().since(0).stream().filter(c -> c.isWrite() && c.path().endsWith("/configmaps/coredns-custom")).count(),
                    "one write of coredns-custom: the key and its record together");
        }
    }

    @Test
    void unlinkByNameUnlinksTheAppThenTheClusterEachInItsOwnInstance() throws Exception {
        ObjectNode expected = UnlinkTest.pristine(DemoWorld.build());
        try (Sandbox s = untagged()) {
            int mark = s.calls().size();
            Sandbox.HttpExchange e = unlink(s, "{\"link\":\"shop\"}");
            assertEquals(202, e.status(), e.body());
            JsonNode instances = M.readTree(e.body()).path("instances");
            assertEquals(List.of(SITE_INSTANCE, CLUSTER_INSTANCE), List.of(instances.get(0).path("id").asText(), instances.get(1).path("id").asText()));
            assertEquals(2, instances.size(), e.body());
            assertEquals("https://tether.azurewebsites.net/runtime/webhooks/durabletask/instances/" + CLUSTER_INSTANCE + "?code=REDACTED",
                    instances.get(1).path("statusQueryGetUri").asText().replaceAll("\\?.*", "?code=REDACTED"));
            assertEquals(LOOKUP, ClusterUnlinkTest.calls(s, mark), "reads only, one each");
            java.time.Instant asked = s.clock().now();
            s.durable().runUntil(asked.plus(java.time.Duration.ofSeconds(30)));
            JsonNode released = M.readTree(s.http("GET /api/links/status", null, JSON).body()).path("released");
            assertEquals("[{\"resourceId\":\"" + CLUSTER + "\",\"kind\":\"cluster\",\"state\":\"unlinking\",\"reason\":\"orchestration "
                    + CLUSTER_INSTANCE + " is unlinking it (waiting-for-apps until " + asked.plus(java.time.Duration.ofMinutes(1)) + ")\"}]", released.toString());
            s.runUntilIdle();
            assertEquals(2, s.durable().instances().size(), "the app's own instance and the cluster's own: no second instance per resource");
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            assertEquals("UNLINKED", ClusterUnlinkTest.clusterOutput(s).path("status").asText());
            List<String> writes = CrashEverywhereTest.plus(ClusterUnlinkTest.CLUSTER_UNLINK_WRITES, "PUT " + SITE + "/config/appsettings",
                    "PUT " + SITE + "/config/slotConfigNames", "DELETE " + SITE + "/networkConfig/virtualNetwork", "DELETE " + CrashEverywhereTest.SUBNET);
            assertEquals(writes, ClusterUnlinkTest.writes(s, mark).stream().sorted().toList());

            // The world before the link, but for the two tags and CoreDNS's restart stamp (as ClusterUnlinkTest).
            expected.path("resources").forEach(r -> {
                if (r.path("id").asText().equals(SITE) || r.path("id").asText().equals(CLUSTER)) {
                    ((ObjectNode) r.path("tags")).remove("private-link");
                }
            });
            ObjectNode now = ClusterUnlinkTest.comparable(new WorldView(s).comparableWorld());
            assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
            assertNull(WorldView.firstDifference(expected.path("appSettings"), now.path("appSettings"), "appSettings"));

            // Nothing of the link is left: 404, reads only.
            int again = s.calls().size();
            Sandbox.HttpExchange gone = unlink(s, "{\"link\":\"shop\"}");
            assertEquals(404, gone.status(), gone.body());
            assertEquals(error("NotFound", "no app or cluster of link shop was found: none carries private-link=shop, no untagged app still joined to a"
                    + " subnet named tether-* has a TETHER_LINK record naming it, and no untagged cluster's kube-system/coredns-custom is annotated"
                    + " tether.dev/link=shop. Fix: check the name (GET /api/links/status lists the links and the released apps), or unlink each resource"
                    + " by its resourceId"), gone.body());
            assertEquals(List.of("GET " + SUB + "/resources 200", "POST " + RG + " 200",
                    "GET " + SUB + "/providers/Microsoft.ContainerService/managedClusters 200", "GET " + KS + "/configmaps/coredns-custom 200"),
                    ClusterUnlinkTest.calls(s, again));
            assertEquals(2, s.durable().instances().size(), "no instance started");
        }
    }

    @Test
    void aMemberStillTaggedIsAnswered409WithZeroWrites() throws Exception {
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            UnlinkTest.untag(s, SITE); // the cluster keeps its tag
            int mark = s.calls().size();
            Sandbox.HttpExchange e = unlink(s, "{\"link\":\"shop\"}");
            assertEquals(409, e.status(), e.body());
            assertEquals(error("STILL_TAGGED", "link shop: clustername1 (" + CLUSTER + ") still carries private-link=shop: the tag is the link's intent."
                    + " Fix: remove the tag from it, then ask for the unlink again"), e.body());
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&link=shop", null, JSON);
            assertEquals(409, plan.status(), plan.body());
            assertEquals(e.body(), plan.body(), "the dry run answers as the request would");
            assertEquals(List.of("GET " + SUB + "/resources 200", "GET " + SUB + "/resources 200"), ClusterUnlinkTest.calls(s, mark), "the tag list only");
            assertEquals(1, s.durable().instances().size(), "no instance started");
        }
    }

    @Test
    void theDryRunByNamePlansTheAppThenTheClusterAfterIt() throws Exception {
        try (Sandbox s = untagged()) {
            int mark = s.calls().size();
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&link=shop", null, Map.of("Accept", "text/plain"));
            assertEquals(200, plan.status(), plan.body());
            assertEquals(SITE + "\n  unlink READY: unlink sitef6141: app-settings, slot-settings, leave-subnet, delete-subnet\n"
                    + "  app-settings  DELETED   remove WEBSITE_DNS_SERVER=10.0.1.4: the app had no DNS server before the link; remove TETHER_LINK;"
                    + " every other setting kept\n"
                    + "  slot-settings DELETED   remove WEBSITE_DNS_SERVER from the site's slot settings, after the DNS setting: Tether marked it at the"
                    + " link and the app's DNS server (none before the link) was unmarked, so this restores the list as it was; every other name,"
                    + " connection string and storage name kept\n"
                    + "  route-all     UNCHANGED route-all is off\n"
                    + "  leave-subnet  DELETED   leave tether-DefaultAsp-148ff230 (regional VNet integration Tether made)\n"
                    + "  delete-subnet DELETED   delete tether-DefaultAsp-148ff230: Tether created it; deleted only if, once the app has left, no other"
                    + " app of its plan, no other plan and no IP configuration uses it (App Service removes its plan's service association link"
                    + " after the app left, with a lag: the step looks again, with durable timers, for up to 5 minutes)\n"
                    + CLUSTER + "\n  unlink REFUSED: cluster clustername1: sitef6141 (" + SITE + ") still uses 10.0.1.4 (kube-system/tether-dns) as DNS"
                    + " server; removing the override would break its names. Fix: unlink that app first (POST /api/links/unlink), then ask for the"
                    + " cluster's unlink again\n"
                    + "  after the apps above: while they still use its DNS IP, its unlink waits for theirs (checked every minute, up to"
                    + " TETHER_DNS_WAIT_TIMEOUT, PT10M)\n", plan.body());
            JsonNode json = M.readTree(s.http("GET /api/links/plan?action=unlink&link=shop", null, JSON).body());
            assertEquals(List.of("site-unlink", "cluster-unlink"), List.of(json.path("plans").get(0).path("kind").asText(),
                    json.path("plans").get(1).path("kind").asText()));
            assertEquals(2, json.path("plans").size());
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, mark), "dry runs write nothing");
        }
    }

    @Test
    void malformedRequestsAre400WithZeroWrites() throws Exception {
        try (Sandbox s = untagged()) {
            int mark = s.calls().size();
            Sandbox.HttpExchange both = unlink(s, "{\"resourceId\":\"" + SITE + "\",\"link\":\"shop\"}");
            assertEquals(400, both.status());
            assertEquals(error("BadRequest", "give exactly one of resourceId or link"), both.body());
            Sandbox.HttpExchange empty = unlink(s, "{\"link\":\"\"}");
            assertEquals(400, empty.status());
            assertEquals(error("BadRequest", "link is empty: give the private-link tag value of the link to unlink (e.g. {\"link\": \"shop\"}),"
                    + " or the resourceId of one app or cluster"), empty.body());
            Sandbox.HttpExchange number = unlink(s, "{\"link\":5}");
            assertEquals(400, number.status());
            assertEquals(error("BadRequest", "link must be a string, the private-link tag value of the link to unlink (e.g. {\"link\": \"shop\"}), not 5"),
                    number.body());
            Sandbox.HttpExchange notALabel = unlink(s, "{\"link\":\"Shop Front\"}");
            assertEquals(400, notALabel.status());
            assertEquals(error("BadRequest", "link 'Shop Front' is not a valid link name (a lowercase DNS label)"), notALabel.body());
            assertEquals(List.of(), ClusterUnlinkTest.calls(s, mark), "refused before any read");
            assertEquals(1, s.durable().instances().size(), "no instance started");
        }
    }

    /** Crash after every history event of the link and of the unlink by name: the same world and the same writes every time. */
    @Test
    void crashAfterEveryHistoryEventOfTheUnlinkByName() throws Exception {
        int events = CrashEverywhereTest.crashEverywhere(new CrashEverywhereTest.Scenario(DemoWorld.build(), s -> {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            UnlinkTest.untag(s, SITE);
            ClusterUnlinkTest.untagCluster(s);
            assertEquals(202, unlink(s, "{\"link\":\"shop\"}").status());
            s.runUntilIdle();
        }, CrashEverywhereTest.plus(CrashEverywhereTest.LINK_WRITES, "PUT " + SITE + "/config/appsettings", "PUT " + SITE + "/config/slotConfigNames",
                "DELETE " + SITE + "/networkConfig/virtualNetwork", "DELETE " + CrashEverywhereTest.SUBNET,
                ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(0), ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(1), ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(2)), s -> {
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
            assertFalse(new WorldView(s).kube(CLUSTER, "ConfigMap", "kube-system", "coredns-custom").orElseThrow().path("data").has("tether.override"));
        }));
        assertEquals(160, events, "history events of the drive, each one a crash point (measured)");
    }
}
