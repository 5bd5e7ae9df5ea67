package dev.tether.sandbox.arm;

import com.azure.core.http.HttpRequest;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import static dev.tether.sandbox.arm.PlatformRules.Rule;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How the emulator reads a request: the subscription it is charged to, its query parameters, its JSON body. */
final class ArmRequests {
    private ArmRequests() {
    }

    /** The subscription a request is charged to; Resource Graph queries are charged to their first subscription. */
    static String subscriptionOf(String path) {
        String[] parts = path.split("/");
        if (parts.length > 2 && parts[1].equalsIgnoreCase("subscriptions")) {
            return parts[2].toLowerCase(Locale.ROOT);
        }
        return null;
    }

    static JsonNode body(HttpRequest request) {
        BinaryData data = request.getBodyAsBinaryData();
        if (data == null) {
            return null;
        }
        String text = data.toString();
        if (text.isBlank()) {
            return null;
        }
        try {
            return ArmWorld.M.readTree(text);
        } catch (IOException e) {
            throw Rule.INVALID_REQUEST_CONTENT.error("The request content was invalid and could not be deserialized: " + e.getMessage());
        }
    }

    static Map<String, String> queryParams(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        // $filter values may contain '&'-free text only; split on '&' that precede a known parameter.
        for (String part : query.split("&(?=[$A-Za-z-]+=)")) {
            int eq = part.indexOf('=');
            out.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
        }
        return out;
    }
}
