package dev.tether.logging;

import dev.tether.durable.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON object per log line: {"event": "...", ...fields}. Application Insights indexes them as custom dimensions.
 * Callers pass only ids, names, outcomes and messages: never kubeconfigs, tokens, keys or app setting values.
 */
public final class StructuredLog {
    private StructuredLog() {
    }

    public static void log(Logger logger, Level level, String event, Map<String, ?> fields) {
        if (!logger.isLoggable(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.putAll(fields);
        logger.log(level, Json.write(line));
    }

    public static void info(Logger logger, String event, Map<String, ?> fields) {
        log(logger, Level.INFO, event, fields);
    }
}
