package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.VirtualClock;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
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

import static org.junit.jupiter.api.Assertions.*;

/** The local cluster, driven by the official client-java exactly as Tether drives it. */
class KubernetesSandboxTest {
    static final String CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    VirtualClock clock;
    CallLog log;
    KubernetesSandbox sandbox;
    CoreV1Api core;
    ApiClient client;

    @BeforeEach
    void start() throws Exception {
        clock = new VirtualClock(T0);
        log = new CallLog();
        sandbox = new KubernetesSandbox(log, clock, Duration.ofSeconds(30));
        sandbox.addCluster(CLUSTER, "10.1.0.0/24", "10.0.0.10", List.of());
        client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)))).build();
        core = new CoreV1Api(client);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    static V1Service lb(String name, Map<String, String> annotations) {
        return new V1Service().apiVersion("v1").kind("Service")
                .metadata(new V1ObjectMeta().name(name).namespace("default").annotations(annotations))
                .spec(new V1ServiceSpec().type("LoadBalancer").selector(Map.of("app", name))
                        .ports(List.of(new V1ServicePort().port(80).targetPort(new IntOrString(8080)))));
    }

    String ip(String name) throws ApiException {
        V1Service s = core.readNamespacedService(name, "default").execute();
        return s.getStatus() == null || s.getStatus().getLoadBalancer() == null || s.getStatus().getLoadBalancer().getIngress() == null
                || s.getStatus().getLoadBalancer().getIngress().isEmpty() ? null : s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    }

    @Test
    void seedsWhatAksHasInKubeSystem() throws Exception {
        assertEquals("10.0.0.10", core.readNamespacedService("kube-dns", "kube-system").execute().getSpec().getClusterIP());
        V1ConfigMap custom = core.readNamespacedConfigMap("coredns-custom", "kube-system").execute();
        assertEquals(Map.of("addonmanager.kubernetes.io/mode", "EnsureExists", "k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true"),
                custom.getMetadata().getLabels(), "AKS's labels");
        assertEquals(Map.of(), custom.getData(), "AKS creates it empty");
        assertTrue(sandbox.get(CLUSTER, "Deployment", "kube-system", "coredns").isPresent());
    }

    @Test
    void internalPublicAndPinnedLoadBalancersGetIpsAfterTheDelay() throws Exception {
        int mark = log.size();
        core.createNamespacedService("default", lb("internal", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true"))).execute();
        core.createNamespacedService("default", lb("public", Map.of())).execute();
        core.createNamespacedService("default", lb("pinned", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true",
                "service.beta.kubernetes.io/azure-load-balancer-ipv4", "10.1.0.200"))).execute();
        core.createNamespacedService("default", lb("outside", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true",
                "service.beta.kubernetes.io/azure-load-balancer-ipv4", "10.9.0.5"))).execute();
        clock.advance(Duration.ofSeconds(29));
        assertNull(ip("internal"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals("10.1.0.4", ip("internal"), "first usable address: Azure reserves four");
        assertEquals("203.0.113.4", ip("public"), "the first usable public address (TEST-NET-3, four reserved)");
        assertEquals("10.1.0.200", ip("pinned"));
        assertNull(ip("outside"));
        assertTrue(sandbox.pendingReason(CLUSTER, "default", "outside").orElseThrow().contains("10.9.0.5"));
        List<CallLog.Call> calls = log.since(mark);
        assertTrue(calls.stream().allMatch(c -> c.target().equals("kubernetes")));
        assertTrue(calls.stream().noneMatch(c -> c.path().endsWith("/status")), "the controller's own calls are not logged: " + calls);
        assertEquals(4 + 5, calls.size(), calls.toString());
    }

    /**
     * cloud-provider-azure makes a load balancer internal only when the annotation is exactly "true"
     * ({@code requiresInternalLoadBalancer}: {@code value == consts.TrueAnnotationValue}); "True" or "yes" stay public.
     */
    @Test
    void onlyTheExactValueTrueMakesALoadBalancerInternal() throws Exception {
        core.createNamespacedService("default", lb("capital", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "True"))).execute();
        core.createNamespacedService("default", lb("yes", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "yes"))).execute();
        core.createNamespacedService("default", lb("exact", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true"))).execute();
        clock.advance(Duration.ofSeconds(30));
        assertEquals("203.0.113.4", ip("capital"));
        assertEquals("203.0.113.5", ip("yes"));
        assertEquals("10.1.0.4", ip("exact"));
    }

    @Test
    void mergePatchAndConflictsBehaveLikeAnApiServer() throws Exception {
        V1ConfigMap cm = core.readNamespacedConfigMap("coredns-custom", "kube-system").execute();
        PatchUtils.patch(V1ConfigMap.class, () -> core.patchNamespacedConfigMap("coredns-custom", "kube-system",
                new V1Patch("{\"data\":{\"tether.override\":\"k8s_external a.b\\n\"}}")).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
        V1ConfigMap after = core.readNamespacedConfigMap("coredns-custom", "kube-system").execute();
        assertEquals("k8s_external a.b\n", after.getData().get("tether.override"));
        assertEquals("EnsureExists", after.getMetadata().getLabels().get("addonmanager.kubernetes.io/mode"), "merge patch keeps labels");
        assertNotEquals(cm.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
        ApiException missing = assertThrows(ApiException.class, () -> core.readNamespacedService("nope", "default").execute());
        assertEquals(404, missing.getCode());
        ApiException dup = assertThrows(ApiException.class, () -> core.createNamespacedConfigMap("kube-system",
                new V1ConfigMap().apiVersion("v1").kind("ConfigMap").metadata(new V1ObjectMeta().name("coredns-custom").namespace("kube-system"))).execute());
        assertEquals(409, dup.getCode());
    }

    @Test
    void entraKubeconfigNamesKubeloginAndTokensDiffer() {
        String yaml = sandbox.kubeconfig(CLUSTER, true);
        assertTrue(yaml.contains("command: kubelogin") && yaml.contains("6dae42f8-4368-4678-94ff-3960e28e3630"));
        assertFalse(yaml.contains(sandbox.token(CLUSTER)));
        assertTrue(sandbox.kubeconfig(CLUSTER, false).contains("token: " + sandbox.token(CLUSTER)));
    }

    static final Map<String, String> INTERNAL = Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true");

    void mergePatch(String name, String patch) throws ApiException {
        PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(name, "default", new V1Patch(patch)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }

    @Test
    void internalServicesGetDistinctAddressesAndAPinnedAddressInUseStaysPending() throws Exception {
        core.createNamespacedService("default", lb("a", INTERNAL)).execute();
        core.createNamespacedService("default", lb("b", INTERNAL)).execute();
        clock.advance(Duration.ofSeconds(30));
        assertEquals(java.util.Set.of("10.1.0.4", "10.1.0.5"), java.util.Set.of(ip("a"), ip("b")));
        core.createNamespacedService("default", lb("c", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true",
                "service.beta.kubernetes.io/azure-load-balancer-ipv4", ip("a")))).execute();
        clock.advance(Duration.ofSeconds(30));
        assertNull(ip("c"));
        assertTrue(sandbox.pendingReason(CLUSTER, "default", "c").orElseThrow().contains("already used"));
    }

    @Test
    void aFlipBetweenInternalAndPublicReassignsAfterTheDelayAndLeavingLoadBalancerDropsTheIngress() throws Exception {
        core.createNamespacedService("default", lb("web", Map.of())).execute();
        clock.advance(Duration.ofSeconds(30));
        assertEquals("203.0.113.4", ip("web"));

        mergePatch("web", "{\"metadata\":{\"annotations\":{\"service.beta.kubernetes.io/azure-load-balancer-internal\":\"true\"}}}");
        clock.advance(Duration.ofSeconds(29));
        assertEquals("203.0.113.4", ip("web"), "the old frontend stays until the controller has reconciled");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("10.1.0.4", ip("web"));

        mergePatch("web", "{\"metadata\":{\"labels\":{\"team\":\"shop\"}}}");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("10.1.0.4", ip("web"), "a change that does not touch the frontend keeps the IP");

        mergePatch("web", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        clock.advance(Duration.ofSeconds(1));
        assertNull(ip("web"));
    }

    @Test
    void clustersWithoutAByoSubnetUseTheAksDefaultNodeSubnet() throws Exception {
        String other = CLUSTER + "-default";
        sandbox.addCluster(other, null, null, List.of());
        CoreV1Api otherCore = new CoreV1Api(ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(other, false)))).build());
        otherCore.createNamespacedService("default", lb("svc", INTERNAL)).execute();
        clock.advance(Duration.ofSeconds(30));
        assertEquals("10.224.0.4", sandbox.get(other, "Service", "default", "svc").orElseThrow().at("/status/loadBalancer/ingress/0/ip").asText());
    }

    @Test
    void theCallLogHasTetherCallsInOrderAndNoneOfTheSandboxOwn() throws Exception {
        core.createNamespacedService("default", lb("web", INTERNAL)).execute();
        core.readNamespacedService("web", "default").execute();
        assertThrows(ApiException.class, () -> core.readNamespacedService("missing", "default").execute());
        clock.advance(Duration.ofSeconds(30));
        sandbox.dump();
        sandbox.get(CLUSTER, "Service", "default", "web");
        assertEquals(List.of(
                new CallLog.Call("kubernetes", "POST", "/api/v1/namespaces/default/services", 201),
                new CallLog.Call("kubernetes", "GET", "/api/v1/namespaces/default/services/web", 200),
                new CallLog.Call("kubernetes", "GET", "/api/v1/namespaces/default/services/missing", 404)), log.calls());
    }
}
