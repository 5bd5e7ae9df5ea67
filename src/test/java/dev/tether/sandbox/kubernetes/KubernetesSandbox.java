package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.Conventions;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.VirtualClock;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The local Kubernetes world: one fabric8 CRUD API server per AKS cluster on loopback, seeded like AKS, with a simulated
 * AKS load-balancer controller driven by the virtual clock. Tether reaches it with the official client-java.
 * <p>Known differences from a real API server, which Tether's code does not depend on: no server-side apply, no
 * strategic merge patch (415), no HTTP watch, a 404 has an empty body, and creationTimestamps are wall-clock time.
 */
public final class KubernetesSandbox implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();
    /** AKS's default node subnet, used for clusters whose VNet AKS manages. */
    public static final String AKS_DEFAULT_NODE_CIDR = "10.224.0.0/16";

    private final CallLog log;
    private final VirtualClock clock;
    private final SimulatedLoadBalancerController controller;
    private final Map<String, ClusterServer> clusters = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();

    public KubernetesSandbox(CallLog log, VirtualClock clock, Duration lbDelay) {
        this.log = log;
        this.clock = clock;
        this.controller = new SimulatedLoadBalancerController(lbDelay, clock.now());
        clock.onAdvance(t -> tick());
    }

    private static String key(String clusterId) {
        return clusterId.toLowerCase(Locale.ROOT);
    }

    public synchronized void addCluster(String clusterId, String internalLbSubnetCidr, String dnsServiceIp, List<ObjectNode> objects) {
        ClusterServer server = new ClusterServer(clusterId, internalLbSubnetCidr == null ? AKS_DEFAULT_NODE_CIDR : internalLbSubnetCidr, log, clock::now);
        clusters.put(key(clusterId), server);
        tokens.put(key(clusterId), UUID.nameUUIDFromBytes(clusterId.getBytes()).toString().replace("-", ""));
        for (ObjectNode o : objects) {
            server.create(o);
        }
        seedAks(server, dnsServiceIp == null ? "10.0.0.10" : dnsServiceIp);
    }

    /** What every AKS cluster has in kube-system, unless the world already gave it. */
    private static void seedAks(ClusterServer s, String dnsIp) {
        for (String ns : List.of("kube-system", "default")) {
            if (!s.exists("Namespace", null, ns)) {
                s.create(object("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}"));
            }
        }
        if (!s.exists("Deployment", "kube-system", Conventions.COREDNS_DEPLOYMENT)) {
            s.create(object("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"coredns\",\"namespace\":\"kube-system\","
                    + "\"labels\":{\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\"}},"
                    + "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"k8s-app\":\"kube-dns\"}},"
                    + "\"template\":{\"metadata\":{\"labels\":{\"k8s-app\":\"kube-dns\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"coredns\",\"image\":\"mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3\"}]}}}}"));
        }
        if (!s.exists("Service", "kube-system", "kube-dns")) {
            s.create(object("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"kube-dns\",\"namespace\":\"kube-system\","
                    + "\"labels\":{\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\"}},"
                    + "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"" + dnsIp + "\",\"selector\":{\"k8s-app\":\"kube-dns\"},"
                    + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53},"
                    + "{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":53}]}}"));
        }
        if (!s.exists("ConfigMap", "kube-system", Conventions.COREDNS_CUSTOM)) {
            s.create(object("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"coredns-custom\",\"namespace\":\"kube-system\","
                    + "\"labels\":{\"addonmanager.kubernetes.io/mode\":\"EnsureExists\",\"k8s-app\":\"kube-dns\"}}}"));
        }
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cluster user kubeconfig, as AKS returns it: a static token for clusters with local accounts, or (Entra ID) an
     * exec user running kubelogin, which Tether must not run.
     */
    public synchronized String kubeconfig(String clusterId, boolean entra) {
        ClusterServer s = server(clusterId);
        String name = clusterId.substring(clusterId.lastIndexOf('/') + 1);
        String user = "clusterUser_" + name;
        String userBlock = entra
                ? "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args:\n"
                + "      - get-token\n      - --login\n      - devicecode\n      - --server-id\n      - 6dae42f8-4368-4678-94ff-3960e28e3630\n"
                + "      - --client-id\n      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a\n      env: null\n      provideClusterInfo: false\n"
                + "      interactiveMode: IfAvailable\n"
                : "    token: " + tokens.get(key(clusterId)) + "\n";
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name + "\n  cluster:\n    server: " + s.url() + "\n"
                + "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + user + "\n"
                + "current-context: " + name + "\npreferences: {}\nusers:\n- name: " + user + "\n  user:\n" + userBlock;
    }

    /** The static token the cluster's kubeconfig carries (tests scan logs for it). */
    public synchronized String token(String clusterId) {
        return tokens.get(key(clusterId));
    }

    /** The subnets of the cluster's VNet by name, for Services that name one with azure-load-balancer-internal-subnet. */
    public synchronized void setVnetSubnets(String clusterId, Map<String, String> cidrByName) {
        server(clusterId).vnetSubnets.clear();
        cidrByName.forEach((n, c) -> server(clusterId).vnetSubnets.put(n.toLowerCase(Locale.ROOT), c));
    }

    /** Faults for requests from Tether to every cluster (the sandbox's own traffic is never faulted). */
    public synchronized void setFaults(dev.tether.sandbox.Faults faults) {
        clusters.values().forEach(c -> c.dispatcher.setFaults(faults));
    }

    public synchronized void tick() {
        for (ClusterServer s : clusters.values()) {
            controller.reconcile(s, clock.now());
        }
    }

    /** Why a LoadBalancer Service of the cluster has no IP yet, if the controller knows. */
    public synchronized Optional<String> pendingReason(String clusterId, String namespace, String name) {
        return Optional.ofNullable(server(clusterId).pendingReasons.get(namespace + "/" + name));
    }

    public synchronized Map<String, List<ObjectNode>> dump() {
        Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
        clusters.forEach((k, s) -> out.put(s.clusterId, s.dump()));
        return out;
    }

    public synchronized Optional<ObjectNode> get(String clusterId, String kind, String namespace, String name) {
        return server(clusterId).dump().stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)
                && o.path("metadata").path("namespace").asText().equals(namespace)).findFirst();
    }

    /** The sandbox's own fabric8 client for a cluster (its calls are not logged): for tests that edit the world. */
    public synchronized io.fabric8.kubernetes.client.KubernetesClient adminClient(String clusterId) {
        return server(clusterId).client;
    }

    private ClusterServer server(String clusterId) {
        ClusterServer s = clusters.get(key(clusterId));
        if (s == null) {
            throw new IllegalArgumentException("no cluster " + clusterId + " in the sandbox");
        }
        return s;
    }

    @Override
    public synchronized void close() {
        clusters.values().forEach(ClusterServer::close);
        clusters.clear();
    }
}
