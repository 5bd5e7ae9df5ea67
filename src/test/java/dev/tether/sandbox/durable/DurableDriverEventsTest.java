package dev.tether.sandbox.durable;

import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskCanceledException;
import dev.tether.sandbox.VirtualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;
import static dev.tether.sandbox.durable.DurableDriverTest.T0;

/**
 * The sandbox's durable backend: external events (Tether's recheck) raised to a running instance, the zero-timeout
 * wait that takes those already buffered, and continue-as-new keeping the rest, crash or not. Through the real replay engine.
 */
class DurableDriverEventsTest {

    @Test
    void bufferedEventSeenWithZeroTimeoutThenContinueAsNew() {
        VirtualClock clock = new VirtualClock(T0);
        AtomicInteger runs = new AtomicInteger();
        DurableDriver d = new DurableDriver(clock)
                .orchestrator("loop", ctx -> {
                    ctx.callActivity("work", null, String.class).await();
                    Task<String> recheck = ctx.waitForExternalEvent("recheck", Duration.ZERO, String.class);
                    if (recheck.isDone() && !recheck.isCancelled()) {
                        ctx.continueAsNew(ctx.getInput(String.class), false);
                    }
                    ctx.complete("done");
                })
                .activity("work", in -> String.valueOf(runs.incrementAndGet()));
        d.client().scheduleNewOrchestrationInstance("loop", new NewOrchestrationInstanceOptions().setInstanceId("l").setInput("x"));
        assertTrue(d.step(), "first episode schedules the activity");
        d.client().raiseEvent("l", "recheck", "newer event");
        d.client().raiseEvent("l", "recheck", "another");
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("l").orElseThrow();
        assertEquals("Completed", v.status(), v.failure());
        assertEquals(2, runs.get(), "one extra pass for both events");
        assertEquals(2, v.executions());
    }

    /** Does one piece of work, then continues as new (keeping unprocessed events) while "recheck" events are waiting. */
    static DurableDriver rechecking(VirtualClock clock, AtomicInteger runs, List<String> seen) {
        return new DurableDriver(clock)
                .orchestrator("loop", ctx -> {
                    ctx.callActivity("work", null, String.class).await();
                    Task<String> recheck = ctx.waitForExternalEvent("recheck", Duration.ZERO, String.class);
                    if (!recheck.isCancelled()) {
                        seen.add(recheck.await());
                        ctx.continueAsNew(ctx.getInput(String.class), true);
                        return;
                    }
                    TaskCanceledException none = assertThrows(TaskCanceledException.class, recheck::await);
                    ctx.complete(none.getMessage());
                })
                .activity("work", in -> String.valueOf(runs.incrementAndGet()));
    }

    @Test
    void zeroTimeoutSeesAnEventBufferedDuringAnActivityAndContinueAsNewKeepsTheRest() {
        VirtualClock clock = new VirtualClock(T0);
        AtomicInteger runs = new AtomicInteger();
        List<String> seen = new java.util.ArrayList<>();
        DurableDriver d = rechecking(clock, runs, seen);
        d.client().scheduleNewOrchestrationInstance("loop", new NewOrchestrationInstanceOptions().setInstanceId("l").setInput("x"));
        assertTrue(d.step(), "the first episode schedules the activity");
        d.client().raiseEvent("l", "recheck", "one");
        assertTrue(d.step(), "the event is delivered while the activity is pending: the engine buffers it");
        d.client().raiseEvent("l", "recheck", "two");
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("l").orElseThrow();
        assertEquals("Completed", v.status(), v.failure());
        assertEquals(List.of("one", "two"), seen, "the second event was carried over into the next execution");
        assertEquals(3, v.executions());
        assertEquals(3, runs.get(), "one pass per event, and the last pass sees none");
        assertEquals("\"x\"", v.input());
        assertTrue(v.output().contains("Timeout of PT0S expired while waiting for an event named 'recheck'"), v.output());
    }

