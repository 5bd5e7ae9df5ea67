package dev.tether.kubernetes;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.tether.errors.RejectedException;
import dev.tether.plan.Conventions;
import dev.tether.plan.ResourceId;
import io.kubernetes.client.openapi.ApiClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClusterConnectorTest {
    static final ResourceId CLUSTER = ResourceId.parse("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1");

    static final String EXEC = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: aks1
              cluster:
                server: http://127.0.0.1:9
            contexts:
            - name: aks1
              context:
                cluster: aks1
                user: clusterUser_rg_aks1
            current-context: aks1
            users:
            - name: clusterUser_rg_aks1
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: kubelogin
                  args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]
            """;

    @Test
    void entraKubeconfigUsesAnAksScopedTokenAndNeverRunsKubelogin() {
        List<String> scopes = new ArrayList<>();
        TokenCredential credential = request -> {
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken("t", OffsetDateTime.now().plusHours(1)));
        };
        ClusterConnector connector = new ClusterConnector(null, credential, Duration.ofMinutes(10), Clock.systemUTC());
        ApiClient client = connector.build(CLUSTER, EXEC);
        assertEquals("http://127.0.0.1:9", client.getBasePath());
        assertEquals(List.of(Conventions.AKS_SERVER_SCOPE), scopes, "an azure-identity token for the AKS server application");
    }

    @Test
    void unreadableKubeconfigIsRejectedWithoutEchoingIt() {
        ClusterConnector connector = new ClusterConnector(null, r -> Mono.empty(), Duration.ofMinutes(10), Clock.systemUTC());
        RejectedException e = assertThrows(RejectedException.class, () -> connector.build(CLUSTER, "users: [token: s3cr3t"));
        assertEquals("the user kubeconfig of cluster " + CLUSTER + " could not be parsed", e.getMessage(), "says which cluster, never echoes the kubeconfig");
    }

    @Test
    void aClientCertificateByFileIsRefusedBeforeAnyFileIsRead() {
        ClusterConnector connector = new ClusterConnector(null, r -> Mono.empty(), Duration.ofMinutes(10), Clock.systemUTC());
        String kubeconfig = EXEC.substring(0, EXEC.indexOf("    exec:")) + "    client-certificate: /etc/aks/client.crt\n    client-key: /etc/aks/client.key\n";
        RejectedException e = assertThrows(RejectedException.class, () -> connector.build(CLUSTER, kubeconfig));
        assertEquals("BAD_KUBECONFIG", e.code());
        assertEquals("the user kubeconfig of cluster " + CLUSTER + " names its client certificate or key by file; Tether reads only "
                + "client-certificate-data and client-key-data, as AKS hands them out", e.getMessage());
    }

    @Test
    void aksScopeIsTheServerApplication() {
        assertEquals("6dae42f8-4368-4678-94ff-3960e28e3630/.default", Conventions.AKS_SERVER_SCOPE);
    }
}
