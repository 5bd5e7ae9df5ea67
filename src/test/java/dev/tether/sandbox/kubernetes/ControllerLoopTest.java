package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.VirtualClock;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The controllers run on an advance of the virtual clock only over a cluster that changed or has something due
 * ({@link ControllerLoop}): counted in passes and in the requests the sandbox's client sends the API server.
 */
class ControllerLoopTest {
    static final String CLUSTER = KubernetesSandboxTest.CLUSTER;
    static final Instant T0 = KubernetesSandboxTest.T0;
    /**
     * The requests of a pass over the seeded cluster (Deployment coredns, Service kube-dns) plus one LoadBalancer
     * Service with a selector, when it writes nothing: list Deployments; list Pods, list Services, get the slice of
     * kube-dns and of web, list EndpointSlices; list Services.
     */
    static final int IDLE_PASS = 7;

    VirtualClock clock;
    KubernetesSandbox sandbox;
    CoreV1Api core;
    /** What the Azure side was told, one entry per call: the cluster's frontends as "service=ip". */
    final List<List<String>> toldAzure = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = new VirtualClock(T0);
        sandbox = new KubernetesSandbox(new CallLog(), clock, Duration.ofSeconds(30));
        sandbox.setAzureSide((id, frontends) -> toldAzure.add(frontends.stream().map(f -> f.service() + "=" + f.ip()).toList()));
        sandbox.addCluster(CLUSTER, "10.1.0.0/24", "10.0.0.10", List.of());
        core = new CoreV1Api(ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)))).build());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** Passes and requests an advance of the clock to {@code t} cost. */
    List<Long> advanceTo(Instant t) {
        long passes = sandbox.controllerPasses();
        long requests = sandbox.sandboxRequests(CLUSTER);
        clock.advanceTo(t);
        return List.of(sandbox.controllerPasses() - passes, sandbox.sandboxRequests(CLUSTER) - requests);
    }

    String ingress(String name) {
        var ing = sandbox.get(CLUSTER, "Service", "default", name).orElseThrow().path("status").path("loadBalancer").path("ingress");
        return ing.isArray() && ing.size() > 0 ? ing.get(0).path("ip").asText() : null;
    }

    @Test
    void anIdleAdvanceMakesNoPassAWriteMakesOneAndADueIpIsAssignedAtItsInstant() throws Exception {
        // The pass addCluster made wrote the seeded pods, the Deployment's status and kube-dns's slice: one more pass.
        assertEquals(1L, advanceTo(T0.plusSeconds(1)).get(0));
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(2)), "nothing changed, nothing due: no pass, no request");
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(3)));

        // Tether creates a LoadBalancer Service at T0+3: the next advance runs a pass; it creates the Service's slice
        // (get its namespace, create: the idle pass's 7 and 2), so the advance after runs one more, which writes nothing.
        core.createNamespacedService("default", KubernetesSandboxTest.lb("web", Map.of())).execute();
        assertEquals(List.of(1L, (long) IDLE_PASS + 2), advanceTo(T0.plusSeconds(4)));
        assertEquals(List.of(1L, (long) IDLE_PASS), advanceTo(T0.plusSeconds(5)));
        assertEquals(Optional.of(T0.plusSeconds(33)), sandbox.nextWakeup(), "the IP is due 30 s after the create");

        // No write until the IP is due: no pass before its instant, one at it (the idle pass's 7 and the status patch).
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(32)));
        assertEquals(null, ingress("web"));
        assertEquals(List.of(1L, (long) IDLE_PASS + 1), advanceTo(T0.plusSeconds(33)));
        assertEquals("203.0.113.4", ingress("web"));
        assertEquals(List.of(1L, (long) IDLE_PASS), advanceTo(T0.plusSeconds(34)), "the status patch changed the cluster: one pass more");
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(3600)));
        assertEquals(Optional.empty(), sandbox.nextWakeup());

        // tick() still forces a pass over every cluster.
        long passes = sandbox.controllerPasses();
        sandbox.tick();
        assertEquals(passes + 1, sandbox.controllerPasses());
    }

    @Test
    void aSkippedPassStillTellsTheAzureSideTheFrontendsOfTheLastPass() throws Exception {
        core.createNamespacedService("default", KubernetesSandboxTest.lb("web", Map.of())).execute();
        clock.advanceTo(T0.plusSeconds(30));
        clock.advanceTo(T0.plusSeconds(31));
        toldAzure.clear();
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(32)));
        assertEquals(List.of(List.of("default/web=203.0.113.4")), toldAzure, "what a pass would have told it");
    }

    @Test
    void aControllerFaultOrAVnetSubnetSetByTheSandboxMakesTheNextAdvanceRunAPass() throws Exception {
        advanceTo(T0.plusSeconds(1));
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(2)));
        sandbox.controllerFaults().neverAssignIp("default/web");
        // The seeded cluster's idle pass: list Deployments; list Pods, list Services, get kube-dns's slice, list EndpointSlices; list Services.
        assertEquals(List.of(1L, 6L), advanceTo(T0.plusSeconds(3)));
        sandbox.setVnetSubnets(CLUSTER, Map.of("extra", "10.2.0.0/24"));
        assertEquals(List.of(1L, 6L), advanceTo(T0.plusSeconds(4)));
        assertEquals(List.of(0L, 0L), advanceTo(T0.plusSeconds(5)));
    }
}
