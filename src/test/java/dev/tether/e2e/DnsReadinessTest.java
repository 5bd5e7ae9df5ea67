package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.config.TetherConfig;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.dns.ClusterDns;
import dev.tether.sandbox.dns.K8sExternal;
import dev.tether.sandbox.durable.DurableDriver;
import dev.tether.sandbox.kubernetes.ControllerFaults;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The app is switched to the cluster DNS only once it answers: tether-dns has a pinned IP, its EndpointSlices list
 * ready endpoints for 53/UDP and 53/TCP, CoreDNS finished rolling out the restart Tether made, and the linked names map.
 * A rollout that crash-loops, stalls or passes its progress deadline, and an IP that never comes, fail the link before
 * anything of the app is changed, say what was not ready and how to recover, and do not restart CoreDNS again.
 */
class DnsReadinessTest {
    static final String SVC_LIST = "GET /api/v1/services?limit=500";
    static final String SLICES = "GET /apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dtether-dns";
    static final String DEPLOYMENT = "GET /apis/apps/v1/namespaces/kube-system/deployments/coredns";
    static final String PODS = "GET /api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns";
    static final String SHOP_SOA = "shop.internal. 5 IN SOA ns1.dns.shop.internal. hostmaster.shop.internal. 12345 7200 1800 86400 5";

    static Sandbox sandbox(Map<String, String> settings, Duration lbDelay) {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        java.util.Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("TETHER_SUBSCRIPTIONS", DemoWorld.SUB);
        return new Sandbox(world, new Sandbox.Options(lbDelay, TetherConfig.fromEnvironment(env)));
    }

    static List<String> kube(List<CallLog.Call> calls) {
        return calls.stream().filter(c -> c.target().equals("kubernetes")).map(c -> c.method() + " " + c.path()).toList();
    }

