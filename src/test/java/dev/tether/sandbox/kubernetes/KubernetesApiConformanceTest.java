package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.VirtualClock;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.ApiResponse;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
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

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The sandbox's API server, driven by the official client-java the way Tether drives AKS: what works, with which status
 * codes, and what a real API server would refuse.
 */
class KubernetesApiConformanceTest {
    static final String CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-conf";
    static final String WORLD_CONFIG = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"team-settings\",\"namespace\":\"shop\","
            + "\"labels\":{\"team\":\"shop\"},\"annotations\":{\"note\":\"kept\"}},"
            + "\"data\":{\"Corefile.override\":\"log\\n  errors  \\n\",\"unicode\":\"caf\\u00e9 \\u2603\",\"empty\":\"\",\"json\":\"{\\\"a\\\": [1, 2]}\"}}";

    CallLog log;
    VirtualClock clock;
    KubernetesSandbox sandbox;
    ApiClient client;
    CoreV1Api core;
    AppsV1Api apps;

    @BeforeEach
    void start() throws IOException {
        log = new CallLog();
        clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        sandbox = new KubernetesSandbox(log, clock, Duration.ofSeconds(30));
        sandbox.addCluster(CLUSTER, "10.1.0.0/24", "10.0.0.10", List.of(KubernetesSandbox.json(WORLD_CONFIG)));
        client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)))).build();
        core = new CoreV1Api(client);
        apps = new AppsV1Api(client);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    static V1Service service(String name) {
        return new V1Service().apiVersion("v1").kind("Service")
                .metadata(new V1ObjectMeta().name(name).namespace("default").annotations(Map.of("a", "1", "b", "2")))
                .spec(new V1ServiceSpec().type("ClusterIP").selector(Map.of("app", name)).ports(List.of(
                        new V1ServicePort().name("http").port(80).targetPort(new IntOrString(8080)),
                        new V1ServicePort().name("https").port(443).targetPort(new IntOrString(8443)))));
    }

    V1Service mergePatchService(String name, String patch) throws ApiException {
        return PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(name, "default", new V1Patch(patch)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }

    int lastStatus() {
        List<CallLog.Call> calls = log.calls();
        return calls.get(calls.size() - 1).status();
    }

    @Test
    void createGetAndDuplicateCreate() throws Exception {
        ApiResponse<V1Service> created = core.createNamespacedService("default", service("web")).executeWithHttpInfo();
        assertEquals(201, created.getStatusCode());
        assertEquals(List.of("application/json"), created.getHeaders().get("content-type"));
        V1Service got = core.readNamespacedService("web", "default").execute();
        assertEquals(created.getData().getMetadata().getResourceVersion(), got.getMetadata().getResourceVersion());
        assertEquals(2, got.getSpec().getPorts().size());

        ApiException dup = assertThrows(ApiException.class, () -> core.createNamespacedService("default", service("web")).execute());
        assertEquals(409, dup.getCode());
        assertTrue(dup.getResponseBody().contains("\"reason\":\"AlreadyExists\""), dup.getResponseBody());
    }

    @Test
    void missingObjectsAre404WithANotFoundStatus() {
        ApiException missing = assertThrows(ApiException.class, () -> core.readNamespacedService("nope", "default").execute());
        assertEquals(404, missing.getCode());
        assertTrue(missing.getResponseBody().contains("\"reason\":\"NotFound\""), missing.getResponseBody());
        ApiException patch = assertThrows(ApiException.class, () -> mergePatchService("nope", "{\"metadata\":{\"labels\":{\"x\":\"1\"}}}"));
        assertEquals(404, patch.getCode());
    }

    @Test
    void jsonMergePatchFollowsRfc7386AndAnswers200() throws Exception {
        core.createNamespacedService("default", service("web")).execute();
        String before = core.readNamespacedService("web", "default").execute().getMetadata().getResourceVersion();

        V1Service patched = mergePatchService("web", "{\"metadata\":{\"annotations\":{\"a\":null,\"c\":\"3\"}},"
                + "\"spec\":{\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53}]}}");
        assertEquals(200, lastStatus());
        assertEquals(Map.of("b", "2", "c", "3"), patched.getMetadata().getAnnotations(), "null removes a key, others merge");
        assertEquals(List.of("dns"), patched.getSpec().getPorts().stream().map(V1ServicePort::getName).toList(), "an array is replaced whole");
        assertNotEquals(before, patched.getMetadata().getResourceVersion());

        String rv = patched.getMetadata().getResourceVersion();
        V1Service again = mergePatchService("web", "{\"metadata\":{\"annotations\":{\"c\":\"3\"}}}");
        assertEquals(rv, again.getMetadata().getResourceVersion(), "a patch that changes nothing is not a write");

        ApiException stale = assertThrows(ApiException.class,
                () -> mergePatchService("web", "{\"metadata\":{\"resourceVersion\":\"" + before + "\",\"labels\":{\"x\":\"1\"}}}"));
        assertEquals(409, stale.getCode(), "a resourceVersion in a merge patch is a precondition");
    }

    @Test
    void statusChangesOnlyThroughTheStatusSubresource() throws Exception {
        core.createNamespacedService("default", service("web")).execute();
        mergePatchService("web", "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.4\"}]}}}");
        V1Service unchanged = core.readNamespacedService("web", "default").execute();
        assertTrue(unchanged.getStatus() == null || unchanged.getStatus().getLoadBalancer() == null, "status is ignored on the object");

        PatchUtils.patch(V1Service.class, () -> core.patchNamespacedServiceStatus("web", "default",
                        new V1Patch("{\"spec\":{\"type\":\"NodePort\"},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.4\"}]}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
        V1Service s = core.readNamespacedService("web", "default").execute();
        assertEquals("1.2.3.4", s.getStatus().getLoadBalancer().getIngress().get(0).getIp());
        assertEquals("ClusterIP", s.getSpec().getType(), "/status ignores the spec");

        s.getMetadata().putLabelsItem("x", "1");
        s.setStatus(null);
        V1Service replaced = core.replaceNamespacedService("web", "default", s).execute();
        assertEquals("1.2.3.4", replaced.getStatus().getLoadBalancer().getIngress().get(0).getIp(), "a PUT of the object keeps its status");
    }

    @Test
    void configMapReplaceUsesResourceVersionForOptimisticConcurrency() throws Exception {
        V1ConfigMap cm = core.readNamespacedConfigMap("coredns-custom", "kube-system").execute();
        String stale = cm.getMetadata().getResourceVersion();
        cm.putDataItem("tether.override", "k8s_external shop.internal\n");
        V1ConfigMap replaced = core.replaceNamespacedConfigMap("coredns-custom", "kube-system", cm).execute();
        assertEquals(200, lastStatus());
        assertNotEquals(stale, replaced.getMetadata().getResourceVersion());
        assertEquals("EnsureExists", replaced.getMetadata().getLabels().get("addonmanager.kubernetes.io/mode"));

        cm.getMetadata().setResourceVersion(stale);
        cm.putDataItem("tether.override", "k8s_external other.internal\n");
        ApiException conflict = assertThrows(ApiException.class, () -> core.replaceNamespacedConfigMap("coredns-custom", "kube-system", cm).execute());
        assertEquals(409, conflict.getCode());
        assertTrue(conflict.getResponseBody().contains("\"reason\":\"Conflict\""), conflict.getResponseBody());
        assertEquals("k8s_external shop.internal\n", core.readNamespacedConfigMap("coredns-custom", "kube-system").execute().getData().get("tether.override"));
    }

    @Test
    void deploymentMergePatchOfThePodTemplateAnnotations() throws Exception {
        V1Deployment before = apps.readNamespacedDeployment("coredns", "kube-system").execute();
        assertEquals(AksSeed.COREDNS_IMAGE, before.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        V1Deployment after = PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("coredns", "kube-system",
                        new V1Patch("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-01-01T00:00:00Z\"}}}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
        assertEquals(200, lastStatus());
        assertEquals("2026-01-01T00:00:00Z", after.getSpec().getTemplate().getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"));
        assertEquals(Map.of("k8s-app", "kube-dns"), after.getSpec().getTemplate().getMetadata().getLabels(), "labels are merged, not replaced");
        assertEquals(1, after.getSpec().getTemplate().getSpec().getContainers().size());
    }

    @Test
    void jsonPatchWorksButStrategicMergeAndServerSideApplyAre415() throws Exception {
        core.createNamespacedService("default", service("web")).execute();
        V1Service patched = PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService("web", "default",
                        new V1Patch("[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"x\":\"1\"}}]")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_PATCH, client);
        assertEquals(200, lastStatus());
        assertEquals("1", patched.getMetadata().getLabels().get("x"));

        ApiException strategic = assertThrows(ApiException.class, () -> PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService("web", "default",
                new V1Patch("{\"metadata\":{\"labels\":{\"y\":\"1\"}}}")).buildCall(null), V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, client));
        assertEquals(415, strategic.getCode());
        ApiException apply = assertThrows(ApiException.class, () -> PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService("web", "default",
                new V1Patch("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"}}")).fieldManager("tether").force(true).buildCall(null),
                V1Patch.PATCH_FORMAT_APPLY_YAML, client));
        assertEquals(415, apply.getCode());
    }

    @Test
    void listsFilterByLabelSelector() throws Exception {
        assertEquals(List.of("kube-dns"), core.listServiceForAllNamespaces().labelSelector("k8s-app=kube-dns").execute().getItems().stream()
                .map(s -> s.getMetadata().getName()).toList());
        assertEquals(List.of("coredns-custom"), core.listNamespacedConfigMap("kube-system").labelSelector("addonmanager.kubernetes.io/mode=EnsureExists")
                .execute().getItems().stream().map(c -> c.getMetadata().getName()).toList());
        assertTrue(core.listNamespacedService("kube-system").labelSelector("k8s-app!=kube-dns").execute().getItems().isEmpty());
    }

    @Test
    void worldObjectsAreCreatedExactlyAsGivenAndAksDefaultsAreAdded() throws Exception {
        V1ConfigMap world = core.readNamespacedConfigMap("team-settings", "shop").execute();
        assertEquals(KubernetesSandbox.json(WORLD_CONFIG).get("data").properties().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText())),
                world.getData(), "data byte for byte");
        assertEquals("kept", world.getMetadata().getAnnotations().get("note"));
        assertEquals("shop", core.readNamespace("shop").execute().getMetadata().getName(), "the namespace of a world object exists");
        assertEquals("10.0.0.10", core.readNamespacedService("kube-dns", "kube-system").execute().getSpec().getClusterIP());

        ObjectNode custom = KubernetesSandbox.json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"coredns-custom\",\"namespace\":\"kube-system\"},"
                + "\"data\":{\"log.override\":\"log\\n\"}}");
        sandbox.addCluster(CLUSTER + "-2", null, "10.2.0.10", List.of(custom));
        ObjectNode kept = sandbox.get(CLUSTER + "-2", "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
        assertEquals("log\n", kept.path("data").path("log.override").asText(), "the world's coredns-custom wins over the AKS default");
        assertFalse(kept.path("metadata").has("labels"));
        assertEquals("10.2.0.10", sandbox.get(CLUSTER + "-2", "Service", "kube-system", "kube-dns").orElseThrow().at("/spec/clusterIP").asText());

        assertThrows(IllegalArgumentException.class, () -> sandbox.addCluster(CLUSTER + "-3", null, null,
                List.of(KubernetesSandbox.json("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}"))));
    }

    @Test
    void dumpIsOrderedByKindNamespaceNameWithoutManagedFields() {
        List<ObjectNode> objects = sandbox.dump().get(CLUSTER);
        List<String> keys = objects.stream().map(o -> o.path("kind").asText() + " " + o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText()).toList();
        String pod = "Pod kube-system/coredns-" + SimulatedDeploymentController.templateHash(sandbox.get(CLUSTER, "Deployment", "kube-system", "coredns").orElseThrow());
        assertEquals(List.of("ConfigMap kube-system/coredns-custom", "ConfigMap shop/team-settings", "Deployment kube-system/coredns",
                "EndpointSlice kube-system/" + SimulatedEndpointSliceController.sliceName("kube-dns"), pod + "-a0", pod + "-b0", "Service kube-system/kube-dns"), keys);
        assertTrue(objects.stream().allMatch(o -> o.at("/metadata/resourceVersion").isTextual() && !o.path("metadata").has("managedFields")));
        assertTrue(log.calls().isEmpty(), "seeding and dump are the sandbox's own traffic: " + log.calls());
    }

    @Test
    void kubeconfigsLikeAksReturnsThem() throws Exception {
        String yaml = sandbox.kubeconfig(CLUSTER, false);
        KubeConfig token = KubeConfig.loadKubeConfig(new StringReader(yaml));
        URI server = URI.create(token.getServer());
        assertEquals("127.0.0.1", server.getHost(), "loopback only");
        assertEquals("aks-conf", token.getCurrentContext());
        assertEquals(sandbox.token(CLUSTER), token.getCredentials().get(KubeConfig.CRED_TOKEN_KEY));

        KubeConfig entra = KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, true)));
        assertEquals(token.getServer(), entra.getServer());
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) entra.getUsers().get(0)).get("user");
        @SuppressWarnings("unchecked")
        Map<String, Object> exec = (Map<String, Object>) user.get("exec");
        assertEquals("client.authentication.k8s.io/v1beta1", exec.get("apiVersion"));
        assertEquals("kubelogin", exec.get("command"));
        List<?> args = (List<?>) exec.get("args");
        assertEquals("get-token", args.get(0));
        assertEquals(KubernetesSandbox.AKS_AAD_SERVER_ID, args.get(args.indexOf("--server-id") + 1));
        assertFalse(user.containsKey("token"));
    }

    @Test
    void startsFastAndCloseReleasesThePort() throws Exception {
        long t0 = System.nanoTime();
        sandbox.addCluster(CLUSTER + "-timed", null, null, List.of());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Kubernetes sandbox: one more API server started and seeded in " + millis + " ms");
        assertTrue(millis < 10_000, millis + " ms");
        int port = URI.create(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER + "-timed", false))).getServer()).getPort();
        sandbox.close();
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        });
        assertThrows(IllegalStateException.class, () -> sandbox.addCluster(CLUSTER + "-late", null, null, List.of()));
    }
}
