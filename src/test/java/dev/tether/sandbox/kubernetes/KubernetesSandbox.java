package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.Faults;
import dev.tether.sandbox.VirtualClock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The local Kubernetes world: one API server per AKS cluster (fabric8's CRUD mock on 127.0.0.1), seeded like AKS, with
 * a simulated AKS cloud controller that gives LoadBalancer Services their IPs on the virtual clock. Tether reaches it
 * with the official client-java, exactly as it reaches AKS; every request it makes is in the {@link CallLog}.
 *
 * <h2>How it differs from a real API server</h2>
 * Like AKS, each API server speaks HTTPS with a certificate of the cluster CA that the kubeconfig carries
 * ({@link ClusterTls}), and takes only the credential its cluster kind expects, with Kubernetes RBAC over
 * infra/kubernetes/tether-rbac.yaml on Entra ID clusters ({@link ApiServerAuth}): 401 and 403 as the API server answers.
 * <p>
 * Corrected by the sandbox ({@link ApiServerDispatcher}), so Tether needs no workaround:
 * <ul>
 * <li>fabric8 answers PATCH with 202, sends no Content-Type, answers 404 with an empty body and gives 409s the reason
 * Invalid; the sandbox answers 200, {@code application/json}, a NotFound Status, and AlreadyExists / Conflict.</li>
 * <li>fabric8's JSON merge patch appends to arrays and stores {@code null}s, and lets a patch or PUT of the object
 * rewrite (or drop) its status; the sandbox applies RFC 7386 and keeps status to the /status subresource.</li>
 * <li>A write that changes nothing keeps the resourceVersion.</li>
 * <li>fabric8 ignores {@code limit}; the sandbox answers a list in chunks with a {@code continue} token.</li>
 * <li>Objects in a namespace that does not exist are accepted by fabric8; seeding creates the namespace first.</li>
 * </ul>
 * Not corrected (Tether must not depend on them):
 * <ul>
 * <li>Server-side apply ({@code application/apply-patch+yaml}) and strategic merge patch answer 415: use JSON merge
 * patch (or JSON patch) through {@code PatchUtils.patch}.</li>
 * <li>Watch works only over WebSocket; an HTTP-streaming watch ({@code ?watch=true}) answers 400.</li>
 * <li>No validation, defaulting or admission other than bound ValidatingAdmissionPolicies on Service create and update
 * ({@link AdmissionPolicies}): names are not checked, a Service gets no clusterIP, nodePorts or
 * defaulted protocol, a Deployment no status, and no controller but the load-balancer one runs (pods never roll).</li>
 *  * <li>{@code metadata.generation} goes up on every write, resourceVersions are small integers, uids are name-based
 * (a hash of the path, name and the API server's count of creates: all digits vary, as with real uids; deterministic per world),
 * and creationTimestamp is wall-clock time (not the virtual clock).</li>
 * <li>Discovery ({@code /api}, {@code /apis}, {@code /version}) is not served meaningfully; client-java's typed calls
 * don't need it. The one exception is {@code /apis/admissionregistration.k8s.io/v1}, answered with the real document
 * (without the admission-policy kinds on a cluster before 1.30, see {@link #setKubernetesVersion}).</li>
 * <li>The server speaks HTTP/1.1 only; a client that tries an h2c upgrade (the JDK HttpClient by default) hangs.</li>
 * </ul>
 */
public final class KubernetesSandbox implements AutoCloseable {
    /** AKS's default node subnet, for clusters without a bring-your-own subnet. */
    public static final String AKS_DEFAULT_NODE_CIDR = "10.224.0.0/16";
    /** AKS's default kube-dns ClusterIP (in the default service CIDR 10.0.0.0/16). */
    public static final String AKS_DEFAULT_DNS_SERVICE_IP = "10.0.0.10";
    /** The Entra ID server application every AKS cluster's kubelogin asks a token for. */
    static final String AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
    /** The Azure CLI public client kubelogin uses. */
    static final String AKS_AAD_CLIENT_ID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";
    private static final ObjectMapper M = new ObjectMapper();

    private final CallLog log;
    private final VirtualClock clock;
    private final SimulatedLoadBalancerController controller;
    private final ControllerFaults controllerFaults = new ControllerFaults();
    private final SimulatedDeploymentController deployments;
    private final ControllerLoop controllers;
    /** The default virtual time a Deployment rollout takes (new pods ready, old ones gone). */
    public static final Duration DEFAULT_ROLLOUT_DELAY = Duration.ofSeconds(20);
    private final Map<String, ClusterServer> clusters = new LinkedHashMap<>();
    private final Map<String, String> unreachable = new LinkedHashMap<>();
    private ApiServerNetwork.Blackhole blackhole;
    private boolean closed;

    public KubernetesSandbox(CallLog log, VirtualClock clock, Duration lbDelay) {
        this(log, clock, lbDelay, DEFAULT_ROLLOUT_DELAY);
    }

    public KubernetesSandbox(CallLog log, VirtualClock clock, Duration lbDelay, Duration rolloutDelay) {
        this.log = log;
        this.clock = clock;
        this.controller = new SimulatedLoadBalancerController(lbDelay, controllerFaults);
        this.deployments = new SimulatedDeploymentController(rolloutDelay, controllerFaults);
        this.controllers = new ControllerLoop(deployments, new SimulatedEndpointSliceController(), controller);
        controllerFaults.onChange(this::changedAll);
        clock.onAdvance(t -> advance());
    }

    /** Where the load-balancer controller writes its Azure resources (the sandbox's ARM world); none by default. */
    public synchronized void setAzureSide(AzureSide azure) {
        controller.azure = azure;
        changedAll();
    }

    /** Faults of the simulated controllers (rollouts that never finish or crash-loop, load balancers that get no IP). */
    public ControllerFaults controllerFaults() {
        return controllerFaults;
    }

    private static String key(String clusterId) {
        return clusterId.toLowerCase(Locale.ROOT);
    }

    /**
     * Starts an API server for the cluster, creates {@code objects} exactly as given, then adds what AKS always has and
     * the objects did not: namespaces kube-system and default, Deployment and Service for CoreDNS, and the empty
     * {@code coredns-custom} ConfigMap.
     */
    public synchronized void addCluster(String clusterId, String internalLbSubnetCidr, String dnsServiceIp, List<ObjectNode> objects) {
        if (closed) {
            throw new IllegalStateException("the Kubernetes sandbox is closed");
        }
        if (clusters.containsKey(key(clusterId))) {
            throw new IllegalArgumentException("cluster " + clusterId + " is already in the sandbox");
        }
        Ipv4Cidr subnet = Ipv4Cidr.parse(internalLbSubnetCidr == null ? AKS_DEFAULT_NODE_CIDR : internalLbSubnetCidr);
        ClusterServer server = new ClusterServer(clusterId, subnet, log, clock::now, adminToken(clusterId), token(clusterId));
        clusters.put(key(clusterId), server);
        try {
            for (ObjectNode o : objects) {
                server.create(o);
            }
            AksSeed.seed(server, dnsServiceIp == null ? AKS_DEFAULT_DNS_SERVICE_IP : dnsServiceIp);
            controllers.reconcile(server, clock.now());
        } catch (RuntimeException e) {
            clusters.remove(key(clusterId));
            server.close();
            throw e;
        }
    }

    /**
     * The cluster user kubeconfig as AKS returns it: the API server's HTTPS address and the cluster CA
     * ({@code certificate-authority-data}), a cluster and context named after the cluster, and a user with a static
     * bearer token (local accounts), or (Entra ID, {@code format=exec}) an exec user running kubelogin.
     */
    public synchronized String kubeconfig(String clusterId, boolean entra) {
        String name = clusterId.substring(clusterId.lastIndexOf('/') + 1);
        String userBlock = entra
                ? "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args:\n"
                + "      - get-token\n      - --environment\n      - AzurePublicCloud\n      - --server-id\n      - " + AKS_AAD_SERVER_ID + "\n"
                + "      - --client-id\n      - " + AKS_AAD_CLIENT_ID + "\n      - --login\n      - devicecode\n"
                + "      env: null\n      provideClusterInfo: false\n      interactiveMode: IfAvailable\n"
                : "    token: " + token(clusterId) + "\n";
        return kubeconfig(clusterId, "clusterUser_" + name, userBlock);
    }

    /**
     * The cluster admin kubeconfig (listClusterAdminCredential's): a static token bound to cluster-admin, accepted by
     * Entra ID clusters too. For tests that set up or inspect the world as the cluster's administrator would.
     */
    public synchronized String adminKubeconfig(String clusterId) {
        String name = clusterId.substring(clusterId.lastIndexOf('/') + 1);
        return kubeconfig(clusterId, "clusterAdmin_" + name, "    token: " + adminToken(clusterId) + "\n");
    }

    private String kubeconfig(String clusterId, String user, String userBlock) {
        ClusterServer s = server(clusterId);
        String serverUrl = unreachable.containsKey(key(clusterId)) ? blackhole().url() : s.url();
        String name = clusterId.substring(clusterId.lastIndexOf('/') + 1);
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: " + name + "\n  cluster:\n"
                + "    certificate-authority-data: " + ClusterTls.get().caData() + "\n    server: " + serverUrl + "\n"
                + "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + user + "\n"
                + "current-context: " + name + "\npreferences: {}\nusers:\n- name: " + user + "\n  user:\n" + userBlock;
    }

    /**
     * Turns the cluster's Entra ID integration on or off (the cluster body's aadProfile): on, the API server takes Entra
     * tokens for the AKS server application and authorizes them with Kubernetes RBAC over the manifest Tether's
     * deployment applies (infra/kubernetes/tether-rbac.yaml, Tether's identity in place of its placeholder); the user
     * kubeconfig is then the kubelogin one. Off, it takes the user kubeconfig's static token.
     */
    public synchronized void setEntra(String clusterId, boolean entra) {
        server(clusterId).auth.configure(entra, entra ? KubernetesRbac.tether() : null);
        server(clusterId).changed.set(true);
    }

    /** Uses {@code manifest} in place of infra/kubernetes/tether-rbac.yaml for this Entra ID cluster (a test of a broken manifest). */
    public synchronized void setRbacManifest(String clusterId, String manifestYaml) {
        server(clusterId).auth.configure(true, KubernetesRbac.parse(manifestYaml.replace(KubernetesRbac.PRINCIPAL_PLACEHOLDER,
                dev.tether.sandbox.EntraTokens.TETHER_OBJECT_ID)));
        server(clusterId).changed.set(true);
    }

    /**
     * Every RBAC decision the cluster's API server made for an Entra identity, in order: the request's verb, API group,
     * resource, namespace and name, and the manifest rule that allowed it (empty: refused with 403).
     */
    public synchronized List<RbacDecision> rbacDecisions(String clusterId) {
        return server(clusterId).auth.decisions().stream().map(d -> new RbacDecision(d.user(), d.attributes().verb(), d.attributes().group(),
                d.attributes().resourcePath(), d.attributes().namespace(), d.attributes().name(),
                d.grant().map(g -> g.role() + (g.namespace() == null ? "" : "@" + g.namespace()) + ":" + g.rule()).orElse(null))).toList();
    }

    /** One RBAC decision; {@code allowedBy} names the role and rule that allowed it, null when refused. */
    public record RbacDecision(String user, String verb, String group, String resource, String namespace, String name, String allowedBy) {
    }

    /** The static token the cluster's user kubeconfig carries (tests scan logs for it). Stable per cluster id until rotated. */
    public synchronized String token(String clusterId) {
        int n = rotations.getOrDefault(key(clusterId), 0);
        return UUID.nameUUIDFromBytes((key(clusterId) + (n == 0 ? "" : "#" + n)).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    private final Map<String, Integer> rotations = new LinkedHashMap<>();

    /**
     * Resets the cluster's user credentials ({@code az aks update --reset-...} / certificate rotation): a kubeconfig
     * fetched before now carries a token the API server refuses with 401.
     */
    public synchronized void rotateUserCredentials(String clusterId) {
        ClusterServer s = server(clusterId);
        rotations.merge(key(clusterId), 1, Integer::sum);
        s.auth.rotateUserToken(token(clusterId));
        s.changed.set(true);
    }

    /** The cluster admin's static token (listClusterAdminCredential's). Stable per cluster id. */
    public synchronized String adminToken(String clusterId) {
        return UUID.nameUUIDFromBytes(("admin:" + key(clusterId)).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /**
     * Makes the cluster's API server unreachable from Tether's network position: its kubeconfig then names an address
     * where a connection times out, as Azure's does for a caller outside a private cluster's VNet or outside the
     * authorized IP ranges ({@link ApiServerNetwork}).
     */
    public synchronized void setUnreachable(String clusterId, String reason) {
        server(clusterId).changed.set(true);
        unreachable.put(key(clusterId), reason);
    }

    /** Why the cluster's API server is unreachable from Tether, if it is. */
    public synchronized Optional<String> unreachableReason(String clusterId) {
        return Optional.ofNullable(unreachable.get(key(clusterId)));
    }

    private ApiServerNetwork.Blackhole blackhole() {
        if (blackhole == null) {
            blackhole = new ApiServerNetwork.Blackhole();
        }
        return blackhole;
    }

    /**
     * The cluster's Kubernetes version, as ARM reports it ({@code currentKubernetesVersion}): before 1.30 its API server
     * serves no ValidatingAdmissionPolicy (discovery omits it, its paths answer 404). Null or unparseable: a current server.
     */
    public synchronized void setKubernetesVersion(String clusterId, String version) {
        server(clusterId).dispatcher.kubernetesVersion(version);
        server(clusterId).changed.set(true);
    }

    /** The subnets of the cluster's VNet by name, for Services that name one with azure-load-balancer-internal-subnet. */
    public synchronized void setVnetSubnets(String clusterId, Map<String, String> cidrByName) {
        ClusterServer s = server(clusterId);
        s.vnetSubnets.clear();
        cidrByName.forEach((n, c) -> s.vnetSubnets.put(n.toLowerCase(Locale.ROOT), Ipv4Cidr.parse(c)));
        s.changed.set(true);
    }

    /** Faults for requests from Tether to every cluster (the sandbox's own traffic is never faulted). */
    public synchronized void setFaults(Faults faults) {
        clusters.values().forEach(c -> c.dispatcher.setFaults(faults));
        changedAll();
    }

    /** Every cluster needs a pass of its controllers on the next advance (a setting they read changed). */
    private synchronized void changedAll() {
        clusters.values().forEach(c -> c.changed.set(true));
    }

    /**
     * Runs the simulated controllers once over every cluster, at the virtual clock's time, whether or not a cluster
     * changed. An advance of the clock runs them only over the clusters that changed or have something due
     * ({@link ControllerLoop}), which leaves the world as a pass over every cluster would.
     */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        for (ClusterServer s : clusters.values()) {
            controllers.reconcile(s, clock.now());
        }
    }

    /** What an advance of the virtual clock runs: a pass over each cluster that changed or has something due. */
    private synchronized void advance() {
        if (!closed) {
            controllers.advance(clusters.values(), clock.now());
        }
    }

    /** How many passes the controllers made over a cluster (summed over the clusters) since the sandbox started. */
    synchronized long controllerPasses() {
        return controllers.passes();
    }

    /** How many requests the sandbox's own client sent the cluster's API server (the controllers' and the sandbox's reads and writes). */
    synchronized long sandboxRequests(String clusterId) {
        return server(clusterId).sent.get();
    }

    /**
     * When a simulated controller next has something to do (a rollout finishing or passing its deadline, a load balancer
     * IP due), or empty when every controller of every cluster is at rest.
     */
    public synchronized Optional<java.time.Instant> nextWakeup() {
        return controllers.nextWakeup(clusters.values(), clock.now());
    }

    /** What each running pod of the cluster loaded from coredns-custom when it started ("namespace/pod" to data). */
    public synchronized Map<String, Map<String, String>> loadedCorednsConfig(String clusterId) {
        return deployments.loadedConfig(server(clusterId));
    }

    /** Why a LoadBalancer Service of the cluster has no IP (or not the one it asks for), if the controller knows. */
    public synchronized Optional<String> pendingReason(String clusterId, String namespace, String name) {
        return Optional.ofNullable(server(clusterId).pendingReasons.get(namespace + "/" + name));
    }

    /** Every object of one kind in the cluster, as the API server returns them (the sandbox's own read, not logged). */
    public synchronized List<ObjectNode> list(String clusterId, String kind) {
        return server(clusterId).list(kind);
    }

    /** Every Service, ConfigMap and Deployment per cluster, as the API server returns them, ordered by kind, namespace, name. */
    public synchronized Map<String, List<ObjectNode>> dump() {
        Map<String, List<ObjectNode>> out = new LinkedHashMap<>();
        clusters.values().forEach(s -> out.put(s.clusterId, s.dump()));
        return out;
    }

    public synchronized Optional<ObjectNode> get(String clusterId, String kind, String namespace, String name) {
        return server(clusterId).get(kind, namespace, name);
    }

    /**
     * A cluster administrator's client-java client (what kubectl or a deployment pipeline would send, with the admin
     * kubeconfig): its requests go through the API server like Tether's, TLS, authentication and admission included, but
     * are not Tether's, so they are not in the call log.
     */
    public synchronized io.kubernetes.client.openapi.ApiClient userClient(String clusterId) {
        try {
            io.kubernetes.client.openapi.ApiClient c = io.kubernetes.client.util.Config.fromConfig(new java.io.StringReader(adminKubeconfig(clusterId)));
            c.setHttpClient(c.getHttpClient().newBuilder().addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                    .header(LoggingDispatcher.INTERNAL_HEADER, LoggingDispatcher.INTERNAL_VALUE).build())).build());
            return c;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The sandbox's own fabric8 client for a cluster (its calls are not logged): for tests that edit the world. */
    public synchronized io.fabric8.kubernetes.client.KubernetesClient adminClient(String clusterId) {
        return server(clusterId).client;
    }

    private ClusterServer server(String clusterId) {
        ClusterServer s = clusters.get(key(clusterId));
        if (s == null) {
            throw new IllegalArgumentException("no cluster " + clusterId + " in the Kubernetes sandbox");
        }
        return s;
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) M.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (ClusterServer s : clusters.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        clusters.clear();
        if (blackhole != null) {
            blackhole.close();
        }
        if (first != null) {
            throw first;
        }
    }
}
