package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A cluster unlink with {@code restoreServices}: only on that explicit request, each Service carrying Tether's
 * {@code tether.dev/prior-type} goes back to its recorded type with one merge patch, last, after the exposure guard is
 * removed; without it the Services stay internal and the plan says how to restore them (docs/UNLINK.md).
 */
class ClusterUnlinkServicesTest {
    static final String CLUSTER = DemoWorld.CLUSTER_ID;
    static final String KS = ClusterUnlinkTest.KS;
    static final String RG = ClusterUnlinkTest.RG;
    static final String COREDNS = ClusterUnlinkTest.COREDNS;
    static final String API = "/api/v1/namespaces/shop/services/api";

    static ObjectNode world() {
        return ServicesTest.world(null, ServicesTest.service("shop", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null));
    }

    /** Linked by the cluster's tag event (its pass makes shop/api internal), the app unlinked, the cluster untagged. */
    static Sandbox appUnlinked() {
        Sandbox s = new Sandbox(dev.tether.sandbox.WorldFile.parse(world(), "restore"));
        link(s);
        UnlinkTest.untag(s, DemoWorld.SITE_ID);
        assertEquals(202, ClusterUnlinkTest.unlink(s, DemoWorld.SITE_ID, false).status());
        s.runUntilIdle();
        s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
        ClusterUnlinkTest.untagCluster(s);
        return s;
    }

    static void link(Sandbox s) {
        s.deliverAll(ClusterLinkTest.clusterTagEvent());
        s.runUntilIdle();
    }

