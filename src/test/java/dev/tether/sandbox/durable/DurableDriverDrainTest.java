package dev.tether.sandbox.durable;

import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.TaskOrchestration;
import dev.tether.sandbox.VirtualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The loop guard of a drain in windows ({@link DurableDriver#runUntilIdleInWindows}): a fleet whose whole drain takes
 * more steps than the guard allows, but no window does, runs to the same end as an unguarded drain; an orchestration
 * that never ends is still caught.
 */
class DurableDriverDrainTest {
    static final Instant T0 = DurableDriverTest.T0;

    static DurableDriver fleet(VirtualClock clock, int instances, int guard) {
        DurableDriver d = DurableDriverTest.sample(clock, new AtomicInteger(), new AtomicInteger()).maxEpisodes(guard);
        for (int i = 0; i < instances; i++) {
            d.client().scheduleNewOrchestrationInstance("seq", new NewOrchestrationInstanceOptions().setInstanceId("i" + i));
        }
        return d;
    }

    @Test
    void aFleetLargerThanTheGuardDrainsWindowByWindowToTheSameEnd() {
        VirtualClock unguardedClock = new VirtualClock(T0);
        DurableDriver unguarded = fleet(unguardedClock, 20, 100_000);
        unguarded.runUntilIdle();
        assertEquals(T0.plus(Duration.ofMillis(30_002)), unguardedClock.now());

        IllegalStateException loops = assertThrows(IllegalStateException.class, () -> fleet(new VirtualClock(T0), 20, 150).runUntilIdle());
        assertEquals("the durable driver did more than 150 steps; an orchestration loops", loops.getMessage());

        VirtualClock clock = new VirtualClock(T0);
        DurableDriver windows = fleet(clock, 20, 150);
        windows.runUntilIdleInWindows(Duration.ofSeconds(10), T0.plus(Duration.ofHours(1)));
        assertEquals(20, windows.instances().stream().filter(v -> v.status().equals("Completed") && "\"AB:3\"".equals(v.output())).count());
        assertEquals(unguardedClock.now(), clock.now(), "the clock ends at the last work done, not at a window's end");
    }

    @Test
    void anOrchestrationThatNeverEndsIsCaughtByTheBound() {
        TaskOrchestration forever = ctx -> {
            while (true) {
                ctx.createTimer(Duration.ofMinutes(1)).await();
            }
        };
        VirtualClock clock = new VirtualClock(T0);
        DurableDriver d = new DurableDriver(clock).orchestrator("forever", forever);
        d.client().scheduleNewOrchestrationInstance("forever", new NewOrchestrationInstanceOptions().setInstanceId("f"));
        Instant bound = T0.plus(Duration.ofMinutes(30));
        IllegalStateException loops = assertThrows(IllegalStateException.class, () -> d.runUntilIdleInWindows(Duration.ofMinutes(5), bound));
        assertEquals("the drain did not end by " + bound + "; an orchestration loops", loops.getMessage());
    }
}
