package dev.tether.kubernetes;

import com.sun.net.httpserver.HttpServer;
import dev.tether.errors.RejectedException;
import dev.tether.sandbox.kubernetes.ClusterTls;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A local account's client certificate, as AKS's listClusterUserCredential hands it out (PKCS#1 RSA key, certificate of
 * the cluster CA), presented to the sandbox's TLS API server front that completes a handshake only with a certificate
 * of the cluster CA. Tether builds the key managers with the JDK alone ({@link ClientCertificate}); the package ships
 * no Bouncy Castle (docs/PACKAGE.md).
 */
class ClientCertificateClusterTest {
    static final String SUBJECT = "CN=masterclient,O=system:masters";
    static final String NAMESPACE = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}";

    private HttpServer backend;
    private ClusterTls.Front front;
    private final List<String> requests = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            synchronized (requests) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " authorization="
                        + exchange.getRequestHeaders().getFirst("Authorization"));
            }
            byte[] body = NAMESPACE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        front = ClusterTls.get().frontRequiringClientCertificate(backend.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        front.close();
        backend.stop(0);
    }

    @Test
    void theClientCertificateOpensTheApiServer() throws Exception {
        ClusterTls.ClientCredential credential = ClusterTls.get().issueClientCertificate(SUBJECT);
        assertTrue(new String(Base64.getDecoder().decode(credential.keyData()), StandardCharsets.US_ASCII)
                .startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), "PKCS#1, as AKS hands it out");
        ApiClient client = connector().build(ClusterConnectorTest.CLUSTER, kubeconfig(
                "    client-certificate-data: " + credential.certificateData() + "\n"
                        + "    client-key-data: " + credential.keyData() + "\n"
                        + "    token: 0123456789abcdef\n"));
        assertEquals("https://127.0.0.1:" + front.port(), client.getBasePath());
        assertEquals("default", new CoreV1Api(client).readNamespace("default").execute().getMetadata().getName());
        assertEquals(List.of("CN=masterclient,O=system:masters"), front.clientSubjects());
        // as client-java's KubeconfigAuthentication: a kubeconfig with a client certificate authenticates with it alone
        assertEquals(List.of("GET /api/v1/namespaces/default authorization=null"), requests);
    }

    @Test
    void withoutTheCertificateTheHandshakeFails() {
        ApiClient client = connector().build(ClusterConnectorTest.CLUSTER, kubeconfig("    token: 0123456789abcdef\n"));
        assertThrows(ApiException.class, () -> new CoreV1Api(client).readNamespace("default").execute());
        assertEquals(List.of(), front.clientSubjects());
        assertEquals(List.of(), requests);
    }

    @Test
    void aCertificateWithoutItsKeyIsABadKubeconfig() {
        ClusterTls.ClientCredential credential = ClusterTls.get().issueClientCertificate(SUBJECT);
        RejectedException e = assertThrows(RejectedException.class, () -> connector().build(ClusterConnectorTest.CLUSTER,
                kubeconfig("    client-certificate-data: " + credential.certificateData() + "\n")));
        assertEquals("BAD_KUBECONFIG", e.code());
        assertEquals("the user kubeconfig of cluster " + ClusterConnectorTest.CLUSTER + " has client-certificate-data but no "
                + "client-key-data; download it again (az aks get-credentials) or use an Entra ID cluster", e.getMessage());
    }

    @Test
    void anEncryptedKeyIsABadKubeconfigThatSaysSo() {
        ClusterTls.ClientCredential credential = ClusterTls.get().issueClientCertificate(SUBJECT);
        String encrypted = Base64.getEncoder().encodeToString(ClientCertificateTest.pem("ENCRYPTED PRIVATE KEY",
                new byte[]{0x30, 0x03, 0x02, 0x01, 0x00}).getBytes(StandardCharsets.US_ASCII));
        RejectedException e = assertThrows(RejectedException.class, () -> connector().build(ClusterConnectorTest.CLUSTER,
                kubeconfig("    client-certificate-data: " + credential.certificateData() + "\n    client-key-data: " + encrypted + "\n")));
        assertEquals("BAD_KUBECONFIG", e.code());
        assertEquals("the client certificate in the user kubeconfig of cluster " + ClusterConnectorTest.CLUSTER
                + " cannot be used: client-key-data is an encrypted key; Tether needs an unencrypted one (the kubeconfig AKS hands out has one)",
                e.getMessage());
        assertFalse(e.getMessage().contains(encrypted));
    }

    private static ClusterConnector connector() {
        return new ClusterConnector(null, r -> Mono.empty(), Duration.ofMinutes(10), Clock.systemUTC());
    }

    private String kubeconfig(String userBlock) {
        return "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: " + ClusterTls.get().caData()
                + "\n    server: https://127.0.0.1:" + front.port() + "\n  name: aks1\ncontexts:\n- context:\n    cluster: aks1\n"
                + "    user: clusterUser_rg_aks1\n  name: aks1\ncurrent-context: aks1\nkind: Config\npreferences: {}\nusers:\n"
                + "- name: clusterUser_rg_aks1\n  user:\n" + userBlock;
    }
}
