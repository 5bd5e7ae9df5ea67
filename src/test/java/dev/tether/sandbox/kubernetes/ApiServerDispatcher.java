package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * fabric8's CRUD dispatcher, corrected where it would mislead a client written for a real API server:
 * <ul>
 * <li>JSON merge patch follows RFC 7386 (arrays are replaced, {@code null} removes a key; fabric8 appends array
 * elements and stores nulls). A {@code metadata.resourceVersion} in the patch is a precondition (409 when stale).</li>
 * <li>A patch or update of the object itself leaves {@code status} alone (status is a subresource for Services and
 * Deployments); {@code /status} changes only the status.</li>
 * <li>A write that changes nothing is a no-op: same resourceVersion, as on a real API server.</li>
 * <li>Responses carry {@code Content-Type: application/json}; a PATCH answers 200 (not 202); a 404 carries a
 * {@code Status} body with reason NotFound (not an empty body); a 409 says AlreadyExists or Conflict (not Invalid).</li>
 * <li>A list with {@code limit} is answered in chunks: at most that many items and, when more remain, a
 * {@code metadata.continue} token for the next chunk (fabric8 ignores {@code limit}; the API server's chunked list:
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks).</li>
 * <li>Creates and updates of Services pass the bound ValidatingAdmissionPolicies first ({@link AdmissionPolicies}).</li>
 * </ul>
 */
class ApiServerDispatcher extends KubernetesCrudDispatcher {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VOLATILE_METADATA = List.of("resourceVersion", "generation", "creationTimestamp", "uid", "managedFields");

    /** Validating admission on Service writes: its own class; {@link #admitted} is the only hook. */
    final AdmissionPolicies admission = new AdmissionPolicies();

    /**
     * Whether this API server serves ValidatingAdmissionPolicy and its binding in admissionregistration.k8s.io/v1: from
     * Kubernetes 1.30 on (Kubernetes docs, "Validating Admission Policy": "FEATURE STATE: Kubernetes v1.30 [stable]").
     */
    private volatile boolean servesAdmissionPolicies = true;
    static final String ADMISSION_DISCOVERY = "/apis/admissionregistration.k8s.io/v1";
    /** The discovery document of a current API server, verbatim (src/test/resources/kubernetes, with its source). */
    private static final String ADMISSION_RESOURCES = "/kubernetes/apis__admissionregistration.k8s.io__v1.json";

    /** The cluster's Kubernetes version as ARM reports it ({@code currentKubernetesVersion}); null keeps a current server. */
    void kubernetesVersion(String version) {
        java.util.regex.Matcher m = version == null ? null : java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        servesAdmissionPolicies = m == null || !m.find() || Integer.parseInt(m.group(1)) > 1 || Integer.parseInt(m.group(2)) >= 30;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = pathOnly(request.getPath());
        if ("GET".equals(request.getMethod()) && (path.equals(ADMISSION_DISCOVERY) || path.equals(ADMISSION_DISCOVERY + "/"))) {
            return admissionDiscovery();
        }
        if (!servesAdmissionPolicies && (path.startsWith(AdmissionPolicies.POLICIES) || path.startsWith(AdmissionPolicies.BINDINGS))) {
            // A resource the server does not serve: apimachinery's generic NotFound, with empty details
            // (k8s.io/apimachinery/pkg/api/errors NewGenericServerResponse: "the server could not find the requested resource").
            ObjectNode status = statusBody(404, "NotFound", "the server could not find the requested resource");
            status.putObject("details");
            return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json").setBody(status.toString());
        }
        return chunked(request, normalize(request, super.dispatch(request)));
    }

