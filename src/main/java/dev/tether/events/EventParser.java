package dev.tether.events;

import com.azure.core.models.CloudEvent;
import com.azure.core.util.BinaryData;
import com.azure.messaging.eventgrid.EventGridEvent;
import com.azure.messaging.eventgrid.systemevents.ResourceWriteSuccessEventData;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.plan.InvalidInputException;


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

    @SuppressWarnings("deprecation")
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
        String single = tree.toString();
        try {
            if (tree.has("specversion")) {
                CloudEvent ce = CloudEvent.fromString(single).get(0);
                return fromData(ce.getId(), ce.getType(), ce.getData(), ce.getTime());
            }
            if (tree.has("eventType")) {
                EventGridEvent eg = EventGridEvent.fromString(single).get(0);
                return fromData(eg.getId(), eg.getEventType(), eg.getData(), eg.getEventTime());
            }
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException | java.io.UncheckedIOException e) {
            throw new InvalidInputException("the event does not match its schema: " + e.getMessage());
        }
        throw new InvalidInputException("the event is neither Event Grid schema (no eventType) nor CloudEvents 1.0 (no specversion)");
    }

    @SuppressWarnings("deprecation")
    private static ResourceEvent fromData(String id, String type, BinaryData data, java.time.OffsetDateTime time) {
        java.time.Instant at = time == null ? null : time.toInstant();
        if (type == null || type.isBlank()) {
            throw new InvalidInputException("event " + id + " has no type");
        }
        if (!EventRouter.WRITE_SUCCESS.equals(type)) {
            // Deletes, actions and failures never lead to a write; their data is not read.
            return new ResourceEvent(id, type, null, null, null, null, at);
        }
        if (data == null) {
            throw new InvalidInputException("event " + id + " (" + type + ") has no data");
        }
        ResourceWriteSuccessEventData d;
        try {
            d = data.toObject(ResourceWriteSuccessEventData.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException("event " + id + " has data Tether cannot read: " + e.getMessage());
        }
        return new ResourceEvent(id, type, d.getResourceUri(), d.getOperationName(), d.getStatus(), d.getSubscriptionId(), at);
    }
}
