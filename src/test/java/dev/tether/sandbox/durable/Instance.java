package dev.tether.sandbox.durable;

import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One orchestration instance in the sandbox backend: its committed history and the messages not yet committed. */
final class Instance {
    final String id;
    final String name;
    String input;
    final List<HistoryEvent> history = new ArrayList<>();
    /** {@link #history} as the host encodes it for each episode, kept to encode only what is new. */
    final HistoryBytes encodedHistory = new HistoryBytes();
    final List<HistoryEvent> inbox = new ArrayList<>();
    String status = "Pending";
    String output;
    String customStatus;
    String failure;
    OrchestratorService.TaskFailureDetails failureDetails = OrchestratorService.TaskFailureDetails.getDefaultInstance();
    final Instant createdAt;
    Instant lastUpdatedAt;
    int executions = 1;
    int generation;
    boolean needsEpisode;
    String parentId;
    int parentTaskId;
    int parentGeneration;

    Instance(String id, String name, String input, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.input = input;
        this.createdAt = createdAt;
        this.lastUpdatedAt = createdAt;
    }

    boolean isActive() {
        return status.equals("Pending") || status.equals("Running");
    }

    /** Derives the runtime status, output and failure from the committed history. */
    void restoreFromHistory() {
        for (HistoryEvent e : history) {
            if (e.hasExecutionCompleted()) {
                var c = e.getExecutionCompleted();
                status = switch (c.getOrchestrationStatus()) {
                    case ORCHESTRATION_STATUS_COMPLETED -> "Completed";
                    case ORCHESTRATION_STATUS_TERMINATED -> "Terminated";
                    default -> "Failed";
                };
                output = c.hasResult() ? c.getResult().getValue() : null;
                failureDetails = c.getFailureDetails();
                failure = failureText(c.getFailureDetails());
                return;
            }
        }
        status = history.isEmpty() ? "Pending" : "Running";
    }

    /** The failure message; an exception without one is named by its type. Null when nothing failed. */
    private static String failureText(OrchestratorService.TaskFailureDetails f) {
        return !f.getErrorMessage().isEmpty() ? f.getErrorMessage() : !f.getErrorType().isEmpty() ? f.getErrorType() : null;
    }

    DurableDriver.InstanceView view() {
        return new DurableDriver.InstanceView(id, name, status, input, output, customStatus, failure, createdAt, lastUpdatedAt,
                history.size(), executions);
    }
}
