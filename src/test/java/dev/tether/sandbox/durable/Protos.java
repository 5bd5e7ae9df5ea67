package dev.tether.sandbox.durable;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/** Builders for the durable protobuf history events the sandbox backend records. */
final class Protos {
    private Protos() {
    }

    static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static StringValue str(String s) {
        return s == null ? StringValue.getDefaultInstance() : StringValue.of(s);
    }

    static HistoryEvent.Builder event(int id, Instant at) {
        return HistoryEvent.newBuilder().setEventId(id).setTimestamp(ts(at));
    }

    static HistoryEvent executionStarted(String instanceId, String name, String input, Instant at) {
        return event(-1, at).setExecutionStarted(OrchestratorService.ExecutionStartedEvent.newBuilder()
                .setName(name).setInput(str(input))
                .setOrchestrationInstance(OrchestratorService.OrchestrationInstance.newBuilder().setInstanceId(instanceId)))
                .build();
    }

    static HistoryEvent orchestratorStarted(Instant at) {
        return event(-1, at).setOrchestratorStarted(OrchestratorService.OrchestratorStartedEvent.getDefaultInstance()).build();
    }

    static HistoryEvent orchestratorCompleted(Instant at) {
        return event(-1, at).setOrchestratorCompleted(OrchestratorService.OrchestratorCompletedEvent.getDefaultInstance()).build();
    }

    static HistoryEvent eventRaised(String name, String input, Instant at) {
        return event(-1, at).setEventRaised(OrchestratorService.EventRaisedEvent.newBuilder().setName(name).setInput(str(input))).build();
    }

    static HistoryEvent executionTerminated(String output, Instant at) {
        return event(-1, at).setExecutionTerminated(OrchestratorService.ExecutionTerminatedEvent.newBuilder().setInput(str(output))).build();
    }

    /** An activity's exception as the host reports it: type, message (the type when there is none), full stack trace. */
    static OrchestratorService.TaskFailureDetails failure(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return OrchestratorService.TaskFailureDetails.newBuilder().setErrorType(e.getClass().getName())
                .setErrorMessage(message).setStackTrace(str(trace.toString())).setIsNonRetriable(false).build();
    }
}
