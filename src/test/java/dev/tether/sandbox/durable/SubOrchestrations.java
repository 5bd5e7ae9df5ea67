package dev.tether.sandbox.durable;

import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.time.Instant;

/**
 * The messages between a parent orchestration and its children, as the backend sends them: a start refused because the
 * id is taken, and a finished child's answer to the parent execution that started it.
 */
final class SubOrchestrations {
    private SubOrchestrations() {
    }

    /** The child instance id: the one asked for, else the parent's id and the task id. */
    static String childId(Instance parent, int taskId, String instanceId) {
        return instanceId == null || instanceId.isEmpty() ? parent.id + ":" + taskId : instanceId;
    }

    /** What the parent is told when an active instance already has the child's id. */
    static HistoryEvent idTaken(int taskId, String id, Instant now) {
        return Protos.event(-1, now).setSubOrchestrationInstanceFailed(
                OrchestratorService.SubOrchestrationInstanceFailedEvent.newBuilder().setTaskScheduledId(taskId)
                        .setFailureDetails(OrchestratorService.TaskFailureDetails.newBuilder().setErrorType("InvalidOperationException")
                                .setErrorMessage("An orchestration with instance ID '" + id + "' already exists"))).build();
    }

    /** Queues a finished child's result for its parent, when the execution that started it is still running. */
    static void notifyParent(InstanceStore instances, Instance child, Instant now) {
        if (child.parentId == null) {
            return;
        }
        Instance parent = instances.get(child.parentId);
        if (parent == null || !parent.isActive() || parent.generation != child.parentGeneration) {
            return;
        }
        HistoryEvent.Builder e = Protos.event(-1, now);
        if (child.status.equals("Completed")) {
            e.setSubOrchestrationInstanceCompleted(OrchestratorService.SubOrchestrationInstanceCompletedEvent.newBuilder()
                    .setTaskScheduledId(child.parentTaskId).setResult(Protos.str(child.output)));
        } else {
            e.setSubOrchestrationInstanceFailed(OrchestratorService.SubOrchestrationInstanceFailedEvent.newBuilder()
                    .setTaskScheduledId(child.parentTaskId).setFailureDetails(child.failureDetails));
        }
        parent.inbox.add(e.build());
    }

    /** After a crash: a finished child whose answer the parent's history does not hold yet is answered again. */
    static void notifyParentIfWaiting(InstanceStore instances, Instance child, Instant now) {
        if (child.parentId == null) {
            return;
        }
        Instance parent = instances.get(child.parentId);
        if (parent == null || !parent.isActive()) {
            return;
        }
        boolean answered = parent.history.stream().anyMatch(e ->
                (e.hasSubOrchestrationInstanceCompleted() && e.getSubOrchestrationInstanceCompleted().getTaskScheduledId() == child.parentTaskId)
                        || (e.hasSubOrchestrationInstanceFailed() && e.getSubOrchestrationInstanceFailed().getTaskScheduledId() == child.parentTaskId));
        if (!answered) {
            notifyParent(instances, child, now);
        }
    }
}
