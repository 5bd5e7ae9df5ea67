package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** What the emulator answers: status, JSON body (or none) and headers. */
record Reply(int status, JsonNode body, Map<String, String> headers) {
    static Reply ok(JsonNode body) {
        return new Reply(200, body, Map.of());
    }
}