    @Test
    void crashAfterEveryHistoryEventLosesNoRaisedEventAcrossContinueAsNew() {
        DurableDriver baseline = rechecking(new VirtualClock(T0), new AtomicInteger(), new java.util.ArrayList<>());
        int events = driveRechecks(baseline);
        String expected = baseline.instance("l").orElseThrow().output();
        int executions = baseline.instance("l").orElseThrow().executions();
        int works = baseline.activityExecutions();
        assertEquals(3, executions, "two rechecks continue as new twice");
        assertEquals(3, works, "one activity per execution");
        for (int n = 1; n <= events; n++) {
            AtomicInteger runs = new AtomicInteger();
            List<String> seen = new java.util.ArrayList<>();
            DurableDriver d = rechecking(new VirtualClock(T0), runs, seen).crashAfterEvent(n);
            driveRechecks(d);
            assertEquals(1, d.crashes(), "crash " + n);
            DurableDriver.InstanceView v = d.instance("l").orElseThrow();
            assertEquals("Completed", v.status(), "crash after event " + n + ": " + v.failure());
            assertEquals(expected, v.output(), "crash after event " + n);
            assertTrue(seen.containsAll(List.of("one", "two")), "crash after event " + n + ": " + seen);
            assertEquals(executions, v.executions(), "crash after event " + n);
            assertEquals(works + d.lostActivityResults("work"), runs.get(), "crash after event " + n);
        }
    }

    private static int driveRechecks(DurableDriver d) {
        d.client().scheduleNewOrchestrationInstance("loop", new NewOrchestrationInstanceOptions().setInstanceId("l").setInput("x"));
        d.step();
        d.client().raiseEvent("l", "recheck", "one");
        d.step();
        d.client().raiseEvent("l", "recheck", "two");
        d.runUntilIdle();
        return d.totalHistoryEvents();
    }

    @Test
    void anEventArrivingInTheSameBatchAsTheActivityResultIsCarriedOverTwice() {
        // Engine behaviour (1.4.0) worth knowing: continueAsNew(input, true) carries over every eventRaised among the
        // episode's new events, including one the orchestrator has just consumed. Here the event is raised while the
        // activity runs, so the event and the activity result reach the orchestrator in the same episode.
        AtomicInteger runs = new AtomicInteger();
        List<String> seen = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<DurableDriver> self = new java.util.concurrent.atomic.AtomicReference<>();
        DurableDriver d = rechecking(new VirtualClock(T0), runs, seen).activity("work", in -> {
            if (runs.incrementAndGet() == 1) {
                self.get().client().raiseEvent("l", "recheck", "one");
            }
            return "ok";
        });
        self.set(d);
        d.client().scheduleNewOrchestrationInstance("loop", new NewOrchestrationInstanceOptions().setInstanceId("l").setInput("x"));
        d.runUntilIdle();
        assertEquals(List.of("one", "one"), seen);
        assertEquals(3, runs.get(), "an extra pass: harmless when each pass re-observes the world");
        assertEquals(3, d.instance("l").orElseThrow().executions());
    }

    @Test
    void anEventQueuedAfterTheLastActivityResultIsNotSeenByAZeroTimeoutWaitAndIsDroppedOnCompletion() {
        // Engine behaviour (1.4.0): new events are replayed in arrival order, and the orchestrator code runs on as soon
        // as the activity result is processed, before the later event is. If it then completes, the event is lost.
        AtomicInteger runs = new AtomicInteger();
        List<String> seen = new java.util.ArrayList<>();
        DurableDriver d = rechecking(new VirtualClock(T0), runs, seen);
        d.client().scheduleNewOrchestrationInstance("loop", new NewOrchestrationInstanceOptions().setInstanceId("l").setInput("x"));
        assertTrue(d.step(), "the first episode schedules the activity");
        assertTrue(d.step(), "the activity runs; its result is queued");
        d.client().raiseEvent("l", "recheck", "late");
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("l").orElseThrow();
        assertEquals("Completed", v.status());
        assertEquals(List.of(), seen);
        assertEquals(1, v.executions());
    }
}
