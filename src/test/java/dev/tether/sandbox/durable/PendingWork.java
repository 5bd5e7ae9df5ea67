package dev.tether.sandbox.durable;

import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Work the backend owes an instance outside its history: activities to run and timers to fire, each tied to the
 * execution ({@code generation}) that scheduled it. After a crash it is rebuilt from the committed history alone
 * ({@link #owedBy}), as a real backend re-dispatches what was scheduled but never answered.
 */
final class PendingWork {
    record Activity(String instanceId, int generation, int taskId, String name, String input) {
    }

    record Timer(String instanceId, int generation, int timerId, Instant fireAt) {
    }

    final List<Activity> activities = new ArrayList<>();
    final List<Timer> timers = new ArrayList<>();

    private PendingWork() {
    }

    /** What an active instance's history scheduled and never saw answered: tasks without a result, timers not fired. */
    static PendingWork owedBy(Instance in) {
        Set<Integer> done = new HashSet<>();
        Set<Integer> fired = new HashSet<>();
        for (HistoryEvent e : in.history) {
            if (e.hasTaskCompleted()) {
                done.add(e.getTaskCompleted().getTaskScheduledId());
            } else if (e.hasTaskFailed()) {
                done.add(e.getTaskFailed().getTaskScheduledId());
            } else if (e.hasTimerFired()) {
                fired.add(e.getTimerFired().getTimerId());
            } else if (e.hasSubOrchestrationInstanceCompleted()) {
                done.add(e.getSubOrchestrationInstanceCompleted().getTaskScheduledId());
            } else if (e.hasSubOrchestrationInstanceFailed()) {
                done.add(e.getSubOrchestrationInstanceFailed().getTaskScheduledId());
            }
        }
        PendingWork owed = new PendingWork();
        for (HistoryEvent e : in.history) {
            if (e.hasTaskScheduled() && !done.contains(e.getEventId())) {
                owed.activities.add(new Activity(in.id, in.generation, e.getEventId(), e.getTaskScheduled().getName(),
                        e.getTaskScheduled().getInput().getValue()));
            } else if (e.hasTimerCreated() && !fired.contains(e.getEventId())) {
                owed.timers.add(new Timer(in.id, in.generation, e.getEventId(), Protos.instant(e.getTimerCreated().getFireAt())));
            }
        }
        return owed;
    }

    /** The activity names of task results in the inbox, produced but not committed: lost when the process dies. */
    static List<String> uncommittedResults(Instance in) {
        List<String> lost = new ArrayList<>();
        for (HistoryEvent e : in.inbox) {
            if (e.hasTaskCompleted() || e.hasTaskFailed()) {
                int scheduledId = e.hasTaskCompleted() ? e.getTaskCompleted().getTaskScheduledId() : e.getTaskFailed().getTaskScheduledId();
                in.history.stream().filter(h -> h.hasTaskScheduled() && h.getEventId() == scheduledId).findFirst()
                        .ifPresent(h -> lost.add(h.getTaskScheduled().getName()));
            }
        }
        return lost;
    }
}
