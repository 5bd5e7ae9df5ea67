package dev.tether.sandbox.durable;

import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.TaskOrchestration;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import dev.tether.sandbox.VirtualClock;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A durable backend for tests that drives orchestrators through the real durabletask replay engine
 * ({@link OrchestrationRunner#loadAndRun}). It keeps each instance's history, runs activities in process, fires durable
 * timers on a virtual clock, supports sub-orchestrations, external events and continue-as-new, and can "crash" right
 * after any history event: everything not yet committed is lost, and the driver recovers from the saved histories
 * only, re-dispatching scheduled-but-uncompleted tasks (at-least-once, as the real host does).
 */
public final class DurableDriver {

    /**
     * A read-only view of one instance. {@code status} is Pending, Running, Completed, Failed or Terminated (a
     * continue-as-new shows as Running with {@code executions} one higher); input, output and customStatus are the raw
     * JSON the engine produced; {@code failure} is the failure message (or the exception type when it had none).
     */
    public record InstanceView(String instanceId, String name, String status, String input, String output, String customStatus,
                               String failure, Instant createdAt, Instant lastUpdatedAt, int historySize, int executions) {
    }

    final VirtualClock clock;
    private final Map<String, TaskOrchestration> orchestrators = new HashMap<>();
    private final Map<String, Function<String, String>> activities = new HashMap<>();
    final InstanceStore instances;
    private final Deque<PendingWork.Activity> activityQueue = new ArrayDeque<>();
    private final TimerQueue timers;
    private final SandboxDurableClient client;
    private final CrashPoint crash = new CrashPoint();
    private int maxEpisodes = 10_000;
    private int activityExecutions;

    public DurableDriver(VirtualClock clock) {
        this.clock = clock;
        this.timers = new TimerQueue(clock);
        this.instances = new InstanceStore(clock);
        this.client = new SandboxDurableClient(this);
    }

    public DurableDriver orchestrator(String name, TaskOrchestration fn) {
        orchestrators.put(name, fn);
        return this;
    }

    public DurableDriver activity(String name, Function<String, String> fn) {
        activities.put(name, fn);
        return this;
    }

    /**
     * The "process" dies once, right after the n-th history event (1-based, counted across all instances) has been
     * appended; uncommitted work is lost and the driver recovers from the saved histories.
     */
    public DurableDriver crashAfterEvent(int n) {
        crash.after(n);
        return this;
    }

    public DurableDriver maxEpisodes(int max) {
        this.maxEpisodes = max;
        return this;
    }

    public SandboxDurableClient client() {
        return client;
    }

    public int crashes() {
        return crash.crashes();
    }

    /** History events appended so far, plus one commit point per continue-as-new (the history reset). */
    public int totalHistoryEvents() {
        return crash.events();
    }

    /**
     * Activity results that had been produced but not yet committed to a history when the process crashed: each one's
     * activity runs again (at-least-once), so a crash costs exactly this many extra executions.
     */
    public int lostActivityResults() {
        return crash.lostResults();
    }

    /** {@link #lostActivityResults()} of one activity. */
    public int lostActivityResults(String activity) {
        return crash.lostResults(activity);
    }

    /** Activity invocations, re-dispatches after a crash included. */
    public int activityExecutions() {
        return activityExecutions;
    }

    public synchronized List<InstanceView> instances() {
        return instances.values().stream().map(Instance::view).toList();
    }

    public synchronized Optional<InstanceView> instance(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId)).map(Instance::view);
    }

    /**
     * Runs orchestrator episodes, activities and timers until nothing is left to do. When only timers are left, the
     * virtual clock jumps to 1 ms after the earliest one (the engine needs the next episode to start strictly after
     * fireAt). Throws when one call takes more than {@code maxEpisodes} steps: an orchestration loops.
     */
    public synchronized void runUntilIdle() {
        drain(null);
    }

    /**
     * {@link #runUntilIdle()} for a drain whose steps grow faster than its instances (a fleet queued behind a shared
     * budget, each wait an activity, a timer and an episode): each {@code window} of virtual time gets its own loop
     * guard, and the whole drain must end before {@code bound}. The clock ends at the last work done, as there.
     */
    public synchronized void runUntilIdleInWindows(java.time.Duration window, Instant bound) {
        while (true) {
            drain(clock.now().plus(window));
            if (clock.now().isAfter(bound)) {
                throw new IllegalStateException("the drain did not end by " + bound + "; an orchestration loops");
            }
            // Left: only timers after the window. Fire the earliest (the clock moves to it), or stop when there is none.
            if (!step(null)) {
                return;
            }
        }
    }

    /** Steps until nothing is left before {@code horizon} (null: nothing at all), bounded by {@code maxEpisodes}. */
    private void drain(Instant horizon) {
        int steps = 0;
        while (step(horizon)) {
            if (++steps > maxEpisodes) {
                throw new IllegalStateException("the durable driver did more than " + maxEpisodes + " steps; an orchestration loops");
            }
        }
    }

    /**
     * Runs everything due up to {@code horizon} (episodes, activities, timers that fire by then), then moves the clock
     * to it: the world as it stands at that instant, for callers that deliver work at given times.
     */
    public synchronized void runUntil(Instant horizon) {
        drain(horizon);
        if (clock.now().isBefore(horizon)) {
            clock.advanceTo(horizon);
        }
    }

    /** One unit of work: an episode, else an activity, else the earliest timers. False when idle. */
    public synchronized boolean step() {
        return step(null);
    }

    /**
     * Like {@link #step()}, but firing a timer that would move the clock past {@code horizon} (when not null) is not
     * a step: it returns false instead, and the clock stays where it is.
     */
    synchronized boolean step(Instant horizon) {
        try {
            for (Instance in : List.copyOf(instances.values())) {
                if (in.isActive() && (!in.inbox.isEmpty() || in.needsEpisode)) {
                    runEpisode(in);
                    return true;
                }
            }
            if (!activityQueue.isEmpty()) {
                runActivity(activityQueue.poll());
                return true;
            }
            if (!timers.anyAwaited(this::awaitsTimer) || horizon != null && timers.nextFireTime().isAfter(horizon)) {
                return false;
            }
            fireEarliestTimers();
            return true;
        } catch (CrashPoint.Crash died) {
            recover();
            return true;
        }
    }

    // ---- instances (used by the client) ----

    synchronized String start(String name, String instanceId, String serializedInput) {
        return instances.start(name, instanceId, serializedInput);
    }

    synchronized boolean raise(String instanceId, String eventName, String serializedPayload) {
        return instances.raise(instanceId, eventName, serializedPayload);
    }

    synchronized void terminate(String instanceId, String serializedOutput) {
        instances.terminate(instanceId, serializedOutput);
    }

    synchronized boolean purge(String instanceId) {
        return instances.purge(instanceId);
    }

    synchronized Instance raw(String instanceId) {
        return instances.get(instanceId);
    }

    // ---- episodes ----

    private void runEpisode(Instance in) {
        if (in.inbox.stream().anyMatch(HistoryEvent::hasExecutionTerminated)) {
            terminateNow(in);
            return;
        }
        TaskOrchestration fn = orchestrators.get(in.name);
        Instant now = clock.now();
        List<HistoryEvent> newEvents = new ArrayList<>();
        newEvents.add(Protos.orchestratorStarted(now));
        newEvents.addAll(in.inbox);
        in.needsEpisode = false;
        OrchestratorService.OrchestratorResponse response = EpisodeRunner.run(in.id, in.name, fn, in.history, in.encodedHistory, newEvents);
        // Messages leave the inbox only once committed: a crash part-way keeps the rest queued, as a real backend does.
        commit(in, newEvents.get(0));
        for (HistoryEvent e : newEvents.subList(1, newEvents.size())) {
            in.inbox.remove(0);
            commit(in, e);
        }
        if (in.status.equals("Pending")) {
            in.status = "Running";
        }
        // The engine always sends a custom status; an empty one means "never set" (a set value is JSON, never empty).
        if (response.hasCustomStatus() && !response.getCustomStatus().getValue().isEmpty()) {
            in.customStatus = response.getCustomStatus().getValue();
        }
        in.lastUpdatedAt = now;
        OrchestratorService.CompleteOrchestrationAction completion = null;
        for (OrchestratorAction a : response.getActionsList()) {
            switch (a.getOrchestratorActionTypeCase()) {
                case SCHEDULETASK -> {
                    var t = a.getScheduleTask();
                    commit(in, Protos.event(a.getId(), now).setTaskScheduled(OrchestratorService.TaskScheduledEvent.newBuilder()
                            .setName(t.getName()).setInput(t.getInput())).build());
                    activityQueue.add(new PendingWork.Activity(in.id, in.generation, a.getId(), t.getName(), t.getInput().getValue()));
                }
                case CREATETIMER -> {
                    var t = a.getCreateTimer();
                    commit(in, Protos.event(a.getId(), now).setTimerCreated(OrchestratorService.TimerCreatedEvent.newBuilder()
                            .setFireAt(t.getFireAt())).build());
                    timers.add(new PendingWork.Timer(in.id, in.generation, a.getId(), Protos.instant(t.getFireAt())));
                }
                case CREATESUBORCHESTRATION -> {
                    var s = a.getCreateSubOrchestration();
                    // The start message and the history event are one atomic commit, as in a real backend.
                    startChild(in, a.getId(), s.getName(), s.getInstanceId(), s.getInput().getValue());
                    commit(in, Protos.event(a.getId(), now).setSubOrchestrationInstanceCreated(
                            OrchestratorService.SubOrchestrationInstanceCreatedEvent.newBuilder().setInstanceId(s.getInstanceId())
                                    .setName(s.getName()).setInput(s.getInput())).build());
                }
                case SENDEVENT -> {
                    var s = a.getSendEvent();
                    raise(s.getInstance().getInstanceId(), s.getName(), s.getData().getValue());
                    commit(in, Protos.event(a.getId(), now).setEventSent(OrchestratorService.EventSentEvent.newBuilder()
                            .setInstanceId(s.getInstance().getInstanceId()).setName(s.getName()).setInput(s.getData())).build());
                }
                case COMPLETEORCHESTRATION -> completion = a.getCompleteOrchestration();
                default -> throw new IllegalStateException("unsupported orchestrator action " + a.getOrchestratorActionTypeCase());
            }
        }
        if (completion == null) {
            commit(in, Protos.orchestratorCompleted(now));
            return;
        }
        switch (completion.getOrchestrationStatus()) {
            case ORCHESTRATION_STATUS_CONTINUED_AS_NEW -> continueAsNew(in, completion, now);
            case ORCHESTRATION_STATUS_COMPLETED, ORCHESTRATION_STATUS_FAILED, ORCHESTRATION_STATUS_TERMINATED -> {
                commit(in, Protos.event(-1, now).setExecutionCompleted(OrchestratorService.ExecutionCompletedEvent.newBuilder()
                        .setOrchestrationStatus(completion.getOrchestrationStatus()).setResult(completion.getResult())
                        .setFailureDetails(completion.getFailureDetails())).build());
                applyCompletion(in);
                SubOrchestrations.notifyParent(instances, in, clock.now());
                commit(in, Protos.orchestratorCompleted(now));
            }
            default -> throw new IllegalStateException("unexpected completion status " + completion.getOrchestrationStatus());
        }
    }

    /** The backend, not the orchestrator code, ends a terminated instance: its messages are recorded, not run. */
    private void terminateNow(Instance in) {
        Instant now = clock.now();
        commit(in, Protos.orchestratorStarted(now));
        HistoryEvent e;
        do {
            e = in.inbox.remove(0);
            commit(in, e);
        } while (!e.hasExecutionTerminated());
        commit(in, Protos.event(-1, now).setExecutionCompleted(OrchestratorService.ExecutionCompletedEvent.newBuilder()
                .setOrchestrationStatus(OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED)
                .setResult(e.getExecutionTerminated().getInput())).build());
        in.inbox.clear();
        applyCompletion(in);
        SubOrchestrations.notifyParent(instances, in, clock.now());
        commit(in, Protos.orchestratorCompleted(now));
    }

    private void continueAsNew(Instance in, OrchestratorService.CompleteOrchestrationAction completion, Instant now) {
        String input = completion.getResult().getValue();
        in.generation++;
        in.executions++;
        in.history.clear();
        in.inbox.clear();
        in.input = input;
        in.inbox.add(Protos.executionStarted(in.id, in.name, input, now));
        in.inbox.addAll(completion.getCarryoverEventsList());
        in.status = "Running";
        crash.committed();
    }

    private void startChild(Instance parent, int taskId, String name, String instanceId, String input) {
        String id = SubOrchestrations.childId(parent, taskId, instanceId);
        Instance existing = instances.get(id);
        if (existing != null && existing.isActive()) {
            parent.inbox.add(SubOrchestrations.idTaken(taskId, id, clock.now()));
            return;
        }
        start(name, id, input);
        Instance child = instances.get(id);
        child.parentId = parent.id;
        child.parentTaskId = taskId;
        child.parentGeneration = parent.generation;
    }

    // ---- activities and timers ----

    private void runActivity(PendingWork.Activity w) {
        Instance in = instances.get(w.instanceId());
        if (in == null || !in.isActive() || in.generation != w.generation()) {
            return;
        }
        activityExecutions++;
        in.inbox.add(ActivityInvoker.invoke(w.name(), activities.get(w.name()), w.taskId(), w.input(), clock.now()));
    }

    private void fireEarliestTimers() {
        List<PendingWork.Timer> due = timers.fireEarliest();
        Instant now = clock.now();
        for (PendingWork.Timer t : due) {
            Instance in = instances.get(t.instanceId());
            if (awaitsTimer(t)) {
                in.inbox.add(Protos.event(-1, now).setTimerFired(OrchestratorService.TimerFiredEvent.newBuilder()
                        .setTimerId(t.timerId()).setFireAt(Protos.ts(t.fireAt()))).build());
            }
        }
    }

    /** A timer of a finished instance, or of an execution that continued as new, is not waited for. */
    private boolean awaitsTimer(PendingWork.Timer t) {
        Instance in = instances.get(t.instanceId());
        return in != null && in.isActive() && in.generation == t.generation();
    }

    // ---- commit, crash and recovery ----

    private void commit(Instance in, HistoryEvent e) {
        in.history.add(e);
        crash.committed();
    }

    /**
     * The process restarts: only histories (and client messages still queued: starts and raised events) survive.
     * Activity results and fired timers that were not committed are lost; their work is dispatched again.
     */
    private void recover() {
        activityQueue.clear();
        timers.clear();
        for (Instance in : instances.values()) {
            // Client messages (start, raised events, terminate) are durable queue entries; results in flight are lost.
            PendingWork.uncommittedResults(in).forEach(crash::lostResultOf);
            in.inbox.removeIf(e -> !(e.hasEventRaised() || e.hasExecutionStarted() || e.hasExecutionTerminated()));
            in.restoreFromHistory();
            if (!in.isActive()) {
                continue;
            }
            in.needsEpisode = !in.history.isEmpty();
            PendingWork owed = PendingWork.owedBy(in);
            activityQueue.addAll(owed.activities);
            owed.timers.forEach(timers::add);
        }
        for (Instance child : instances.values()) {
            if (!child.isActive()) {
                SubOrchestrations.notifyParentIfWaiting(instances, child, clock.now());
            }
        }
    }

    void applyCompletion(Instance in) {
        in.restoreFromHistory();
        in.lastUpdatedAt = clock.now();
    }
}