    static List<String> writes(Sandbox s) {
        return s.calls().writes().stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "").replaceAll(".*/providers/", ".../")).toList();
    }

    @Test
    void theAppIsSwitchedOnlyAfterEveryCheckHoldsAndItsDnsThenAnswersTheZone() {
        try (Sandbox s = sandbox(Map.of(), Duration.ofSeconds(30))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            // Check 1 (t=0): no IP, rollout not observed yet. 2 (15 s): rolling out. 3 (30 s): IP assigned and pinned,
            // new pod not ready. 4 (45 s): all hold. The pods are listed only while the rollout is unfinished.
            List<String> k = kube(s.calls().calls());
            int first = k.indexOf(SVC_LIST);
            assertEquals(List.of(SVC_LIST, SLICES, DEPLOYMENT, PODS, SVC_LIST, SLICES, DEPLOYMENT, PODS,
                    SVC_LIST, "PATCH /api/v1/namespaces/kube-system/services/tether-dns", SLICES, DEPLOYMENT, PODS,
                    SVC_LIST, SLICES, DEPLOYMENT), k.subList(first, k.size()));
            assertEquals(List.of("POST /api/v1/namespaces/kube-system/services", "PATCH /api/v1/namespaces/kube-system/configmaps/coredns-custom",
                    "PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns", "PATCH /api/v1/namespaces/kube-system/services/tether-dns",
                    ".../Microsoft.Network/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-148ff230", ".../Microsoft.Web/sites/sitef6141",
                    ".../Microsoft.Web/sites/sitef6141/config/slotConfigNames", ".../Microsoft.Web/sites/sitef6141/config/appsettings"),
                    writes(s).stream().map(w -> w.startsWith("PUT .../") || w.startsWith("PATCH .../") ? w.substring(w.indexOf(' ') + 1) : w).toList(),
                    "the cluster DNS is ready before the app is touched; the DNS setting is the last write");
            JsonNode out = new WorldView(s).result().path("orchestrations").get(0).path("output");
            assertEquals("tether-dns 10.0.1.4 (now pinned) answers: 4 checks hold after 45s, 4 check(s); no linked internal Service yet",
                    step(out, "dns-ready").path("detail").asText());
            // The app's DNS server now answers the zone from the configuration the new CoreDNS pods loaded.
            ClusterDns.Result r = ClusterDns.query(s.kubernetes(), DemoWorld.CLUSTER_ID, "10.0.1.4", "web.shop.shop.internal", "A");
            assertEquals(2, r.answers().size(), "both CoreDNS pods answer");
            assertEquals(new K8sExternal.Answer(K8sExternal.Rcode.NXDOMAIN, List.of(), List.of(SHOP_SOA), List.of()), r.answer());
        }
    }

    /** The app's link instance (a drift scan may run beside it). */
    static DurableDriver.InstanceView site(Sandbox s) {
        return s.durable().instances().stream().filter(v -> v.name().equals("LinkSite")).findFirst().orElseThrow();
    }

    static JsonNode step(JsonNode output, String name) {
        for (JsonNode st : output.path("steps")) {
            if (st.path("step").asText().equals(name)) {
                return st;
            }
        }
        throw new AssertionError("no step " + name + " in " + output);
    }

    /** Writes of a failed link: the cluster DNS objects only; nothing of the app (no subnet, no join, no settings). */
    static void assertNoAppWrite(Sandbox s) {
        assertTrue(s.calls().writes().stream().noneMatch(c -> c.target().equals("arm")), "no ARM write at all: " + writes(s));
        assertFalse(new WorldView(s).appSettings(DemoWorld.SITE_ID).has("WEBSITE_DNS_SERVER"));
    }

    @Test
    void aCrashLoopingCorednsFailsTheLinkAtOnceWithTheRecoveryAndIsNotRestartedAgain() {
        try (Sandbox s = sandbox(Map.of(), Duration.ofSeconds(30))) {
            s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.CRASH_LOOP);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = site(s);
            assertEquals("Failed", v.status());
            String pod = s.kubernetes().list(DemoWorld.CLUSTER_ID, "Pod").stream().map(p -> p.path("metadata").path("name").asText())
                    .filter(n -> n.endsWith("-a0")).sorted().findFirst().orElseThrow();
            assertTrue(v.failure().startsWith("dns-ready: CoreDNS did not roll out: Waiting for deployment \"coredns\" rollout to finish:"
                    + " 1 out of 2 new replicas have been updated (pod "), v.failure());
            assertTrue(v.failure().contains(": CrashLoopBackOff (3 restarts)). The app keeps its DNS server; nothing else was changed,"
                    + " and Tether will not restart CoreDNS for this override again. Recover: fix key tether.override (or the other *.override"
                    + " / *.server keys) of kube-system/coredns-custom (kubectl -n kube-system logs -l k8s-app=kube-dns shows the error), run"
                    + " kubectl -n kube-system rollout undo deployment coredns, remove the annotation tether.dev/coredns-rollout-failed from"
                    + " deployment coredns, then rerun the link"), v.failure());
            assertNotNull(pod);
            assertEquals(30, Duration.between(Sandbox.EPOCH, s.clock().now()).toSeconds(),
                    "detected at the third check (the pod was created at the second), not after the whole wait");
            assertNoAppWrite(s);
            assertEquals("PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns", writes(s).get(writes(s).size() - 1),
                    "the marker on the Deployment (not its template: nothing rolls)");
            JsonNode marker = s.kubernetes().get(DemoWorld.CLUSTER_ID, "Deployment", "kube-system", "coredns").orElseThrow()
                    .path("metadata").path("annotations").path("tether.dev/coredns-rollout-failed");
            assertEquals(dev.tether.plan.CorednsPlan.hash(dev.tether.plan.CorednsPlan.overrideFor("shop.internal")), marker.asText());

            // A rerun (or a drift repair) finds the same failed rollout: same failure, zero writes.
            String first = v.failure();
            int mark = s.calls().size();
            assertEquals(202, s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            assertEquals(first, site(s).failure());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());

            // The drift timer does not restart CoreDNS into the same crash either (its repairs write nothing).
            mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());

            // The operator rolls back but fixes nothing: Tether does not restart CoreDNS into the same crash again.
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).apps().deployments().inNamespace("kube-system").withName("coredns")
                    .edit(d -> {
                        d.getSpec().getTemplate().getMetadata().setAnnotations(null);
                        return d;
                    });
            s.settle();
            mark = s.calls().size();
            assertEquals(202, s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            assertEquals("coredns-restart: CoreDNS failed to roll out with this override before (annotation tether.dev/coredns-rollout-failed on"
                    + " deployment kube-system/coredns); Tether will not restart it again. Fix: correct the keys of kube-system/coredns-custom, then"
                    + " kubectl -n kube-system annotate deployment coredns tether.dev/coredns-rollout-failed- and rerun the link",
                    site(s).failure());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());

            // Fixed (the crash cause is gone) and the marker removed: the rerun restarts CoreDNS once and links.
            s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.NONE);
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).apps().deployments().inNamespace("kube-system").withName("coredns")
                    .edit(d -> {
                        d.getMetadata().getAnnotations().remove("tether.dev/coredns-rollout-failed");
                        return d;
                    });
            assertEquals(202, s.http("POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            assertEquals("Completed", site(s).status(), site(s).failure());
            assertEquals("10.0.1.4", new WorldView(s).appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText());
        }
    }

    @Test
    void aRolloutThatNeverFinishesTimesOutWithWhatWasNotReady() {
        try (Sandbox s = sandbox(Map.of(), Duration.ofSeconds(30))) {
            s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.STUCK);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertEquals("dns-ready: the cluster DNS was not ready within 600s (coredns-rollout: Waiting for deployment \"coredns\" rollout to finish: 1 out of 2 new replicas have been updated)."
                    .replace("(endpoints: EndpointSlices of tether-dns: 2 ready endpoint(s) for 53/UDP, 2 for 53/TCP; ", "(")
                    + " The app keeps its DNS server; nothing else was changed. Fix: fix key tether.override (or the other *.override / *.server keys)"
                    + " of kube-system/coredns-custom (kubectl -n kube-system logs -l k8s-app=kube-dns shows the error), run kubectl -n kube-system rollout undo"
                    + " deployment coredns, remove the annotation tether.dev/coredns-rollout-failed from deployment coredns, then rerun the link", v.failure());
            assertTrue(v.customStatus().contains("\"step\":\"waiting-for-dns\""), v.customStatus());
            assertTrue(v.customStatus().contains("\"coredns-rollout\":\"waiting: Waiting for deployment \\\"coredns\\\" rollout to finish"), v.customStatus());
            assertTrue(v.customStatus().contains("\"dns-ip\":\"ok: kube-system/tether-dns has IP 10.0.1.4 (pinned)\""), v.customStatus());
            assertEquals(600, Duration.between(Sandbox.EPOCH, s.clock().now()).toSeconds(), "bounded by TETHER_DNS_WAIT_TIMEOUT");
            assertNoAppWrite(s);
            // Until the rollout finished, the tether-dns IP answers from the old configuration: the zone is unknown there.
            assertEquals(K8sExternal.Rcode.NOT_IN_ZONE, ClusterDns.query(s.kubernetes(), DemoWorld.CLUSTER_ID, "10.0.1.4", "web.shop.shop.internal", "A")
                    .answer().rcode());
        }
    }

    @Test
    void aRolloutPastItsProgressDeadlineFailsWithKubectlsVerdict() {
        try (Sandbox s = sandbox(Map.of("TETHER_DNS_WAIT_TIMEOUT", "PT20M"), Duration.ofSeconds(30))) {
            s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.STUCK);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertTrue(v.failure().startsWith("dns-ready: CoreDNS did not roll out: deployment \"coredns\" exceeded its progress deadline."), v.failure());
            assertEquals(615, Duration.between(Sandbox.EPOCH, s.clock().now()).toSeconds(), "the rollout began at the 15 s check; deadline 600 s");
            assertNoAppWrite(s);
        }
    }

    @Test
    void anIpThatNeverArrivesFailsClearlyWithoutTouchingTheApp() {
        try (Sandbox s = sandbox(Map.of(), Duration.ofHours(2))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertEquals("dns-ready: the cluster DNS was not ready within 600s (dns-ip: the load balancer IP is still pending). The app keeps its DNS"
                    + " server; nothing else was changed. Fix: check the cluster identity has Network Contributor on the node subnet and the Service's"
                    + " events (kubectl -n kube-system describe service tether-dns), then rerun the link", v.failure());
            assertEquals(600, Duration.between(Sandbox.EPOCH, s.clock().now()).toSeconds());
            assertNoAppWrite(s);
        }
    }

    @Test
    void aCrashDuringTheWaitReplaysToTheSameFailureWithNoExtraWrite() {
        List<String> expected;
        String failure;
        int events;
        try (Sandbox s = sandbox(Map.of(), Duration.ofSeconds(30))) {
            s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.CRASH_LOOP);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            expected = writes(s);
            failure = s.durable().instances().get(0).failure();
            events = s.durable().totalHistoryEvents();
        }
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        TetherConfig config = TetherConfig.fromEnvironment(Map.of("TETHER_SUBSCRIPTIONS", DemoWorld.SUB));
        for (int n = 1; n <= events; n++) {
            try (Sandbox s = new Sandbox(world, new Sandbox.Options(Duration.ofSeconds(30), config, n))) {
                s.kubernetes().controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.CRASH_LOOP);
                s.deliverAll(DemoWorld.events());
                s.runUntilIdle();
                assertEquals(1, s.durable().crashes(), "crash after event " + n);
                assertEquals(failure, s.durable().instances().get(0).failure(), "crash after event " + n);
                assertEquals(expected, writes(s), "crash after event " + n);
            }
        }
    }
}