    /** GET /apis/admissionregistration.k8s.io/v1: the real document, without the admission-policy kinds before 1.30. */
    private MockResponse admissionDiscovery() {
        try (java.io.InputStream in = ApiServerDispatcher.class.getResourceAsStream(ADMISSION_RESOURCES)) {
            ObjectNode list = (ObjectNode) JSON.readTree(in);
            if (!servesAdmissionPolicies) {
                com.fasterxml.jackson.databind.node.ArrayNode kept = JSON.createArrayNode();
                list.path("resources").forEach(r -> {
                    if (!r.path("name").asText().contains("admissionpolicies") && !r.path("name").asText().contains("admissionpolicybindings")) {
                        kept.add(r);
                    }
                });
                list.set("resources", kept);
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(list.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A list answered in chunks of {@code limit}, continued by an opaque token (here: the offset of the next item). */
    private static MockResponse chunked(RecordedRequest request, MockResponse response) {
        String query = request.getPath().contains("?") ? request.getPath().substring(request.getPath().indexOf('?') + 1) : "";
        String limit = param(query, "limit");
        if (!"GET".equals(request.getMethod()) || response.code() != 200 || limit == null || !(read(body(response)) instanceof ObjectNode list)
                || !(list.get("items") instanceof com.fasterxml.jackson.databind.node.ArrayNode items)) {
            return response;
        }
        String token = param(query, "continue");
        int from = token == null ? 0 : Integer.parseInt(new String(java.util.Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        int to = Math.min(items.size(), from + Integer.parseInt(limit));
        com.fasterxml.jackson.databind.node.ArrayNode page = JSON.createArrayNode();
        for (int i = from; i < to; i++) {
            page.add(items.get(i));
        }
        list.set("items", page);
        ObjectNode meta = list.with("metadata");
        if (to < items.size()) {
            meta.put("continue", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(to).getBytes(StandardCharsets.UTF_8)));
            meta.put("remainingItemCount", items.size() - to);
        } else {
            meta.remove("continue");
        }
        return response.setBody(list.toString());
    }

    private static String param(String query, String name) {
        for (String kv : query.split("&")) {
            if (kv.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(kv.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public synchronized MockResponse handleCreate(RecordedRequest request) {
        String body = request.getUtf8Body();
        return admitted("CREATE", pathOnly(request.getPath()), object(body), null, () -> withRealisticUid(request.getPath(), object(body),
                () -> super.handleCreate(withBody(request, body))));
    }

    /** fabric8's uid source: {@code new UUID(0, counter.incrementAndGet())}, one counter for the whole JVM. */
    private static final java.lang.reflect.Field UID_COUNTER = uidCounter();
    private int creates;

    private static java.lang.reflect.Field uidCounter() {
        try {
            java.lang.reflect.Field f = io.fabric8.kubernetes.client.utils.Utils.class.getDeclaredField("leastSigBits");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's uid counter moved: " + e, e);
        }
    }

    /**
     * Creates with a uid that varies in all its digits, as a real API server's random uids do, and that depends only on
     * this API server's creates (not on what other tests created before in the JVM). fabric8 hands out sequential uids
     * from one JVM-wide counter: they differ in the last digit only, which AKS cuts off when it names a Service's load
     * balancer frontend and public IP ("a" + uid, cut to 32), so two Services would share one name.
     */
    private MockResponse withRealisticUid(String path, ObjectNode object, java.util.function.Supplier<MockResponse> create) {
        String name = object == null ? "" : object.path("metadata").path("name").asText("");
        java.util.UUID seed = java.util.UUID.nameUUIDFromBytes((pathOnly(path) + "/" + name + "#" + (++creates))
                .getBytes(StandardCharsets.UTF_8));
        synchronized (io.fabric8.kubernetes.client.utils.Utils.class) {
            try {
                ((java.util.concurrent.atomic.AtomicLong) UID_COUNTER.get(null)).set(seed.getLeastSignificantBits() - 1);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            return create.get();
        }
    }

    /**
     * Runs validating admission for a create or update of a Service (any other write passes), then {@code store}
     * unless a policy denied it; warnings go on the response as {@code Warning: 299 - "..."} headers.
     */
    private MockResponse admitted(String operation, String path, ObjectNode object, ObjectNode old, java.util.function.Supplier<MockResponse> store) {
        java.util.Optional<String> namespace = AdmissionPolicies.serviceNamespace(path);
        if (namespace.isEmpty() || path.endsWith("/status") || object == null) {
            return store.get();
        }
        ObjectNode candidate = object.deepCopy();
        candidate.with("metadata").put("namespace", namespace.get()); // the API server sets it from the URL before admission
        String name = candidate.path("metadata").path("name").asText(path.substring(path.lastIndexOf('/') + 1));
        AdmissionPolicies.Decision d = admission.admit(new AdmissionPolicies.Request(operation, "", "v1", "services", "Service",
                namespace.get(), name, candidate, old), this::items);
        if (d.denied() != null) {
            return d.denied();
        }
        MockResponse response = store.get();
        for (String w : d.warnings()) {
            response.addHeader("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return response;
    }

    private List<ObjectNode> items(String collectionPath) {
        MockResponse r = super.handleGet(collectionPath);
        List<ObjectNode> items = new java.util.ArrayList<>();
        if (r.code() == 200 && read(body(r)) instanceof ObjectNode list) {
            list.path("items").forEach(i -> items.add((ObjectNode) i));
        }
        return items;
    }

    @Override
    public synchronized MockResponse handlePatch(RecordedRequest request) {
        String type = String.valueOf(request.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
        String body = request.getUtf8Body();
        if (!type.startsWith("application/merge-patch+json")) {
            return super.handlePatch(withBody(request, body));
        }
        String path = pathOnly(request.getPath());
        boolean statusOnly = path.endsWith("/status");
        String objectPath = statusOnly ? path.substring(0, path.length() - "/status".length()) : path;
        MockResponse found = super.handleGet(objectPath);
        if (found.code() != 200) {
            return found;
        }
        ObjectNode current = object(body(found));
        JsonNode patch = read(body);
        if (current == null || patch == null || !patch.isObject()) {
            return status(400, "BadRequest", "the merge patch must be a JSON object");
        }
        String wanted = patch.path("metadata").path("resourceVersion").asText(null);
        String actual = current.path("metadata").path("resourceVersion").asText(null);
        if (wanted != null && !wanted.equals(actual)) {
            return conflict(current);
        }
        ObjectNode merged = (ObjectNode) MergePatch.apply(current, patch);
        ObjectNode next;
        if (statusOnly) {
            next = current.deepCopy();
            setOrRemove(next, "status", merged.get("status"));
        } else {
            next = merged;
            setOrRemove(next, "status", current.get("status"));
            for (String identity : List.of("name", "namespace", "uid", "creationTimestamp")) {
                setOrRemove((ObjectNode) next.with("metadata"), identity, current.path("metadata").get(identity));
            }
        }
        next.with("metadata").put("resourceVersion", actual);
        RecordedRequest put = new RecordedRequest("PUT " + path + " HTTP/1.1", HttpMethod.PUT, path, request.getHeaders(),
                new Buffer(next.toString().getBytes(StandardCharsets.UTF_8)));
        return handleUpdate(put);
    }

    @Override
    public synchronized MockResponse handleUpdate(RecordedRequest request) {
        String path = pathOnly(request.getPath());
        boolean statusOnly = path.endsWith("/status");
        MockResponse found = super.handleGet(statusOnly ? path.substring(0, path.length() - "/status".length()) : path);
        ObjectNode current = found.code() == 200 ? object(body(found)) : null;
        String body = request.getUtf8Body();
        ObjectNode update = object(body);
        if (current == null || update == null) {
            return super.handleUpdate(withBody(request, body));
        }
        if (!statusOnly) {
            setOrRemove(update, "status", current.get("status"));
        }
        String wanted = update.path("metadata").path("resourceVersion").asText(null);
        String actual = current.path("metadata").path("resourceVersion").asText(null);
        boolean preconditionHolds = wanted == null || wanted.equals(actual);
        ObjectNode candidate = statusOnly ? withStatus(current, update.get("status")) : update;
        java.util.function.Supplier<MockResponse> store = preconditionHolds && comparable(candidate).equals(comparable(current))
                ? () -> new MockResponse().setResponseCode(200).setBody(current.toString())
                : () -> super.handleUpdate(withBody(request, update.toString()));
        return statusOnly ? store.get() : admitted("UPDATE", path, update, current, store);
    }

    /**
     * A copy of the request with this body. Reading a recorded request's body consumes it, so whoever reads it passes
     * on a copy.
     */
    static RecordedRequest withBody(RecordedRequest request, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(), request.getHeaders(), new Buffer(bytes));
    }

    private static ObjectNode withStatus(ObjectNode current, JsonNode status) {
        ObjectNode copy = current.deepCopy();
        setOrRemove(copy, "status", status);
        return copy;
    }

    /** The object without the fields the server maintains, to tell whether a write changes anything. */
    private static ObjectNode comparable(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            VOLATILE_METADATA.forEach(meta::remove);
        }
        return copy;
    }

    private static void setOrRemove(ObjectNode node, String field, JsonNode value) {
        if (value == null || value.isNull()) {
            node.remove(field);
        } else {
            node.set(field, value.deepCopy());
        }
    }

    private MockResponse normalize(RecordedRequest request, MockResponse response) {
        if (response.getWebSocketListener() != null) {
            return response;
        }
        int code = response.code();
        String body = body(response);
        if (code == 404 && body.isBlank()) {
            response.setBody(notFound(pathOnly(request.getPath())).toString());
        } else if (code == 409 && read(body) instanceof ObjectNode status && "Invalid".equals(status.path("reason").asText())) {
            status.put("reason", "POST".equals(request.getMethod()) ? "AlreadyExists" : "Conflict");
            response.setBody(status.toString());
        }
        if (code == 202 && "PATCH".equals(request.getMethod())) {
            response.setResponseCode(200);
        }
        if (response.header("Content-Type") == null && !body(response).isEmpty()) {
            response.setHeader("Content-Type", "application/json");
        }
        return response;
    }

    private static ObjectNode notFound(String path) {
        String[] parts = path.replaceFirst("/status$", "").split("/");
        String name = parts.length > 0 ? parts[parts.length - 1] : "";
        String resource = parts.length > 1 ? parts[parts.length - 2] : "";
        ObjectNode status = statusBody(404, "NotFound", resource + " \"" + name + "\" not found");
        status.with("details").put("name", name).put("kind", resource);
        return status;
    }

    private static MockResponse conflict(ObjectNode current) {
        String kind = current.path("kind").asText();
        String name = current.path("metadata").path("name").asText();
        return status(409, "Conflict", "Operation cannot be fulfilled on " + kind + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again");
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setBody(statusBody(code, reason, message).toString());
    }

    static ObjectNode statusBody(int code, String reason, String message) {
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", "Status").put("apiVersion", "v1").set("metadata", JSON.createObjectNode());
        s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        return s;
    }

    static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static String body(MockResponse response) {
        Buffer b = response.getBody();
        return b == null ? "" : new String(b.getBytes(), StandardCharsets.UTF_8);
    }

    private static JsonNode read(String json) {
        try {
            return json == null || json.isBlank() ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static ObjectNode object(String json) {
        return read(json) instanceof ObjectNode o ? o : null;
    }
}
