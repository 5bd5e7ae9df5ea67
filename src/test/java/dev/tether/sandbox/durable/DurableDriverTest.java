package dev.tether.sandbox.durable;

import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskFailedException;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestration;
import dev.tether.sandbox.VirtualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The sandbox's durable backend, checked with small sample orchestrators through the real replay engine. External
 * events and continue-as-new (the recheck of a running pass) are {@link DurableDriverEventsTest}.
 */
class DurableDriverTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Two activities, then a timer loop polling until a counter reaches 3, bounded by a deadline. */
    static final TaskOrchestration SEQUENCE_AND_POLL = ctx -> {
        String a = ctx.callActivity("echo", "a", String.class).await();
        String b = ctx.callActivity("echo", "b", String.class).await();
        Instant deadline = ctx.getCurrentInstant().plusSeconds(600);
        int polls = 0;
        while (true) {
            polls++;
            String n = ctx.callActivity("poll", null, String.class).await();
            if (Integer.parseInt(n) >= 3) {
                break;
            }
            if (!ctx.getCurrentInstant().isBefore(deadline)) {
                throw new IllegalStateException("deadline");
            }
            ctx.setCustomStatus("waiting " + polls);
            ctx.createTimer(Duration.ofSeconds(15)).await();
        }
        ctx.complete(a + b + ":" + polls);
    };

    static DurableDriver sample(VirtualClock clock, AtomicInteger pollCount, AtomicInteger echoes) {
        return new DurableDriver(clock)
                .orchestrator("seq", SEQUENCE_AND_POLL)
                .activity("echo", in -> {
                    echoes.incrementAndGet();
                    return in.toUpperCase();
                })
                .activity("poll", in -> {
                    pollCount.incrementAndGet();
                    // Level-triggered, like Tether's observations: ready once 30 virtual seconds have passed.
                    return Duration.between(T0, clock.now()).toSeconds() >= 30 ? "3" : "0";
                });
    }

    @Test
    void sequenceAndTimersRunOnTheVirtualClock() {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = sample(clock, new AtomicInteger(), new AtomicInteger());
        d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("i1"));
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("i1").orElseThrow();
        assertEquals("Completed", v.status(), v.failure());
        assertEquals("\"AB:3\"", v.output());
        assertEquals(T0.plus(Duration.ofMillis(30_002)), clock.now(), "two 15 s timers fired, each episode 1 ms after its fireAt");
        var meta = d.client().getInstanceMetadata("i1", true);
        assertEquals(OrchestrationRuntimeStatus.COMPLETED, meta.getRuntimeStatus());
        assertEquals("AB:3", meta.readOutputAs(String.class));
    }

    @Test
    void customStatusIsVisibleThroughTheClient() {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = sample(clock, new AtomicInteger(), new AtomicInteger());
        d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("s"));
        assertNull(d.client().getInstanceMetadata("s", true).readCustomStatusAs(String.class), "not set yet");
        while (clock.now().equals(T0)) {
            assertTrue(d.step(), "the first timer is reached");
        }
        var running = d.client().getInstanceMetadata("s", true);
        assertEquals(OrchestrationRuntimeStatus.RUNNING, running.getRuntimeStatus());
        assertEquals("waiting 1", running.readCustomStatusAs(String.class));
        assertEquals("\"waiting 1\"", d.instance("s").orElseThrow().customStatus(), "the view keeps the raw JSON");
        d.runUntilIdle();
        assertEquals("waiting 2", d.client().getInstanceMetadata("s", true).readCustomStatusAs(String.class));
    }

    @Test
    void retryPolicyRetriesWithDurableTimers() {
        VirtualClock clock = new VirtualClock(T0);
        AtomicInteger calls = new AtomicInteger();
        List<Instant> attempts = new java.util.ArrayList<>();
        DurableDriver d = new DurableDriver(clock)
                .orchestrator("retry", ctx -> {
                    RetryPolicy p = new RetryPolicy(4, Duration.ofSeconds(5));
                    p.setBackoffCoefficient(2.0);
                    ctx.complete(ctx.callActivity("flaky", null, new TaskOptions(p), String.class).await());
                })
                .activity("flaky", in -> {
                    attempts.add(clock.now());
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("try again");
                    }
                    return "ok";
                });
        d.client().scheduleNewOrchestrationInstance("retry", new NewOrchestrationInstanceOptions().setInstanceId("r"));
        d.runUntilIdle();
        assertEquals("Completed", d.instance("r").orElseThrow().status());
        assertEquals(3, calls.get());
        // The engine waits firstRetryInterval x backoff^attempt, attempt counting from 1: 10 s, then 20 s. Each timer
        // fires 1 ms after its fireAt, so that the next episode starts strictly after it.
        assertEquals(List.of(T0, T0.plusSeconds(10).plusMillis(1), T0.plusSeconds(30).plusMillis(2)), attempts);
    }

    @Test
    void failuresCarryTheMessage() {
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("fails", ctx -> {
                    throw new IllegalArgumentException("PLAN_BAD: fix the plan");
                });
        d.client().scheduleNewOrchestrationInstance("fails", new NewOrchestrationInstanceOptions().setInstanceId("f"));
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("f").orElseThrow();
        assertEquals("Failed", v.status());
        assertTrue(v.failure().contains("PLAN_BAD: fix the plan"), v.failure());
    }

    @Test
    void duplicateRunningInstanceIsRefusedAndEventsToFinishedOnesAreDropped() {
        DurableDriver d = sample(new VirtualClock(T0), new AtomicInteger(), new AtomicInteger());
        d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("dup"));
        assertThrows(IllegalStateException.class,
                () -> d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("dup")));
        d.runUntilIdle();
        d.client().raiseEvent("dup", "recheck", null);
        assertFalse(d.step(), "nothing to do: a finished instance drops events");
        d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("dup"));
        assertEquals(OrchestrationRuntimeStatus.PENDING, d.client().getInstanceMetadata("dup", false).getRuntimeStatus());
    }

    @Test
    void subOrchestrationsAndFanOut() {
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("parent", ctx -> {
                    List<Task<String>> kids = List.of(
                            ctx.callSubOrchestrator("child", "1", "kid-1", String.class),
                            ctx.callSubOrchestrator("child", "2", "kid-2", String.class));
                    ctx.complete(String.join(",", ctx.allOf(kids).await()));
                })
                .orchestrator("child", ctx -> ctx.complete(ctx.callActivity("echo", ctx.getInput(String.class), String.class).await()))
                .activity("echo", in -> "c" + in);
        d.client().scheduleNewOrchestrationInstance("parent", new NewOrchestrationInstanceOptions().setInstanceId("p"));
        d.runUntilIdle();
        assertEquals("\"c1,c2\"", d.instance("p").orElseThrow().output());
        assertEquals(3, d.instances().size());
    }

    @Test
    void crashAfterEveryHistoryEventReachesTheSameOutput() {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver baseline = sample(clock, new AtomicInteger(), new AtomicInteger());
        baseline.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("c"));
        baseline.runUntilIdle();
        String expected = baseline.instance("c").orElseThrow().output();
        assertEquals(5, baseline.activityExecutions(), "two echoes and three polls");
        int events = baseline.totalHistoryEvents();
        int lost = 0;
        assertEquals(32, events, "the history's events, each one a crash point");
        for (int n = 1; n <= events; n++) {
            AtomicInteger echoes = new AtomicInteger();
            DurableDriver d = sample(new VirtualClock(T0), new AtomicInteger(), echoes).crashAfterEvent(n);
            d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("c"));
            d.runUntilIdle();
            assertEquals(1, d.crashes(), "crash " + n);
            DurableDriver.InstanceView v = d.instance("c").orElseThrow();
            assertEquals("Completed", v.status(), "crash after event " + n + ": " + v.failure());
            assertEquals(expected, v.output(), "crash after event " + n);
            assertEquals(2 + d.lostActivityResults("echo"), echoes.get(), "at-least-once: re-run only the activity whose result the crash lost");
            assertTrue(d.lostActivityResults() <= 1, "one crash loses at most the one result in flight: " + d.lostActivityResults());
            lost += d.lostActivityResults("echo");
        }
        assertEquals(2, lost, "each echo's result is in flight at exactly one crash point");
    }

    /** A parent fans out to two children (each calling an activity), then runs one more activity. */
    static DurableDriver family(VirtualClock clock, AtomicInteger echoes) {
        return new DurableDriver(clock)
                .orchestrator("parent", ctx -> {
                    List<Task<String>> kids = List.of(
                            ctx.callSubOrchestrator("child", "1", "kid-1", String.class),
                            ctx.callSubOrchestrator("child", "2", "kid-2", String.class));
                    String joined = String.join(",", ctx.allOf(kids).await());
                    ctx.complete(ctx.callActivity("echo", joined, String.class).await());
                })
                .orchestrator("child", ctx -> ctx.complete(ctx.callActivity("echo", "c" + ctx.getInput(String.class), String.class).await()))
                .activity("echo", in -> {
                    echoes.incrementAndGet();
                    return in.toUpperCase();
                });
    }

    @Test
    void crashAfterEveryHistoryEventOfSubOrchestrationsReachesTheSameOutput() {
        DurableDriver baseline = family(new VirtualClock(T0), new AtomicInteger());
        baseline.client().scheduleNewOrchestrationInstance("parent", new NewOrchestrationInstanceOptions().setInstanceId("p"));
        baseline.runUntilIdle();
        DurableDriver.InstanceView expected = baseline.instance("p").orElseThrow();
        assertEquals("\"C1,C2\"", expected.output());
        assertEquals(3, baseline.activityExecutions());
        int lost = 0;
        for (int n = 1; n <= baseline.totalHistoryEvents(); n++) {
            AtomicInteger echoes = new AtomicInteger();
            DurableDriver d = family(new VirtualClock(T0), echoes).crashAfterEvent(n);
            d.client().scheduleNewOrchestrationInstance("parent", new NewOrchestrationInstanceOptions().setInstanceId("p"));
            d.runUntilIdle();
            assertEquals(1, d.crashes(), "crash " + n);
            DurableDriver.InstanceView v = d.instance("p").orElseThrow();
            assertEquals("Completed", v.status(), "crash after event " + n + ": " + d.instances());
            assertEquals(expected.output(), v.output(), "crash after event " + n);
            assertEquals(3 + d.lostActivityResults("echo"), echoes.get(), "every activity once, plus the one whose result the crash lost");
            lost += d.lostActivityResults();
            for (String kid : List.of("kid-1", "kid-2")) {
                assertEquals("Completed", d.instance(kid).orElseThrow().status(), "crash after event " + n);
            }
        }
        assertEquals(3, lost, "each activity's result is in flight at exactly one crash point");
    }

    @Test
    void aTimerLeftBehindByAFinishedInstanceDoesNotMoveTheClock() {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = new DurableDriver(clock)
                .orchestrator("race", ctx -> {
                    Task<String> go = ctx.waitForExternalEvent("go", String.class);
                    Task<Void> deadline = ctx.createTimer(Duration.ofHours(1));
                    ctx.complete(ctx.anyOf(go, deadline).await() == go ? "event" : "deadline");
                });
        d.client().scheduleNewOrchestrationInstance("race", new NewOrchestrationInstanceOptions().setInstanceId("r"));
        d.runUntilIdle();
        assertEquals(T0.plus(Duration.ofHours(1)).plusMillis(1), clock.now(), "only the timer was left: it fired");
        assertEquals("\"deadline\"", d.instance("r").orElseThrow().output());

        d.client().scheduleNewOrchestrationInstance("race", new NewOrchestrationInstanceOptions().setInstanceId("r2"));
        assertTrue(d.step());
        d.client().raiseEvent("r2", "go", "now");
        Instant before = clock.now();
        d.runUntilIdle();
        assertEquals("\"event\"", d.instance("r2").orElseThrow().output());
        assertEquals(before, clock.now(), "the abandoned one-hour timer of a completed instance is not waited for");
    }

    @Test
    void anOrchestratorThrowingWithoutAMessageStillFails() {
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("npe", ctx -> {
                    throw new IllegalStateException();
                });
        d.client().scheduleNewOrchestrationInstance("npe", new NewOrchestrationInstanceOptions().setInstanceId("n"));
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("n").orElseThrow();
        assertEquals("Failed", v.status());
        assertEquals("java.lang.IllegalStateException", v.failure());
    }

    @Test
    void activityFailuresSurfaceAsTaskFailedException() {
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("caught", ctx -> {
                    try {
                        ctx.callActivity("boom", "x", String.class).await();
                    } catch (TaskFailedException e) {
                        ctx.complete(e.getTaskName() + "|" + e.getErrorDetails().getErrorType() + "|" + e.getErrorDetails().getErrorMessage()
                                + "|" + e.getErrorDetails().isNonRetriable() + "|" + e.getErrorDetails().getStackTrace().contains("DurableDriverTest"));
                    }
                })
                .orchestrator("uncaught", ctx -> ctx.complete(ctx.callActivity("boom", "x", String.class).await()))
                .activity("boom", in -> {
                    throw new IllegalStateException("kaput " + in);
                });
        d.client().scheduleNewOrchestrationInstance("caught", new NewOrchestrationInstanceOptions().setInstanceId("c"));
        d.client().scheduleNewOrchestrationInstance("uncaught", new NewOrchestrationInstanceOptions().setInstanceId("u"));
        d.runUntilIdle();
        assertEquals("\"boom|java.lang.IllegalStateException|kaput x|false|true\"", d.instance("c").orElseThrow().output());
        DurableDriver.InstanceView u = d.instance("u").orElseThrow();
        assertEquals("Failed", u.status());
        assertEquals("Task 'boom' (#0) failed with an unhandled exception: kaput x", u.failure());
        var meta = d.client().getInstanceMetadata("u", true);
        assertEquals(OrchestrationRuntimeStatus.FAILED, meta.getRuntimeStatus());
        assertEquals(TaskFailedException.class.getName(), meta.getFailureDetails().getErrorType());
    }

    @Test
    void activitiesGetTheDecodedStringAndReturnAJsonString() {
        List<String> inputs = new java.util.ArrayList<>();
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("io", ctx -> {
                    String a = ctx.callActivity("record", "text", String.class).await();
                    ctx.callActivity("record", java.util.Map.of("k", 1), String.class).await();
                    ctx.callActivity("record", null, String.class).await();
                    ctx.complete(a);
                })
                .activity("record", in -> {
                    inputs.add(in);
                    return "got " + in;
                });
        d.client().scheduleNewOrchestrationInstance("io", new NewOrchestrationInstanceOptions().setInstanceId("io"));
        d.runUntilIdle();
        assertEquals(java.util.Arrays.asList("text", "{\"k\":1}", null), inputs);
        assertEquals("\"got text\"", d.instance("io").orElseThrow().output());
    }

    static final TaskOrchestration SLEEPER = ctx -> {
        ctx.createTimer(Duration.ofHours(1)).await();
        ctx.complete("woke");
    };

    @Test
    void waitForCompletionTimesOutInVirtualTime() throws Exception {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = new DurableDriver(clock).orchestrator("sleep", SLEEPER);
        d.client().scheduleNewOrchestrationInstance("sleep", new NewOrchestrationInstanceOptions().setInstanceId("z"));
        assertEquals(OrchestrationRuntimeStatus.RUNNING,
                d.client().waitForInstanceStart("z", Duration.ofSeconds(1), false).getRuntimeStatus());
        assertThrows(TimeoutException.class, () -> d.client().waitForInstanceCompletion("z", Duration.ofMinutes(10), false));
        assertEquals(T0.plus(Duration.ofMinutes(10)), clock.now(), "the wait took its whole timeout, and no timer beyond it fired");
        var done = d.client().waitForInstanceCompletion("z", Duration.ofHours(2), true);
        assertEquals("woke", done.readOutputAs(String.class));
        assertEquals(T0.plus(Duration.ofHours(1)).plusMillis(1), clock.now());
    }

    @Test
    void queryTerminatePurgeAndRestart() throws Exception {
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = new DurableDriver(clock).orchestrator("sleep", SLEEPER);
        for (String id : List.of("link-a", "link-b", "scan-1")) {
            d.client().scheduleNewOrchestrationInstance("sleep", new NewOrchestrationInstanceOptions().setInstanceId(id));
        }
        assertTrue(d.step());
        d.client().terminate("link-b", "operator said so");
        d.step();
        d.step();
        d.step();
        assertEquals("Terminated", d.instance("link-b").orElseThrow().status());
        assertEquals("\"operator said so\"", d.instance("link-b").orElseThrow().output());

        OrchestrationStatusQuery running = new OrchestrationStatusQuery()
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING)).setInstanceIdPrefix("link-");
        assertEquals(List.of("link-a"), d.client().queryInstances(running).getOrchestrationState().stream()
                .map(m -> m.getInstanceId()).toList());
        assertEquals(3, d.client().queryInstances(new OrchestrationStatusQuery()).getOrchestrationState().size());

        assertEquals(0, d.client().purgeInstance("link-a").getDeletedInstanceCount(), "a running instance is not purged");
        assertEquals(1, d.client().purgeInstance("link-b").getDeletedInstanceCount());
        // as the real client answers for an unknown id: metadata that was not found, whose status reads RUNNING
        var purged = d.client().getInstanceMetadata("link-b", false);
        assertFalse(purged.isInstanceFound());
        assertEquals(OrchestrationRuntimeStatus.RUNNING, purged.getRuntimeStatus());

        d.runUntilIdle();
        assertEquals("Completed", d.instance("scan-1").orElseThrow().status());
        assertEquals("scan-1", d.client().restartInstance("scan-1", false));
        assertEquals("Pending", d.instance("scan-1").orElseThrow().status());
        d.runUntilIdle();
        DurableDriver.InstanceView again = d.instance("scan-1").orElseThrow();
        assertEquals("Completed", again.status());
        assertEquals(T0.plus(Duration.ofHours(2)).plusMillis(2), again.lastUpdatedAt());
    }

    @Test
    void terminatingAChildFailsTheParentsCall() {
        DurableDriver d = new DurableDriver(new VirtualClock(T0))
                .orchestrator("sleep", SLEEPER)
                .orchestrator("parent", ctx -> {
                    try {
                        ctx.complete(ctx.callSubOrchestrator("sleep", null, "kid", String.class).await());
                    } catch (TaskFailedException e) {
                        ctx.complete("child ended: " + e.getErrorDetails().getErrorType());
                    }
                });
        d.client().scheduleNewOrchestrationInstance("parent", new NewOrchestrationInstanceOptions().setInstanceId("p"));
        d.step();
        d.step();
        d.client().terminate("kid", null);
        d.runUntilIdle();
        assertEquals("Terminated", d.instance("kid").orElseThrow().status());
        assertEquals("Completed", d.instance("p").orElseThrow().status());
        assertTrue(d.instance("p").orElseThrow().output().startsWith("\"child ended: "), d.instance("p").orElseThrow().output());
    }
}
