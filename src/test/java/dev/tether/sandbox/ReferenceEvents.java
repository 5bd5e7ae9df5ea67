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
