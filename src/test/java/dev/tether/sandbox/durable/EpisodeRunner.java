package dev.tether.sandbox.durable;

import com.google.protobuf.InvalidProtocolBufferException;
import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.util.Base64;
import java.util.List;

/**
 * Runs one orchestrator episode through the real replay engine, the way the Functions host does: a base64
 * {@code OrchestratorRequest} in, a base64 {@code OrchestratorResponse} (actions and custom status) out.
 */
final class EpisodeRunner {
    private EpisodeRunner() {
    }

    /** @param encoded the instance's history as already encoded ({@link HistoryBytes}), grown here to {@code pastEvents} */
    static OrchestratorService.OrchestratorResponse run(String instanceId, String name, TaskOrchestration fn,
                                                         List<HistoryEvent> pastEvents, HistoryBytes encoded, List<HistoryEvent> newEvents) {
        if (fn == null) {
            return notFound(instanceId, name);
        }
        String response = OrchestrationRunner.loadAndRun(Base64.getEncoder().encodeToString(encoded.request(instanceId, pastEvents, newEvents)), fn);
        try {
            return OrchestratorService.OrchestratorResponse.parseFrom(Base64.getDecoder().decode(response));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the replay engine returned an unreadable response", e);
        }
    }

    /** No orchestrator function by that name: the instance fails, as it would on a host that lacks the function. */
    private static OrchestratorService.OrchestratorResponse notFound(String instanceId, String name) {
        return OrchestratorService.OrchestratorResponse.newBuilder().setInstanceId(instanceId)
                .addActions(OrchestratorService.OrchestratorAction.newBuilder().setId(0).setCompleteOrchestration(
                        OrchestratorService.CompleteOrchestrationAction.newBuilder()
                                .setOrchestrationStatus(OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
                                .setFailureDetails(OrchestratorService.TaskFailureDetails.newBuilder().setErrorType("FunctionNotFound")
                                        .setErrorMessage("no orchestrator function named '" + name + "'"))))
                .build();
    }
}
