package dev.tether.orchestration;

import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import dev.tether.durable.LinkStarter;
import dev.tether.sandbox.VirtualClock;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A newer event that reaches a running pass in the same batch as its last activity's result (a real backend delivers
 * them together) must still make the instance check again: the engine hands the orchestrator the result before the
 * raised event, so a zero-timeout look for the event would miss it and the newer event would be lost.
 */
class RecheckRaceTest {

    static DurableDriver driver(AtomicInteger passes) {
        return new DurableDriver(new VirtualClock(Instant.parse("2026-01-01T00:00:00Z")))
                .orchestrator("pass", ctx -> {
                    Steps steps = new Steps(ctx, new LinkOptions(600, 15, 3, 5, 4));
                    String in = ctx.getInput(String.class);
                    ctx.callActivity("observe", in, String.class).await();
                    ctx.complete(LinkSiteOrchestration.finish(ctx, steps, in, new LinkResult(in, "LINKED", "ok", null, null, List.of(), null)));
                })
                .activity("observe", in -> {
                    passes.incrementAndGet();
                    return "seen";
                });
    }

    @Test
    void aRecheckInTheSameBatchAsTheLastResultIsHonoured() {
        AtomicInteger passes = new AtomicInteger();
        DurableDriver d = driver(passes);
        d.client().scheduleNewOrchestrationInstance("pass", new NewOrchestrationInstanceOptions().setInstanceId("r").setInput("site"));
        assertTrue(d.step(), "first episode: schedules the observation");
        assertTrue(d.step(), "the observation runs; its result waits in the inbox");
        d.client().raiseEvent("r", LinkStarter.RECHECK_EVENT, "newer event");
        d.runUntilIdle();
        DurableDriver.InstanceView v = d.instance("r").orElseThrow();
        assertEquals("Completed", v.status());
        assertEquals(2, passes.get(), "the instance continued as new and observed again");
    }

    @Test
    void withoutARecheckAPassEndsAfterOneObservation() {
        AtomicInteger passes = new AtomicInteger();
        DurableDriver d = driver(passes);
        d.client().scheduleNewOrchestrationInstance("pass", new NewOrchestrationInstanceOptions().setInstanceId("r").setInput("site"));
        d.runUntilIdle();
        assertEquals("Completed", d.instance("r").orElseThrow().status());
        assertEquals(1, passes.get());
    }
}
