package dev.tether.sandbox.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.durabletask.SandboxMetadata;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * Calls an activity the way the Functions host calls one declared with a String {@code @DurableActivityTrigger}
 * parameter and a String return, and turns the outcome into the history event that answers the scheduled task.
 */
final class ActivityInvoker {
    private static final ObjectMapper M = new ObjectMapper();

    private ActivityInvoker() {
    }

    /** @return taskCompleted with the JSON-encoded return value, or taskFailed with the exception's details */
    static HistoryEvent invoke(String name, Function<String, String> fn, int taskScheduledId, String serializedInput, Instant at) {
        HistoryEvent.Builder result = Protos.event(-1, at);
        try {
            if (fn == null) {
                throw new IllegalStateException("no activity function named '" + name + "'");
            }
            String out = fn.apply(decode(serializedInput));
            result.setTaskCompleted(OrchestratorService.TaskCompletedEvent.newBuilder().setTaskScheduledId(taskScheduledId)
                    .setResult(Protos.str(SandboxMetadata.converter().serialize(out))));
        } catch (Exception e) {
            result.setTaskFailed(OrchestratorService.TaskFailedEvent.newBuilder().setTaskScheduledId(taskScheduledId)
                    .setFailureDetails(Protos.failure(e)));
        }
        return result.build();
    }

    /** A String parameter gets the text of a JSON string, the raw JSON of anything else, and null for JSON null. */
    static String decode(String serialized) {
        if (serialized == null || serialized.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = M.readTree(serialized);
            return n.isNull() ? null : n.isTextual() ? n.asText() : n.toString();
        } catch (IOException e) {
            return serialized;
        }
    }
}
