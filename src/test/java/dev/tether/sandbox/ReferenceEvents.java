package dev.tether.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real-shaped Event Grid notifications, built from the Microsoft examples in shared/reference/eventgrid: the example's
 * envelope and data are kept, and only the resource it names is changed.
 */
public final class ReferenceEvents {
    private static final ObjectMapper M = new ObjectMapper();

    private ReferenceEvents() {
    }

    /** The team's copy beside the project; where the test suite looks first. */
    public static final String SHARED = "../shared/reference";
    /** The byte-for-byte copy kept in the repository, for clones that have no shared/ beside them (CI, a fresh machine). */
    public static final String BUNDLED = "src/test/reference";

    /**
     * Where Microsoft's reference payloads are read from: {@code -Dtether.reference=DIR} if given, else
     * {@value #SHARED} when it sits beside the project, else the bundled copy {@value #BUNDLED}
     * ({@code ReferenceCopyTest} keeps the two identical).
     */
    public static Path referenceDir() {
        Path base = Path.of(System.getProperty("user.dir"));
        String explicit = System.getProperty("tether.reference");
        if (explicit != null && !explicit.isBlank()) {
            Path p = base.resolve(explicit).normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalStateException("-Dtether.reference=" + explicit + " is not a directory (resolved to " + p + ")");
            }
            return p;
        }
        for (String candidate : new String[] {SHARED, BUNDLED}) {
            Path p = base.resolve(candidate).normalize();
            if (Files.isDirectory(p.resolve("arm"))) {
                return p;
            }
        }
        throw new IllegalStateException("reference payloads not found: looked for " + base.resolve(SHARED).normalize()
                + " and " + base.resolve(BUNDLED).normalize() + "; run from the project root or pass -Dtether.reference=DIR");
    }

    public static ObjectNode example(String file) {
        try {
            ArrayNode arr = (ArrayNode) M.readTree(referenceDir().resolve("eventgrid").resolve(file).toFile());
            return (ObjectNode) arr.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ResourceWriteSuccess event (Event Grid schema) for a write of {@code resourceUri} by {@code operationName}. */
    public static ObjectNode writeSuccess(String resourceUri, String operationName, String eventId) {
        return retarget(example("sdk-java.resource-write-success.eventgrid.json"), resourceUri, operationName, eventId);
    }

    /** The same, raised by ARM at {@code time} (the example's {@code eventTime} replaced). */
    public static ObjectNode writeSuccess(String resourceUri, String operationName, String eventId, java.time.Instant time) {
        ObjectNode e = writeSuccess(resourceUri, operationName, eventId);
        e.put("eventTime", time.toString());
        return e;
    }

    public static ObjectNode retarget(ObjectNode example, String resourceUri, String operationName, String eventId) {
        ObjectNode e = example.deepCopy();
        String sub = resourceUri.split("/")[2];
        e.put("id", eventId);
        e.put("topic", "/subscriptions/" + sub);
        e.put("subject", resourceUri);
        ObjectNode data = (ObjectNode) e.get("data");
        data.put("resourceUri", resourceUri);
        data.put("operationName", operationName);
        data.put("subscriptionId", sub);
        data.put("resourceProvider", operationName.substring(0, operationName.indexOf('/')));
        if (data.get("authorization") instanceof ObjectNode auth) {
            auth.put("scope", resourceUri).put("action", operationName);
        }
        return e;
    }

    /**
     * Azure Resource Notifications' CreatedOrUpdated event (Event Grid schema) for a write that left {@code resource}
     * (its ARM body as the emulator serves it) in place, raised at {@code time}: Microsoft's example
     * (src/test/resources/eventgrid, learn.microsoft.com/azure/event-grid/event-schema-resources) with only the resource
     * replaced. {@code resourceInfo} is the body's id, name, type, location, tags ({@code {}} when it has none, as in the
     * example) and properties.
     */
    public static ObjectNode createdOrUpdated(com.fasterxml.jackson.databind.JsonNode resource, String eventId, java.time.Instant time) {
        ObjectNode e = resourceExample("docs.resources.created-or-updated.eventgrid.json");
        String id = resource.path("id").asText();
        String sub = id.split("/")[2];
        e.put("id", eventId);
        e.put("topic", "/subscriptions/" + sub);
        e.put("subject", id);
        e.put("eventTime", time.toString());
        ObjectNode data = (ObjectNode) e.get("data");
        ObjectNode info = data.putObject("resourceInfo");
        info.set("tags", resource.hasNonNull("tags") ? resource.get("tags").deepCopy() : M.createObjectNode());
        info.put("id", id);
        info.put("name", resource.path("name").asText());
        info.put("type", resource.path("type").asText());
        info.put("location", resource.path("location").asText());
        info.set("properties", resource.path("properties").deepCopy());
        ((ObjectNode) data.get("operationalInfo")).put("resourceEventTime", time.toString());
        String apiVersion = BODY_API_VERSIONS.get(resource.path("type").asText().toLowerCase(java.util.Locale.ROOT));
        if (apiVersion != null) {
            data.put("apiVersion", apiVersion);
        }
        return e;
    }

    /** The api-version of the reference body the emulator serves for each type ("API version of the resource properties"). */
    private static final java.util.Map<String, String> BODY_API_VERSIONS = java.util.Map.of(
            "microsoft.web/sites", "2025-03-01",
            "microsoft.web/sites/slots", "2025-03-01",
            "microsoft.containerservice/managedclusters", "2026-02-01",
            "microsoft.network/publicipaddresses", "2024-05-01",
            "microsoft.network/loadbalancers", "2024-07-01");

    /** One of the resources topic's examples kept beside the tests (src/test/resources/eventgrid), verbatim. */
    public static ObjectNode resourceExample(String file) {
        try (java.io.InputStream in = ReferenceEvents.class.getResourceAsStream("/eventgrid/" + file)) {
            if (in == null) {
                throw new IllegalStateException("test resource /eventgrid/" + file + " is missing");
            }
            return (ObjectNode) M.readTree(in);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The same notification in the CloudEvents 1.0 schema, as Event Grid delivers it to CloudEvents subscriptions. */
    public static ObjectNode asCloudEvent(ObjectNode eventGridEvent) {
        ObjectNode ce = M.createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("type", eventGridEvent.get("eventType").asText());
        ce.put("source", eventGridEvent.get("topic").asText());
        ce.put("id", eventGridEvent.get("id").asText());
        ce.put("time", eventGridEvent.get("eventTime").asText());
        ce.put("subject", eventGridEvent.get("subject").asText());
        ce.put("datacontenttype", "application/json");
        ce.set("data", eventGridEvent.get("data").deepCopy());
        return ce;
    }
}
