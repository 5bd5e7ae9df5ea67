package dev.tether.kubernetes;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.tether.azure.ArmGateway;
import dev.tether.errors.RejectedException;
import dev.tether.plan.Conventions;
import dev.tether.plan.ResourceId;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.RefreshAuthentication;

import javax.net.ssl.KeyManager;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds a Kubernetes client for an AKS cluster from its user credentials (server URL and CA).
 * <ul>
 *   <li>Entra ID clusters: the kubeconfig names kubelogin; Tether does not run it. It authenticates with an
 *   azure-identity token for the AKS server application, refreshed by client-java's RefreshAuthentication.</li>
 *   <li>Clusters with local accounts: the kubeconfig's own credentials (token or client certificate).</li>
 * </ul>
 * Clients are cached per cluster for {@code ttl}, so a link costs one credential call, not one per step.
 * Kubeconfigs and tokens are never logged.
 */
public final class ClusterConnector {
    private record Cached(ApiClient client, Instant expires) {
    }

    private final ArmGateway arm;
    private final TokenCredential credential;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ClusterConnector(ArmGateway arm, TokenCredential credential, Duration ttl, Clock clock) {
        this.arm = arm;
        this.credential = credential;
        this.ttl = ttl;
        this.clock = clock;
    }

    public KubeGateway gateway(String clusterId) {
        return new KubeGateway(client(clusterId), clusterId, () -> evict(clusterId));
    }

    ApiClient client(String clusterId) {
        ResourceId id = ResourceId.parse(clusterId);
        Instant now = clock.instant();
        Cached cached = cache.get(id.normalized());
        if (cached != null && cached.expires().isAfter(now)) {
            return cached.client();
        }
        ApiClient client = build(id, arm.userKubeconfig(id));
        cache.put(id.normalized(), new Cached(client, now.plus(ttl)));
        return client;
    }

    /** Forgets a cluster's client, e.g. after a 401 when its credentials were rotated. */
    public void evict(String clusterId) {
        cache.remove(ResourceId.parse(clusterId).normalized());
    }

    ApiClient build(ResourceId clusterId, String kubeconfigYaml) {
        KubeConfig kc;
        try {
            kc = KubeConfig.loadKubeConfig(new StringReader(kubeconfigYaml));
        } catch (RuntimeException e) {
            throw new RejectedException("BAD_KUBECONFIG", "the user kubeconfig of cluster " + clusterId + " could not be parsed");
        }
        if (kc.getServer() == null) {
            throw new RejectedException("BAD_KUBECONFIG", "the user kubeconfig of cluster " + clusterId + " names no server");
        }
        try {
            if (usesExecPlugin(kc)) {
                ClientBuilder builder = new ClientBuilder().setBasePath(kc.getServer())
                        .setAuthentication(new RefreshAuthentication(this::aksToken, Duration.ofMinutes(30)));
                String ca = kc.getCertificateAuthorityData();
                if (ca != null) {
                    builder.setCertificateAuthority(Base64.getDecoder().decode(ca));
                }
                return builder.build();
            }
            if (kc.getClientCertificateFile() != null || kc.getClientKeyFile() != null) {
                // client-java would read the files and hand the key to SSLUtils (Bouncy Castle, not in the package)
                throw new RejectedException("BAD_KUBECONFIG", "the user kubeconfig of cluster " + clusterId + " names its client "
                        + "certificate or key by file; Tether reads only client-certificate-data and client-key-data, as AKS hands them out");
            }
            if (kc.getClientCertificateData() != null || kc.getClientKeyData() != null) {
                return clientCertificateClient(clusterId, kc);
            }
            return ClientBuilder.kubeconfig(kc).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new RejectedException("BAD_KUBECONFIG", "could not build a client for cluster " + clusterId + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * A local account's client certificate (what AKS's listClusterUserCredential hands out), presented with key managers
     * built by the JDK alone ({@link ClientCertificate}): ClientBuilder.kubeconfig would hand the key to client-java's
     * SSLUtils, which needs Bouncy Castle, and the package does not ship it. The rest is what ClientBuilder.kubeconfig
     * sets: the server (with no scheme, https:// when it names port 443 and http:// otherwise), the CA,
     * insecure-skip-tls-verify and tls-server-name.
     */
    private static ApiClient clientCertificateClient(ResourceId clusterId, KubeConfig kc) {
        String cert = kc.getClientCertificateData();
        String key = kc.getClientKeyData();
        if (cert == null || key == null) {
            throw new RejectedException("BAD_KUBECONFIG", "the user kubeconfig of cluster " + clusterId + " has "
                    + (cert == null ? "client-key-data but no client-certificate-data" : "client-certificate-data but no client-key-data")
                    + "; download it again (az aks get-credentials) or use an Entra ID cluster");
        }
        KeyManager[] keyManagers;
        try {
            Base64.Decoder base64 = Base64.getMimeDecoder();
            keyManagers = ClientCertificate.keyManagers(base64.decode(cert), base64.decode(key));
        } catch (IllegalArgumentException e) {
            throw new RejectedException("BAD_KUBECONFIG", "the client certificate in the user kubeconfig of cluster "
                    + clusterId + " cannot be used: " + e.getMessage());
        }
        String server = kc.getServer();
        if (!server.contains("://")) {
            server = (server.contains(":443") ? "https://" : "http://") + server;
        }
        ClientBuilder builder = new ClientBuilder().setBasePath(server).setVerifyingSsl(kc.verifySSL())
                .setAuthentication(client -> client.setKeyManagers(keyManagers));
        String ca = kc.getCertificateAuthorityData();
        if (ca != null) {
            builder.setCertificateAuthority(Base64.getMimeDecoder().decode(ca));
        }
        String tlsServerName = kc.getTlsServerName();
        if (tlsServerName != null && !tlsServerName.isEmpty()) {
            builder.setTlsServerName(tlsServerName);
        }
        return builder.build();
    }

    private String aksToken() {
        return credential.getTokenSync(new TokenRequestContext().addScopes(Conventions.AKS_SERVER_SCOPE)).getToken();
    }

    @SuppressWarnings("unchecked")
    private static boolean usesExecPlugin(KubeConfig kc) {
        String context = kc.getCurrentContext();
        String userName = null;
        for (Object c : kc.getContexts()) {
            Map<String, Object> ctx = (Map<String, Object>) c;
            if (context == null || context.equals(ctx.get("name"))) {
                userName = (String) ((Map<String, Object>) ctx.get("context")).get("user");
                break;
            }
        }
        for (Object u : kc.getUsers()) {
            Map<String, Object> user = (Map<String, Object>) u;
            if (userName == null || userName.equals(user.get("name"))) {
                Map<String, Object> details = (Map<String, Object>) user.get("user");
                return details != null && details.containsKey("exec");
            }
        }
        return false;
    }
}