    static Sandbox.HttpExchange unlinkRestoring(Sandbox s, boolean force) {
        return s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + CLUSTER + "\",\"restoreServices\":true" + (force ? ",\"force\":true" : "") + "}",
                UnlinkTest.JSON);
    }

    static JsonNode api(Sandbox s) {
        return new WorldView(s).kube(CLUSTER, "Service", "shop", "api").orElseThrow();
    }

    /** The world as after the link, but for what the documented cluster unlink keeps (the two tags, CoreDNS's restart stamp). */
    static void dropKept(ObjectNode expected, ObjectNode now) {
        expected.path("resources").forEach(r -> {
            if (r.path("id").asText().equals(DemoWorld.SITE_ID) || r.path("id").asText().equals(CLUSTER)) {
                ((ObjectNode) r.path("tags")).remove("private-link");
            }
        });
        now.path("kubernetes").forEach(objects -> objects.forEach(o -> {
            if (o.path("kind").asText().equals("Deployment") && o.path("spec").path("template").path("metadata").path("annotations") instanceof ObjectNode a) {
                a.remove("tether.dev/coredns-override-sha256");
                if (a.isEmpty()) {
                    ((ObjectNode) o.path("spec").path("template").path("metadata")).remove("annotations");
                }
            }
        }));
        ClusterUnlinkTest.comparable(expected);
        ClusterUnlinkTest.comparable(now);
        // As for annotations (ClusterUnlinkTest.comparable): the mock keeps emptied labels as {}, the API server omits them
        // (ObjectMeta.labels is json:"labels,omitempty").
        List.of(expected, now).forEach(w -> w.path("kubernetes").forEach(objects -> objects.forEach(o -> {
            if (o.path("metadata") instanceof ObjectNode m && m.path("labels").isObject() && m.path("labels").isEmpty()) {
                m.remove("labels");
            }
            // A Service that is no longer a load balancer answers status {"loadBalancer":{}}, as the API server answers it for
            // every Service (ServiceStatus.loadBalancer is a struct: omitempty never drops it); the world file leaves it out.
            if (o instanceof ObjectNode n && n.path("kind").asText().equals("Service") && n.path("status").equals(
                    UnlinkTest.M.createObjectNode().set("loadBalancer", UnlinkTest.M.createObjectNode()))) {
                n.remove("status");
            }
        })));
    }

    @Test
    void restoreServicesSetsTheServiceBackWithOnePatchAndTheWorldIsAsBeforeTheLink() throws Exception {
        ObjectNode expected = UnlinkTest.pristine(world());
        try (Sandbox s = appUnlinked()) {
            assertEquals("ClusterIP", api(s).path("metadata").path("annotations").path("tether.dev/prior-type").asText(), "the link's record");

            // Without the option, the dry run keeps the Service internal and says how to restore it.
            Sandbox.HttpExchange keep = s.http("GET /api/links/plan?action=unlink&resourceId=" + CLUSTER, null, UnlinkTest.JSON);
            JsonNode keptChange = UnlinkTest.M.readTree(keep.body()).path("plans").get(0).path("unlink").path("changes").get(4);
            assertEquals("internal-services UNCHANGED kept internal: shop/api. Making a Service public again is an exposure decision, not cleanup: ask"
                    + " for the cluster's unlink with \"restoreServices\": true to set it back to the type annotation tether.dev/prior-type names, or set"
                    + " it back by hand", keptChange.path("step").asText() + " " + keptChange.path("action").asText() + " " + keptChange.path("reason").asText());

            int mark = s.calls().size();
            Sandbox.HttpExchange table = s.http("GET /api/links/plan?action=unlink&restoreServices=true&resourceId=" + CLUSTER, null,
                    Map.of("Accept", "text/plain"));
            assertEquals(200, table.status(), table.body());
            assertEquals(CLUSTER + "\n  unlink READY: unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard, restore-service\n"
                    + "  coredns-override  DELETED   delete tether.override ('k8s_external shop.internal\\n') with a merge patch of that key and its"
                    + " ownership annotations (tether.dev/owns-keys, tether.dev/link) alone; every other key kept byte for byte\n"
                    + "  coredns-restart   UPDATED   restart CoreDNS once to unload the override, then wait for its rollout as a link does\n"
                    + "  dns-service       DELETED   delete kube-system/tether-dns (10.0.1.4): no app uses it as DNS server (re-checked before the delete)\n"
                    + "  exposure-guard    DELETED   remove tether-exposure-guard (policy and binding) where present and labelled as Tether's\n"
                    + "  restore-service   UPDATED   restore shop/api: ClusterIP again (not reachable from the VNet; its load balancer IP goes); remove"
                    + " service.beta.kubernetes.io/azure-load-balancer-internal, tether.dev/prior-type and app.kubernetes.io/managed-by=tether; every other"
                    + " field kept; after the exposure guard is removed, which would refuse a public LoadBalancer\n", table.body());
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, mark), "dry runs write nothing");

            mark = s.calls().size();
            assertEquals(202, unlinkRestoring(s, false).status());
            s.runUntilIdle();
            DurableDriver.InstanceView run = ClusterUnlinkTest.clusterRun(s);
            assertEquals("Completed", run.status(), run.failure());
            assertEquals(List.of(
                    "GET " + CLUSTER + " 200", // the HTTP trigger
                    "GET " + CLUSTER + " 200", "GET " + KS + "/configmaps/coredns-custom 200", "GET " + COREDNS + " 200",
                    "GET " + KS + "/services/tether-dns 200", "POST " + RG + " 200", "POST " + RG + " 200", "GET /api/v1/services 200", // the plan
                    "GET " + KS + "/configmaps/coredns-custom 200", "PATCH " + KS + "/configmaps/coredns-custom 200", // 1.
                    "GET " + COREDNS + " 200", "PATCH " + COREDNS + " 200", // 2.
                    "GET " + COREDNS + " 200", "GET " + KS + "/pods 200", "GET " + COREDNS + " 200", "GET " + KS + "/pods 200",
                    "GET " + COREDNS + " 200", "GET " + KS + "/pods 200", "GET " + COREDNS + " 200",
                    "GET " + KS + "/services/tether-dns 200", "POST " + RG + " 200", "POST " + RG + " 200", "DELETE " + KS + "/services/tether-dns 200", // 3.
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/tether-exposure-guard 404", // 4.
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/tether-exposure-guard 404",
                    "GET " + API + " 200", "PATCH " + API + " 200"), // 5. re-read, one merge patch
                    ClusterUnlinkTest.calls(s, mark));
            JsonNode out = UnlinkTest.M.readTree(run.output());
            assertEquals("unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard, restore-service",
                    out.path("message").asText());
            JsonNode last = out.path("steps").get(out.path("steps").size() - 1);
            assertEquals("restore-service UPDATED restored shop/api: ClusterIP again (not reachable from the VNet; its load balancer IP goes); remove"
                    + " service.beta.kubernetes.io/azure-load-balancer-internal, tether.dev/prior-type and app.kubernetes.io/managed-by=tether; every other"
                    + " field kept", last.path("step").asText() + " " + last.path("outcome").asText() + " " + last.path("detail").asText());

            ObjectNode now = new WorldView(s).comparableWorld();
            dropKept(expected, now);
            assertNull(WorldView.firstDifference(expected.path("resources"), now.path("resources"), "resources"));
            assertNull(WorldView.firstDifference(expected.path("kubernetes"), now.path("kubernetes"), "kubernetes"));

            // A second unlink with the option finds nothing of Tether's and writes nothing.
            int again = s.calls().size();
            assertEquals(202, unlinkRestoring(s, false).status());
            s.runUntilIdle();
            assertEquals(List.of(), ClusterUnlinkTest.writes(s, again));
        }
    }

    @Test
    void aServiceChangedSinceTheLinkIsKeptAndReportedUnlessForced() throws Exception {
        try (Sandbox s = appUnlinked()) {
            // Someone (a Helm release) takes the Service over since the link: its managed-by label is no longer Tether's.
            s.kubernetes().adminClient(CLUSTER).services().inNamespace("shop").withName("api").edit(svc -> {
                svc.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "Helm");
                return svc;
            });
            int mark = s.calls().size();
            assertEquals(202, unlinkRestoring(s, false).status());
            s.runUntilIdle();
            DurableDriver.InstanceView run = ClusterUnlinkTest.clusterRun(s);
            assertEquals("Completed", run.status(), run.failure());
            assertEquals(ClusterUnlinkTest.CLUSTER_UNLINK_WRITES, ClusterUnlinkTest.writes(s, mark), "the DNS undo, and no write to the changed Service");
            assertEquals("unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard; kept internal, refused: shop/api"
                    + " (shop/api is no longer as Tether left it (type LoadBalancer, service.beta.kubernetes.io/azure-load-balancer-internal='true',"
                    + " app.kubernetes.io/managed-by='Helm'): someone changed it since. Fix: set it as you want it by hand, or ask again with force to"
                    + " restore type ClusterIP)", UnlinkTest.M.readTree(run.output()).path("message").asText());
            assertEquals("ClusterIP", api(s).path("metadata").path("annotations").path("tether.dev/prior-type").asText(), "the record stays");

            // With force, the recorded type comes back over the change, in one patch.
            int forced = s.calls().size();
            assertEquals(202, unlinkRestoring(s, true).status());
            s.runUntilIdle();
            assertEquals(List.of("PATCH " + API), ClusterUnlinkTest.writes(s, forced));
            JsonNode api = api(s);
            assertEquals("ClusterIP", api.path("spec").path("type").asText());
            assertEquals(UnlinkTest.M.readTree("{\"tether.dev/private\":\"true\"}"), api.path("metadata").path("annotations"));
            assertEquals("Helm", api.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText(), "a label not Tether's is kept, force or not");
        }
    }

    /**
     * The guard on, a once-public LoadBalancer made internal: the restore comes after step 4 removed Tether's guard, so
     * the API server does not refuse the Service going public again (before it, the guard would: ExposureGuardTest).
     */
    @Test
    void aOncePublicServiceIsRestoredAfterTheGuardIsRemovedNeverRefusedHalfway() throws Exception {
        ObjectNode w = ServicesTest.world(null, ServicesTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "20.1.2.3"));
        w.path("resources").forEach(r -> {
            if (r.path("id").asText().equals(CLUSTER)) {
                ((ObjectNode) r.get("tags")).put("private-link-guard", "true");
            }
        });
        try (Sandbox s = new Sandbox(dev.tether.sandbox.WorldFile.parse(w, "guard-restore"))) {
            link(s);
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            String web = "/api/v1/namespaces/shop/services/web";
            JsonNode before = new WorldView(s).kube(CLUSTER, "Service", "shop", "web").orElseThrow();
            assertEquals("LoadBalancer", before.path("metadata").path("annotations").path("tether.dev/prior-type").asText());
            assertEquals(1, s.kubernetes().list(CLUSTER, "ValidatingAdmissionPolicy").size(), "the guard is on");
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            assertEquals(202, ClusterUnlinkTest.unlink(s, DemoWorld.SITE_ID, false).status());
            s.runUntilIdle();
            ClusterUnlinkTest.untagCluster(s);

            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&restoreServices=true&resourceId=" + CLUSTER, null, UnlinkTest.JSON);
            JsonNode changes = UnlinkTest.M.readTree(plan.body()).path("plans").get(0).path("unlink").path("changes");
            assertEquals("restore shop/web: a public LoadBalancer again (a public IP is assigned: the Service is reachable from the internet); remove"
                    + " service.beta.kubernetes.io/azure-load-balancer-internal, tether.dev/prior-type and app.kubernetes.io/managed-by=tether; every other"
                    + " field kept; after the exposure guard is removed, which would refuse a public LoadBalancer", changes.get(changes.size() - 1).path("reason").asText());

            int mark = s.calls().size();
            assertEquals(202, unlinkRestoring(s, false).status());
            s.runUntilIdle();
            DurableDriver.InstanceView run = ClusterUnlinkTest.clusterRun(s);
            assertEquals("Completed", run.status(), run.failure());
            // The DNS undo, the guard removed (binding, then policy), then the Service's one patch: nothing refused halfway.
            assertEquals(List.of(ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(0), ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(1),
                    ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(2),
                    "DELETE /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/tether-exposure-guard",
                    "DELETE /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/tether-exposure-guard", "PATCH " + web),
                    ClusterUnlinkTest.writes(s, mark));
            assertEquals("unlink cluster clustername1: coredns-override, coredns-restart, dns-service, exposure-guard, restore-service",
                    UnlinkTest.M.readTree(run.output()).path("message").asText());
            JsonNode after = new WorldView(s).kube(CLUSTER, "Service", "shop", "web").orElseThrow();
            assertEquals("LoadBalancer", after.path("spec").path("type").asText());
            assertEquals(UnlinkTest.M.readTree("{\"tether.dev/private\":\"true\"}"), after.path("metadata").path("annotations"));
            assertEquals(0, s.kubernetes().list(CLUSTER, "ValidatingAdmissionPolicy").size(), "the guard is gone");
        }
    }

    /** Crash after every history event of the link, the app's unlink and the cluster's with restoreServices: the same world and writes. */
    @Test
    void crashAfterEveryHistoryEventOfAClusterUnlinkRestoringServices() throws Exception {
        String site = DemoWorld.SITE_ID;
        int events = CrashEverywhereTest.crashEverywhere(new CrashEverywhereTest.Scenario(world(), s -> {
            link(s);
            UnlinkTest.untag(s, site);
            assertEquals(202, ClusterUnlinkTest.unlink(s, site, false).status());
            s.runUntilIdle();
            ClusterUnlinkTest.untagCluster(s);
            assertEquals(202, unlinkRestoring(s, false).status());
            s.runUntilIdle();
        }, CrashEverywhereTest.plus(CrashEverywhereTest.LINK_WRITES, "PATCH " + API, "PUT " + site + "/config/appsettings",
                "PUT " + site + "/config/slotConfigNames", "DELETE " + site + "/networkConfig/virtualNetwork", "DELETE " + CrashEverywhereTest.SUBNET,
                ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(0), ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(1), ClusterUnlinkTest.CLUSTER_UNLINK_WRITES.get(2),
                "PATCH " + API), s -> {
            JsonNode api = api(s);
            assertEquals("ClusterIP", api.path("spec").path("type").asText());
            assertFalse(api.path("metadata").path("annotations").has("tether.dev/prior-type"));
        }));
        assertEquals(220, events, "history events of the drive, each one a crash point (measured)");
    }

    /**
     * {@code {"link": ..., "restoreServices": true}}: the option rides on the link's cluster (its app's unlink ignores it),
     * the dry run by name plans the app and then the cluster, and the run sets shop/api back with the DNS gone.
     */
    @Test
    void restoreServicesByLinkNameAppliesToTheLinksCluster() {
        try (Sandbox s = new Sandbox(dev.tether.sandbox.WorldFile.parse(world(), "restore-by-name"))) {
            link(s);
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            ClusterUnlinkTest.untagCluster(s);
            Sandbox.HttpExchange plan = s.http("GET /api/links/plan?action=unlink&restoreServices=true&link=shop", null, UnlinkTest.JSON);
            assertEquals(200, plan.status(), plan.body());
            JsonNode plans = UnlinkTest.M.readTree(plan.body()).path("plans");
            assertEquals(List.of("site-unlink", "cluster-unlink"), List.of(plans.get(0).path("kind").asText(), plans.get(1).path("kind").asText()));
            // Planned now, the cluster's unlink is refused while the app still uses its DNS IP; the run waits for the app's.
            assertEquals("REFUSED", plans.get(1).path("unlink").path("status").asText(), plans.toString());
            assertTrue(plans.get(1).path("after").asText().startsWith("the apps above"), plans.toString());

            Sandbox.HttpExchange started = UnlinkByLinkTest.unlink(s, "{\"link\":\"shop\",\"restoreServices\":true}");
            assertEquals(202, started.status(), started.body());
            s.runUntilIdle();
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            JsonNode api = api(s);
            assertEquals("ClusterIP", api.path("spec").path("type").asText());
            assertFalse(api.path("metadata").path("annotations").has("tether.dev/prior-type"));
            assertTrue(new WorldView(s).kube(CLUSTER, "Service", "kube-system", "tether-dns").isEmpty());
            assertFalse(new WorldView(s).appSettings(DemoWorld.SITE_ID).has("WEBSITE_DNS_SERVER"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
