package dev.tether.events;

import com.azure.core.models.CloudEvent;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;

import java.util.List;


/**
 * Parses one Event Grid delivery, in the Event Grid schema or CloudEvents 1.0, into a {@link ResourceEvent}.
 * The text is first checked with bounded Jackson limits (size, nesting), so hostile input fails fast and cleanly.
 */
public final class EventParser {
    /** Event Grid's own limit for one event. */
    public static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final int MAX_DEPTH = 64;
    private static final ObjectMapper GUARD = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_EVENT_BYTES).build())
            .build());

    private EventParser() {
    }

    public static ResourceEvent parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidInputException("the event is empty");
        }
        if (body.length() > MAX_EVENT_BYTES) {
            throw new InvalidInputException("the event is " + body.length() + " characters; Event Grid events are at most 1 MB");
        }
        JsonNode tree;
        try {
            tree = GUARD.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the event is not valid JSON (or nests deeper than " + MAX_DEPTH + " levels): "
                    + e.getOriginalMessage());
        }
        if (tree.isArray()) {
            if (tree.size() != 1) {
                throw new InvalidInputException("expected one event per invocation, got an array of " + tree.size());
            }
            tree = tree.get(0);
        }
        if (!tree.isObject()) {
            throw new InvalidInputException("the event is not a JSON object");
        }
        boolean cloudEvent = tree.has("specversion");
        if (!cloudEvent && !tree.has("eventType")) {
            throw new InvalidInputException("the event is neither Event Grid schema (no eventType) nor CloudEvents 1.0 (no specversion)");
        }
        // The SDK's readers expect these to be strings and lose their place on anything else: with "dataVersion": [] or
        // "metadataVersion": [] after the data, EventGridEvent.fromString (azure-messaging-eventgrid 4.31.4) never
        // returns, and other kinds surface as unrelated errors. So their kinds are checked here first.
        requireStrings(tree, cloudEvent ? CLOUD_EVENT_REQUIRED : EVENT_GRID_REQUIRED, true);
        requireStrings(tree, cloudEvent ? CLOUD_EVENT_OPTIONAL : EVENT_GRID_OPTIONAL, false);
        if (!cloudEvent && (tree.get("data") == null || tree.get("data").isNull())) {
            // Mandatory in the Event Grid schema; the SDK would log an error of its own before refusing it.
            throw new InvalidInputException("the event's data is missing");
        }
        String timeField = cloudEvent ? "time" : "eventTime";
        String single = tree.toString();
        try {
            if (cloudEvent) {
                CloudEvent ce = CloudEvent.fromString(single).get(0);
                return fromData(ce.getId(), ce.getType(), tree.get("data"), ce.getTime());
            }
            EventGridEvent eg = EventGridEvent.fromString(single).get(0);
            return fromData(eg.getId(), eg.getEventType(), tree.get("data"), eg.getEventTime());
        } catch (java.time.DateTimeException e) {
            throw new InvalidInputException("the event's " + timeField + " '" + ResourceId.abbreviate(tree.path(timeField).asText())
                    + "' is not an RFC 3339 timestamp (like 2026-01-01T00:00:00Z)");
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | NullPointerException | java.io.UncheckedIOException e) {
            throw new InvalidInputException("the event does not match its schema: " + e.getMessage());
        }
    }

    /** Envelope fields that are strings in each schema (Event Grid event schema; CloudEvents 1.0 JSON format). */
    private static final List<String> EVENT_GRID_REQUIRED = List.of("id", "eventType", "subject", "eventTime", "dataVersion");
    private static final List<String> EVENT_GRID_OPTIONAL = List.of("topic", "metadataVersion");
    private static final List<String> CLOUD_EVENT_REQUIRED = List.of("id", "source", "specversion", "type");
    private static final List<String> CLOUD_EVENT_OPTIONAL = List.of("time", "subject", "datacontenttype", "dataschema", "data_base64");
    /** The fields Tether reads from a ResourceWriteSuccess's data, all strings. */
    private static final List<String> DATA_FIELDS = List.of("resourceUri", "operationName", "status", "subscriptionId");

    private static void requireStrings(JsonNode o, List<String> fields, boolean required) {
        for (String f : fields) {
            JsonNode v = o.get(f);
            if ((v == null || v.isNull()) ? required : !v.isTextual()) {
                throw new InvalidInputException("the event's " + f + (v == null || v.isNull() ? " is missing" : " must be a string, not " + kind(v)));
            }
        }
    }

    private static String kind(JsonNode v) {
        return v.isObject() ? "an object" : v.isArray() ? "an array" : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : v.getNodeType().name().toLowerCase();
    }

    /**
     * The fields Tether needs from a ResourceWriteSuccess's data (Event Grid's "Azure Resource Manager as an Event Grid
     * source": resourceUri, operationName, status, subscriptionId), read from the parsed tree: the SDK's data class
     * would read every other field too (claims, authorization, httpRequest), and a field of the wrong kind there is
     * the same endless loop as above.
     */
    private static ResourceEvent fromData(String id, String type, JsonNode data, java.time.OffsetDateTime time) {
        java.time.Instant at = time == null ? null : time.toInstant();
        if (type == null || type.isBlank()) {
            throw new InvalidInputException("event " + id + " has no type");
        }
        if (EventRouter.RESOURCE_CREATED_OR_UPDATED.equalsIgnoreCase(type)) {
            return fromResourceInfo(id, type, data, at);
        }
        if (!EventRouter.WRITE_SUCCESS.equals(type)) {
            // Deletes, actions and failures never lead to a write; their data is not read.
            return new ResourceEvent(id, type, null, null, null, null, at);
        }
        if (data == null || data.isNull()) {
            throw new InvalidInputException("event " + id + " (" + type + ") has no data");
        }
        if (!data.isObject()) {
            throw new InvalidInputException("event " + id + " (" + type + ") has data that is " + kind(data) + ", not an object");
        }
        for (String f : DATA_FIELDS) {
            JsonNode v = data.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new InvalidInputException("event " + id + ": data." + f + " must be a string, not " + kind(v));
            }
        }
        return new ResourceEvent(id, type, text(data, "resourceUri"), text(data, "operationName"), text(data, "status"), text(data, "subscriptionId"), at);
    }

    /**
     * An Azure Resource Notifications CreatedOrUpdated event (learn.microsoft.com/azure/event-grid/event-schema-resources):
     * the resource is {@code data.resourceInfo.id}, and its tags are {@code data.resourceInfo.tags}, an object of strings
     * as in Microsoft's example. Tags in any other shape (the schema table calls them a string) or absent are taken as
     * not carried: the intake then reads them from ARM, as for a ResourceWriteSuccess.
     */
    private static ResourceEvent fromResourceInfo(String id, String type, JsonNode data, java.time.Instant at) {
        if (data == null || !data.isObject()) {
            throw new InvalidInputException("event " + id + " (" + type + ") has data that is " + (data == null || data.isNull() ? "missing" : kind(data))
                    + ", not an object");
        }
        JsonNode info = data.get("resourceInfo");
        if (info == null || !info.isObject()) {
            throw new InvalidInputException("event " + id + " (" + type + ") has no data.resourceInfo object"
                    + (info == null || info.isNull() ? "" : " (it is " + kind(info) + ")"));
        }
        for (String f : List.of("id", "type")) {
            JsonNode v = info.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new InvalidInputException("event " + id + ": data.resourceInfo." + f + " must be a string, not " + kind(v));
            }
        }
        String resource = text(info, "id");
        if (resource == null || resource.isBlank()) {
            throw new InvalidInputException("event " + id + " (" + type + ") has no data.resourceInfo.id");
        }
        String[] segments = resource.split("/");
        String subscription = segments.length > 2 ? segments[2] : null;
        return new ResourceEvent(id, type, resource, null, null, subscription, at, tagsOf(info.get("tags")));
    }

    /** The tags as an unmodifiable map, or null when they are absent or not an object of strings. */
    private static java.util.Map<String, String> tagsOf(JsonNode tags) {
        if (tags == null || !tags.isObject()) {
            return null;
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                return null;
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
