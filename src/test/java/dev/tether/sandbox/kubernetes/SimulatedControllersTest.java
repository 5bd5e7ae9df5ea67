package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.VirtualClock;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The Deployment, EndpointSlice and load-balancer controllers on the virtual clock, with their injectable faults. */
class SimulatedControllersTest {
    static final String CLUSTER = KubernetesSandboxTest.CLUSTER;
    static final Instant T0 = KubernetesSandboxTest.T0;

    VirtualClock clock;
    KubernetesSandbox sandbox;
    ApiClient client;
    AppsV1Api apps;
    CoreV1Api core;

    @BeforeEach
    void start() throws Exception {
        clock = new VirtualClock(T0);
        sandbox = new KubernetesSandbox(new CallLog(), clock, Duration.ofSeconds(30));
        sandbox.addCluster(CLUSTER, "10.1.0.0/24", "10.0.0.10", List.of());
        client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)))).build();
        apps = new AppsV1Api(client);
        core = new CoreV1Api(client);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    JsonNode coredns() {
        return sandbox.get(CLUSTER, "Deployment", "kube-system", "coredns").orElseThrow();
    }

    void restart(String at) throws Exception {
        String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"" + at + "\"}}}}}";
        PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("coredns", "kube-system", new V1Patch(patch)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }

    /** kubectl rollout status's verdict, in its own words (kubernetes/kubectl rollout_status.go). */
    static String rolloutStatus(JsonNode d) {
        JsonNode st = d.path("status");
        if (d.path("metadata").path("generation").asLong() > st.path("observedGeneration").asLong()) {
            return "Waiting for deployment spec update to be observed...";
        }
        for (JsonNode c : st.path("conditions")) {
            if ("Progressing".equals(c.path("type").asText()) && "ProgressDeadlineExceeded".equals(c.path("reason").asText())) {
                return "deployment \"coredns\" exceeded its progress deadline";
            }
        }
        int want = d.path("spec").path("replicas").asInt(1);
        if (st.path("updatedReplicas").asInt() < want) {
            return "Waiting: " + st.path("updatedReplicas").asInt() + " out of " + want + " new replicas have been updated...";
        }
        if (st.path("replicas").asInt() > st.path("updatedReplicas").asInt()) {
            return "Waiting: " + (st.path("replicas").asInt() - st.path("updatedReplicas").asInt()) + " old replicas are pending termination...";
        }
        if (st.path("availableReplicas").asInt() < st.path("updatedReplicas").asInt()) {
            return "Waiting: available < updated";
        }
        return "successfully rolled out";
    }

    List<ObjectNode> pods() {
        return sandbox.list(CLUSTER, "Pod");
    }

    @Test
    void aSeededDeploymentRunsItsReplicasAndARestartRollsOutAfterTheDelay() throws Exception {
        assertEquals("successfully rolled out", rolloutStatus(coredns()));
        assertEquals(2, pods().size());
        assertTrue(pods().stream().allMatch(SimulatedEndpointSliceController::ready));
        assertEquals(Optional.empty(), sandbox.nextWakeup(), "nothing pending in a fresh cluster");

        restart("2026-01-01T00:00:00Z");
        assertEquals("Waiting for deployment spec update to be observed...", rolloutStatus(coredns()), "the controller has not run yet");
        assertEquals(Optional.of(T0), sandbox.nextWakeup());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("Waiting: 1 out of 2 new replicas have been updated...", rolloutStatus(coredns()));
        assertEquals(3, pods().size(), "one new pod surged in, the old ones keep serving");
        assertEquals(Optional.of(T0.plusSeconds(21)), sandbox.nextWakeup());
        clock.advance(Duration.ofSeconds(20));
        assertEquals("successfully rolled out", rolloutStatus(coredns()));
        JsonNode st = coredns().path("status");
        assertEquals(coredns().path("metadata").path("generation").asLong(), st.path("observedGeneration").asLong());
        assertEquals(2, st.path("updatedReplicas").asInt());
        assertEquals(2, st.path("availableReplicas").asInt());
        String hash = SimulatedDeploymentController.templateHash(coredns());
        assertEquals(List.of(hash, hash), pods().stream().map(p -> p.path("metadata").path("labels").path("pod-template-hash").asText()).toList());
        assertEquals(Optional.empty(), sandbox.nextWakeup());
    }

    @Test
    void aCrashLoopingRolloutNeverFinishesAndPassesItsProgressDeadline() throws Exception {
        sandbox.controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.CRASH_LOOP);
        restart("2026-01-01T00:00:00Z");
        clock.advance(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(60));
        assertEquals("Waiting: 1 out of 2 new replicas have been updated...", rolloutStatus(coredns()));
        ObjectNode crashing = pods().stream().filter(p -> !SimulatedEndpointSliceController.ready(p)).findFirst().orElseThrow();
        JsonNode container = crashing.path("status").path("containerStatuses").get(0);
        assertEquals("CrashLoopBackOff", container.path("state").path("waiting").path("reason").asText());
        assertEquals(12, container.path("restartCount").asInt());
        assertEquals(Optional.of(T0.plusSeconds(601)), sandbox.nextWakeup());
        clock.advanceTo(T0.plusSeconds(601));
        assertEquals("deployment \"coredns\" exceeded its progress deadline", rolloutStatus(coredns()));
        assertEquals(Optional.empty(), sandbox.nextWakeup(), "a failed rollout is at rest");
        // The old pods still serve: the EndpointSlice of kube-dns lists them ready and the crashing one not ready.
        JsonNode slice = sandbox.list(CLUSTER, "EndpointSlice").stream()
                .filter(s -> s.path("metadata").path("labels").path("kubernetes.io/service-name").asText().equals("kube-dns")).findFirst().orElseThrow();
        assertEquals(List.of(true, true, false), readiness(slice, crashing.path("metadata").path("name").asText()));

        // rollout undo: the template goes back, the failed pod goes, the rollout is finished again.
        String undo = "[{\"op\":\"remove\",\"path\":\"/spec/template/metadata/annotations\"}]";
        PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("coredns", "kube-system", new V1Patch(undo)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_PATCH, client);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("successfully rolled out", rolloutStatus(coredns()));
        assertEquals(2, pods().size());
    }

    /** Ready flags of the slice's endpoints, the named pod last. */
    static List<Boolean> readiness(JsonNode slice, String last) {
        java.util.List<Boolean> out = new java.util.ArrayList<>();
        Boolean lastReady = null;
        for (JsonNode e : slice.path("endpoints")) {
            boolean r = e.path("conditions").path("ready").asBoolean();
            if (e.path("targetRef").path("name").asText().equals(last)) {
                lastReady = r;
            } else {
                out.add(r);
            }
        }
        out.add(lastReady);
        return out;
    }

    @Test
    void aStuckRolloutKeepsItsNewPodPending() throws Exception {
        sandbox.controllerFaults().rollout("kube-system/coredns", ControllerFaults.Rollout.STUCK);
        restart("2026-01-01T00:00:00Z");
        clock.advance(Duration.ofSeconds(300));
        assertEquals("Waiting: 1 out of 2 new replicas have been updated...", rolloutStatus(coredns()));
        assertEquals(List.of("Pending", "Running", "Running"), pods().stream().map(p -> p.path("status").path("phase").asText()).sorted().toList());
    }

    @Test
    void endpointSlicesListTheReadyPodsOfEachSelectingServiceWithItsPorts() throws Exception {
        JsonNode slice = sandbox.list(CLUSTER, "EndpointSlice").get(0);
        assertEquals("kube-dns", slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText());
        assertEquals("endpointslice-controller.k8s.io", slice.path("metadata").path("labels").path("endpointslice.kubernetes.io/managed-by").asText());
        assertEquals(2, slice.path("endpoints").size());
        assertEquals("[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\"}]", slice.path("ports").toString());
        // A Service whose selector matches no pod has a slice with no endpoints; a deleted Service loses its slice.
        core.createNamespacedService("default", KubernetesSandboxTest.lb("web", Map.of())).execute();
        clock.advance(Duration.ofSeconds(1));
        JsonNode web = sandbox.list(CLUSTER, "EndpointSlice").stream().filter(s -> s.path("metadata").path("namespace").asText().equals("default"))
                .findFirst().orElseThrow();
        assertEquals(0, web.path("endpoints").size());
        core.deleteNamespacedService("web", "default").execute();
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, sandbox.list(CLUSTER, "EndpointSlice").size());
    }

    @Test
    void aTypeFlipReprovisionsTheFrontendAndALoadBalancerCanNeverGetAnIp() throws Exception {
        core.createNamespacedService("default", KubernetesSandboxTest.lb("web", Map.of())).execute();
        assertEquals(Optional.of(T0.plusSeconds(30)), wakeAfterTick());
        clock.advanceTo(T0.plusSeconds(30));
        assertEquals("203.0.113.4", ingress("web"));
        String internal = "{\"metadata\":{\"annotations\":{\"service.beta.kubernetes.io/azure-load-balancer-internal\":\"true\"}}}";
        PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService("web", "default", new V1Patch(internal)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("203.0.113.4", ingress("web"), "the old frontend serves until the new one is provisioned");
        clock.advanceTo(T0.plusSeconds(60));
        assertEquals("10.1.0.4", ingress("web"), "the internal frontend takes the first assignable address of the node subnet");

        sandbox.controllerFaults().neverAssignIp("default/never");
        core.createNamespacedService("default", KubernetesSandboxTest.lb("never", Map.of())).execute();
        clock.advance(Duration.ofHours(1));
        assertNull(ingress("never"));
        assertEquals(Optional.of("the load balancer frontend never finished provisioning (injected fault)"),
                sandbox.pendingReason(CLUSTER, "default", "never"));
        assertEquals(Optional.empty(), sandbox.nextWakeup());
    }

    Optional<Instant> wakeAfterTick() {
        sandbox.tick();
        return sandbox.nextWakeup();
    }

    String ingress(String name) {
        JsonNode ing = sandbox.get(CLUSTER, "Service", "default", name).orElseThrow().path("status").path("loadBalancer").path("ingress");
        return ing.isArray() && ing.size() > 0 ? ing.get(0).path("ip").asText() : null;
    }
}
