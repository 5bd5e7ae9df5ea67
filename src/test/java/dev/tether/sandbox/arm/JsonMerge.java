package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/** ARM PATCH semantics: a JSON merge (RFC 7386): objects merge recursively, null removes, anything else replaces. */
final class JsonMerge {
    private JsonMerge() {
    }

    static void merge(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (value.isObject() && target.get(e.getKey()) instanceof ObjectNode existing) {
                merge(existing, value);
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        }
    }
}
