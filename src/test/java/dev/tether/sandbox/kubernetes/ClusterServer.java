package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One simulated AKS API server: a fabric8 CRUD mock on 127.0.0.1 (an ephemeral port), the sandbox's own client to it
 * (every request it sends carries the internal marker header, so it is never logged or faulted), and the per-cluster
 * state the simulated cloud controller keeps.
 */
final class ClusterServer implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();
    /** The mock logs every request at INFO through java.util.logging; the call log already has Tether's. */
    private static final Logger MOCK_LOGGER = Logger.getLogger(MockWebServer.class.getName());
    private static final Pattern SERVICE_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/services(?:/([^/]+))?");
    /** Where each kind we seed lives: the collection path of its API group. */
    private static final Map<String, String> COLLECTIONS = Map.of(
            "Service", "/api/v1/namespaces/%s/services",
            "ConfigMap", "/api/v1/namespaces/%s/configmaps",
            "Deployment", "/apis/apps/v1/namespaces/%s/deployments",
            "ValidatingAdmissionPolicy", AdmissionPolicies.POLICIES,
            "ValidatingAdmissionPolicyBinding", AdmissionPolicies.BINDINGS,
            "Pod", "/api/v1/namespaces/%s/pods",
            "EndpointSlice", "/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices");
    /** The kinds {@link #dump()} reports, in this order. */
    static final List<String> DUMPED_KINDS = List.of("ConfigMap", "Deployment", "EndpointSlice", "Pod", "Service");

    static {
        MOCK_LOGGER.setLevel(Level.WARNING);
    }

    final String clusterId;
    final Ipv4Cidr internalSubnet;
    final LoggingDispatcher dispatcher;
    private final KubernetesMockServer server;
    /** fabric8's server keeps every request it served for takeRequest(); the sandbox logs calls itself (CallLog). */
    private final MockWebServer recorder;
    final KubernetesClient client;
    private final Supplier<Instant> now;
    /** When each Service ("namespace/name") was last created or changed by anyone other than the controller's status writes. */
    final Map<String, Instant> serviceWrittenAt = new ConcurrentHashMap<>();
    /** The controller's memory per Service: what it last saw and since when. */
    final Map<String, SimulatedLoadBalancerController.Observed> observed = new ConcurrentHashMap<>();
    /** Why a LoadBalancer Service has no IP, per Service. */
    final Map<String, String> pendingReasons = new ConcurrentHashMap<>();
    /** Subnets of the cluster's VNet by lower-cased name: where azure-load-balancer-internal-subnet points. */
    final Map<String, Ipv4Cidr> vnetSubnets = new ConcurrentHashMap<>();
    /** Whether the cluster changed since its controllers' last pass ({@link ControllerLoop}); set by every mutating request. */
    final AtomicBoolean changed = new AtomicBoolean(true);
    /** Requests the sandbox's own client sent (the controllers' reads and writes, and the sandbox's own reads). */
    final AtomicLong sent = new AtomicLong();

    /** Who may call this API server; Entra ID integration is switched on by {@link KubernetesSandbox#setEntra}. */
    final ApiServerAuth auth;
    private final ClusterTls.Front tls;

    ClusterServer(String clusterId, Ipv4Cidr internalSubnet, CallLog log, Supplier<Instant> now, String adminToken, String userToken) {
        this.clusterId = clusterId;
        this.internalSubnet = internalSubnet;
        this.now = now;
        this.auth = new ApiServerAuth(adminToken, userToken);
        this.dispatcher = new LoggingDispatcher(log, this::written, () -> changed.set(true), auth);
        this.recorder = new MockWebServer();
        this.server = new KubernetesMockServer(new Context(), recorder, new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.tls = ClusterTls.get().front(server.getPort());
        this.client = server.createClient(b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("tether-sandbox", new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                builder.setHeader(LoggingDispatcher.INTERNAL_HEADER, LoggingDispatcher.INTERNAL_VALUE);
                builder.setHeader("Authorization", "Bearer " + adminToken);
            }
        })));
    }

    /** The API server's address as kubeconfigs name it: HTTPS, with a certificate signed by the cluster CA. */
    String url() {
        return "https://127.0.0.1:" + tls.port();
    }

    /** The plain listener behind the TLS front: only the sandbox's own client uses it. */
    private String plainUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Runs on the server's thread: it must not call the server back. */
    private void written(String method, String path, String body) {
        Matcher m = SERVICE_PATH.matcher(path);
        if (!m.matches()) {
            return;
        }
        String name = m.group(2);
        if (name == null) {
            try {
                name = M.readTree(body).path("metadata").path("name").asText(null);
            } catch (IOException e) {
                return;
            }
        }
        if (name != null) {
            serviceWrittenAt.put(m.group(1) + "/" + name, now.get());
        }
    }

    /** Creates an object exactly as given (its JSON is posted unchanged, apart from a defaulted namespace). */
    ObjectNode create(ObjectNode object) {
        String kind = object.path("kind").asText();
        String name = object.path("metadata").path("name").asText("");
        if (!kind.equals("Namespace") && !COLLECTIONS.containsKey(kind)) {
            throw new IllegalArgumentException("cluster " + clusterId + ": the sandbox holds Namespace, Service, ConfigMap, Deployment, Pod, EndpointSlice,"
                    + " ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects, not '"
                    + kind + "' (" + name + ")");
        }
        ObjectNode body = object.deepCopy();
        String path;
        if (kind.equals("Namespace")) {
            path = "/api/v1/namespaces";
        } else if (!COLLECTIONS.get(kind).contains("%s")) {
            path = COLLECTIONS.get(kind); // cluster-scoped
        } else {
            String namespace = body.path("metadata").path("namespace").asText("");
            if (namespace.isEmpty()) {
                namespace = "default";
                body.with("metadata").put("namespace", namespace);
            }
            ensureNamespace(namespace);
            path = COLLECTIONS.get(kind).formatted(namespace);
        }
        HttpResponse<String> r = send("POST", path, "application/json", body.toString());
        if (r.code() != 201) {
            throw new IllegalArgumentException("cluster " + clusterId + ": cannot create " + kind + " " + name + ": " + r.code() + " " + r.body());
        }
        return parse(r.body());
    }

    /** A real API server refuses objects in a namespace that does not exist; the sandbox creates the namespace instead. */
    private void ensureNamespace(String namespace) {
        if (get("Namespace", null, namespace).isEmpty()) {
            ObjectNode ns = M.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", namespace);
            create(ns);
        }
    }

    Optional<ObjectNode> get(String kind, String namespace, String name) {
        String path = kind.equals("Namespace") ? "/api/v1/namespaces/" + name
                : COLLECTIONS.containsKey(kind) ? COLLECTIONS.get(kind).formatted(namespace) + "/" + name : null;
        if (path == null) {
            return Optional.empty();
        }
        HttpResponse<String> r = send("GET", path, null, null);
        return r.code() == 200 ? Optional.of(withoutManagedFields(parse(r.body()))) : Optional.empty();
    }

    /** Every object of one kind in all namespaces, as the API server returns them. */
    List<ObjectNode> list(String kind) {
        String path = COLLECTIONS.get(kind).replace("/namespaces/%s", "");
        HttpResponse<String> r = send("GET", path, null, null);
        if (r.code() != 200) {
            throw new IllegalStateException("cluster " + clusterId + ": list " + kind + " answered " + r.code());
        }
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : parse(r.body()).path("items")) {
            items.add(withoutManagedFields((ObjectNode) item));
        }
        return items;
    }

    /** Replaces a Service's status through the /status subresource (what the cloud controller does). */
    void patchServiceStatus(String namespace, String name, ObjectNode status) {
        ObjectNode patch = M.createObjectNode();
        patch.set("status", status);
        HttpResponse<String> r = send("PATCH", "/api/v1/namespaces/" + namespace + "/services/" + name + "/status",
                "application/merge-patch+json", patch.toString());
        if (r.code() >= 300 && r.code() != 404) {
            throw new IllegalStateException("cluster " + clusterId + ": status patch of " + namespace + "/" + name + " answered " + r.code());
        }
    }

    /** Merge-patches an object's /status subresource (what a controller does); false when the object is gone. */
    boolean patchStatus(String kind, String namespace, String name, ObjectNode status) {
        ObjectNode patch = M.createObjectNode();
        patch.set("status", status);
        HttpResponse<String> r = send("PATCH", COLLECTIONS.get(kind).formatted(namespace) + "/" + name + "/status",
                "application/merge-patch+json", patch.toString());
        if (r.code() >= 300 && r.code() != 404) {
            throw new IllegalStateException("cluster " + clusterId + ": status patch of " + kind + " " + namespace + "/" + name + " answered " + r.code());
        }
        return r.code() < 300;
    }

    /** Replaces an object (a controller's write of an object it owns, e.g. an EndpointSlice). */
    void replace(ObjectNode object) {
        String kind = object.path("kind").asText();
        String namespace = object.path("metadata").path("namespace").asText();
        String name = object.path("metadata").path("name").asText();
        HttpResponse<String> r = send("PUT", COLLECTIONS.get(kind).formatted(namespace) + "/" + name, "application/json", object.toString());
        if (r.code() >= 300) {
            throw new IllegalStateException("cluster " + clusterId + ": update of " + kind + " " + namespace + "/" + name + " answered " + r.code());
        }
    }

    void delete(String kind, String namespace, String name) {
        HttpResponse<String> r = send("DELETE", COLLECTIONS.get(kind).formatted(namespace) + "/" + name, null, null);
        if (r.code() >= 300 && r.code() != 404) {
            throw new IllegalStateException("cluster " + clusterId + ": delete of " + kind + " " + namespace + "/" + name + " answered " + r.code());
        }
    }

    /** Services, ConfigMaps and Deployments in every namespace, ordered by kind, namespace and name. */
    List<ObjectNode> dump() {
        List<ObjectNode> all = new ArrayList<>();
        DUMPED_KINDS.forEach(k -> all.addAll(list(k)));
        all.sort(Comparator.comparing((ObjectNode o) -> o.path("kind").asText())
                .thenComparing(o -> o.path("metadata").path("namespace").asText())
                .thenComparing(o -> o.path("metadata").path("name").asText()));
        return all;
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) {
        var builder = client.getHttpClient().newHttpRequestBuilder().uri(plainUrl() + path).timeout(30, TimeUnit.SECONDS);
        if (method.equals("DELETE")) {
            builder = builder.delete("application/json", "{}");
        } else if (!method.equals("GET")) {
            builder = builder.method(method, contentType, body);
        }
        sent.incrementAndGet();
        try {
            HttpResponse<String> response = client.getHttpClient().sendAsync(builder.build(), String.class).get(30, TimeUnit.SECONDS);
            forgetServedRequests();
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cluster " + clusterId + ": " + method + " " + path + " failed: " + e, e);
        }
    }

    /**
     * Drops the requests fabric8's server recorded (Tether's and the controllers'): nothing reads them, and a long run
     * (the 10,000-event storm: millions of controller reads) kept them all, gigabytes, until the JVM spent its time in GC.
     */
    private void forgetServedRequests() throws InterruptedException {
        while (recorder.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
            // dropped
        }
    }

    private static ObjectNode withoutManagedFields(ObjectNode o) {
        if (o.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
        return o;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        tls.close();
        client.close();
        server.destroy();
    }
}
