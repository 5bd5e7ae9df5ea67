package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One simulated AKS API server on loopback: a fabric8 CRUD mock, and the sandbox's own client to it. */
final class ClusterServer implements AutoCloseable {
    private static final ObjectMapper M = new ObjectMapper();
    private static final Pattern SERVICE_PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/services(?:/([^/?]+))?.*");

    final String clusterId;
    final String internalCidr;
    private final KubernetesMockServer server;
    final LoggingDispatcher dispatcher;
    final NamespacedKubernetesClient client;
    /** When each Service was last written by a client other than the sandbox: the controller reacts after the LB delay. */
    final Map<String, Instant> serviceChangedAt = new ConcurrentHashMap<>();
    final Map<String, String> pendingReasons = new ConcurrentHashMap<>();
    /** Subnets of the cluster's VNet by lower-cased name: where azure-load-balancer-internal-subnet points. */
    final Map<String, String> vnetSubnets = new ConcurrentHashMap<>();
    private final java.util.function.Supplier<Instant> now;

    ClusterServer(String clusterId, String internalCidr, CallLog log, java.util.function.Supplier<Instant> now) {
        this.clusterId = clusterId;
        this.internalCidr = internalCidr;
        this.now = now;
        this.dispatcher = new LoggingDispatcher(log, this::onWrite);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.client = server.createClient(b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("tether-sandbox", new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                builder.header(LoggingDispatcher.INTERNAL_HEADER, "internal");
            }
        })));
    }

    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Runs on the server's thread: it must not call the server back. */
    private void onWrite(String method, String path, String body) {
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
            serviceChangedAt.put(m.group(1) + "/" + name, now.get());
        }
    }

    /** Creates an object exactly as given. */
    void create(ObjectNode object) {
        String kind = object.path("kind").asText();
        if (!List.of("Service", "ConfigMap", "Deployment", "Namespace").contains(kind)) {
            throw new IllegalArgumentException("cluster " + clusterId + ": the sandbox seeds Service, ConfigMap, Deployment and Namespace objects, not '" + kind + "'");
        }
        ObjectNode copy = object.deepCopy();
        if (!kind.equals("Namespace") && !copy.path("metadata").has("namespace")) {
            ((ObjectNode) copy.get("metadata")).put("namespace", "default");
        }
        HasMetadata resource = client.getKubernetesSerialization().unmarshal(copy.toString());
        client.resource(resource).create();
    }

    boolean exists(String kind, String namespace, String name) {
        return switch (kind) {
            case "Service" -> client.services().inNamespace(namespace).withName(name).get() != null;
            case "ConfigMap" -> client.configMaps().inNamespace(namespace).withName(name).get() != null;
            case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name).get() != null;
            case "Namespace" -> client.namespaces().withName(name).get() != null;
            default -> false;
        };
    }

    List<ObjectNode> dump() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.services().inAnyNamespace().list().getItems());
        all.addAll(client.configMaps().inAnyNamespace().list().getItems());
        all.addAll(client.apps().deployments().inAnyNamespace().list().getItems());
        all.sort(Comparator.comparing((HasMetadata h) -> h.getKind()).thenComparing(h -> String.valueOf(h.getMetadata().getNamespace()))
                .thenComparing(h -> h.getMetadata().getName()));
        List<ObjectNode> out = new ArrayList<>();
        for (HasMetadata h : all) {
            try {
                ObjectNode node = (ObjectNode) M.readTree(client.getKubernetesSerialization().asJson(h));
                if (node.get("metadata") instanceof ObjectNode meta) {
                    meta.remove("managedFields");
                }
                out.add(node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
