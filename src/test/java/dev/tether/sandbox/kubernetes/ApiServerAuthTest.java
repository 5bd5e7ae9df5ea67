package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.EntraTokens;
import dev.tether.sandbox.VirtualClock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The simulated API server's TLS, authentication and RBAC, seen from a client as AKS's would be. */
class ApiServerAuthTest {
    static final String CLUSTER = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1";
    static final String UNAUTHORIZED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
            + "\"reason\":\"Unauthorized\",\"code\":401}";
    static final String CONFIGMAPS = "/api/v1/namespaces/kube-system/configmaps/";

    KubernetesSandbox sandbox;
    OkHttpClient http;
    String server;

    @BeforeEach
    void start() throws IOException {
        sandbox = new KubernetesSandbox(new CallLog(), new VirtualClock(Instant.parse("2026-01-01T00:00:00Z")), Duration.ofSeconds(30));
        sandbox.addCluster(CLUSTER, null, null, List.of());
        KubeConfig kc = KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)));
        server = kc.getServer();
        // the kubeconfig's CA, and no credential: each request below carries its own
        ApiClient trusting = new ClientBuilder().setBasePath(server)
                .setCertificateAuthority(Base64.getDecoder().decode(kc.getCertificateAuthorityData())).build();
        http = trusting.getHttpClient();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String[] send(String method, String path, String bearer) throws IOException {
        Request.Builder b = new Request.Builder().url(server + path);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (method.equals("PATCH")) {
            b.patch(RequestBody.create("{\"data\":{\"x\":\"y\"}}", MediaType.get("application/merge-patch+json")));
        }
        try (Response r = http.newCall(b.build()).execute()) {
            return new String[]{String.valueOf(r.code()), r.body().string()};
        }
    }

    private static String aksToken(String objectId) {
        return EntraTokens.token(KubernetesSandbox.AKS_AAD_SERVER_ID, objectId, OffsetDateTime.now().plusHours(1));
    }

    @Test
    void theApiServerSpeaksHttpsWithACertificateOfTheKubeconfigsCa() throws Exception {
        assertTrue(server.matches("https://127\\.0\\.0\\.1:\\d+"), server);
        CoreV1Api trusted = new CoreV1Api(ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(sandbox.kubeconfig(CLUSTER, false)))).build());
        assertEquals("coredns-custom", trusted.readNamespacedConfigMap("coredns-custom", "kube-system").execute().getMetadata().getName());

        String withoutCa = sandbox.kubeconfig(CLUSTER, false).replaceAll("    certificate-authority-data: .*\n", "");
        CoreV1Api untrusting = new CoreV1Api(ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(withoutCa))).build());
        ApiException e = assertThrows(ApiException.class, () -> untrusting.readNamespacedConfigMap("coredns-custom", "kube-system").execute());
        assertEquals(0, e.getCode());
        assertInstanceOf(SSLHandshakeException.class, e.getCause(), "a client that does not trust the cluster CA fails the handshake");
    }

    @Test
    void aLocalAccountClusterTakesItsKubeconfigTokenAndAnswersAnythingElseWith401() throws IOException {
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", null), "no credential");
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", "not-the-token"));
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", aksToken(EntraTokens.TETHER_OBJECT_ID)),
                "an Entra token means nothing to a cluster without Entra ID");
        String token = sandbox.token(CLUSTER);
        assertEquals("200", send("GET", CONFIGMAPS + "coredns-custom", token)[0]);
        assertEquals("200", send("PATCH", "/api/v1/namespaces/kube-system/services/kube-dns", token)[0],
                "the user of a local-account cluster is cluster-admin");
        assertEquals("200", send("GET", CONFIGMAPS + "coredns-custom", sandbox.adminToken(CLUSTER))[0]);

        sandbox.rotateUserCredentials(CLUSTER);
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", token), "a token from before the reset");
        assertEquals("200", send("GET", CONFIGMAPS + "coredns-custom", sandbox.token(CLUSTER))[0]);
    }

    @Test
    void anEntraClusterTakesTokensForTheAksServerApplicationAndAuthorizesThemWithTethersRbacManifest() throws IOException {
        sandbox.setEntra(CLUSTER, true);
        String tether = aksToken(EntraTokens.TETHER_OBJECT_ID);
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", sandbox.token(CLUSTER)),
                "no static user token on an Entra ID cluster");
        String armToken = EntraTokens.token("https://management.azure.com", EntraTokens.TETHER_OBJECT_ID, OffsetDateTime.now().plusHours(1));
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", armToken), "a token for another audience");
        String expired = EntraTokens.token(KubernetesSandbox.AKS_AAD_SERVER_ID, EntraTokens.TETHER_OBJECT_ID, OffsetDateTime.now().minusMinutes(1));
        assertArrayEquals(new String[]{"401", UNAUTHORIZED}, send("GET", CONFIGMAPS + "coredns-custom", expired), "an expired token");

        assertEquals("200", send("GET", CONFIGMAPS + "coredns-custom", tether)[0], "granted by name in the Role");
        assertEquals("200", send("PATCH", CONFIGMAPS + "coredns-custom", tether)[0]);
        assertArrayEquals(new String[]{"403", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"configmaps \\\"coredns\\\" is forbidden: User \\\"" + EntraTokens.TETHER_OBJECT_ID + "\\\" cannot patch resource \\\"configmaps\\\""
                + " in API group \\\"\\\" in the namespace \\\"kube-system\\\"\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"coredns\",\"kind\":\"configmaps\"},"
                + "\"code\":403}"}, send("PATCH", CONFIGMAPS + "coredns", tether), "the Role names coredns-custom only");
        assertArrayEquals(new String[]{"403", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"namespaces is forbidden: User \\\"" + EntraTokens.TETHER_OBJECT_ID + "\\\" cannot list resource \\\"namespaces\\\" in API group \\\"\\\""
                + " at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"namespaces\"},\"code\":403}"}, send("GET", "/api/v1/namespaces", tether));
        assertEquals("200", send("GET", "/api/v1/namespaces/default/services", tether)[0], "the ClusterRole lists Services anywhere");
        assertEquals("403", send("GET", "/apis/apps/v1/namespaces/kube-system/deployments/metrics-server", tether)[0]);
        assertEquals("403", send("GET", CONFIGMAPS + "coredns-custom", aksToken("00000000-0000-0000-0000-00000000abcd"))[0],
                "a principal the manifest does not bind");
        assertEquals("404", send("PATCH", CONFIGMAPS + "coredns", sandbox.adminToken(CLUSTER))[0],
                "the admin credential is cluster-admin: past authorization, the ConfigMap is not there");

        assertEquals(List.of("get configmaps coredns-custom Role tether", "patch configmaps coredns-custom Role tether", "patch configmaps coredns refused",
                        "list namespaces null refused", "list services null ClusterRole tether-services", "get deployments metrics-server refused",
                        "get configmaps coredns-custom refused"),
                sandbox.rbacDecisions(CLUSTER).stream().map(d -> d.verb() + " " + d.resource() + " " + d.name() + " "
                        + (d.allowedBy() == null ? "refused" : (d.allowedBy().startsWith("tether-services") ? "ClusterRole " : "Role ") + d.allowedBy().replaceAll("[@:].*", ""))).toList());
    }
}
