package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A refusal, answered with the status and body the real service gives. The default body is ARM's
 * {@code {"error":{"code","message"}}}; a provider with its own shape (App Service) passes its body.
 * Refusals of a platform rule are made through {@link PlatformRules.Rule#error}.
 */
final class ArmError extends RuntimeException {
    final int status;
    final String code;
    private final JsonNode body;

    ArmError(int status, String code, String message) {
        this(status, code, message, null);
    }

    ArmError(int status, String code, String message, JsonNode body) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    Reply reply() {
        if (body != null) {
            return new Reply(status, body, Map.of());
        }
        ObjectNode out = ArmWorld.M.createObjectNode();
        out.putObject("error").put("code", code).put("message", getMessage());
        return new Reply(status, out, Map.of("x-ms-failure-cause", "gateway"));
    }
}
