package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/** Events for the no-op pass of the demo and the bench: the same writes, raised again now (new ids, new times). */
final class NoOpPass {
    private NoOpPass() {
    }

    static ArrayNode newerEvents(ArrayNode events, Instant now) {
        ArrayNode out = events.arrayNode();
        for (JsonNode e : events) {
            ObjectNode copy = e.deepCopy();
            copy.put("id", copy.path("id").asText() + "-again");
            copy.put(copy.has("specversion") ? "time" : "eventTime", now.toString());
            out.add(copy);
        }
        return out;
    }
}
