package dev.tether.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code simulate --http} request: {@code "METHOD /api/path?query"}, optionally followed by a JSON body,
 * e.g. {@code POST /api/links/rerun {"link":"shop"}}.
 */
public record HttpSpec(String method, String path, String body) {
    private static final Pattern SPEC = Pattern.compile("(?is)\\s*(GET|POST|PUT|PATCH|DELETE)\\s+(/api/\\S*)(?:\\s+(.*\\S))?\\s*");
    private static final ObjectMapper M = new ObjectMapper();

    /** A spec that is not "METHOD /api/path [JSON]" is an IllegalArgumentException whose message says what is wrong. */
    public static HttpSpec parse(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("--http takes \"METHOD /api/path\" with an optional JSON body after it, not '" + spec + "'");
        }
        String body = m.group(3);
        if (body != null) {
            try {
                M.readTree(body);
            } catch (JsonProcessingException e) {
                var at = e.getLocation();
                throw new IllegalArgumentException("--http '" + spec + "': the body is not valid JSON"
                        + (at == null ? "" : " at column " + at.getColumnNr()));
            }
        }
        return new HttpSpec(m.group(1).toUpperCase(java.util.Locale.ROOT), m.group(2), body);
    }
}
