package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The link orchestration is crashed right after every single history event and recovered from its saved history.
 * Every run must reach the same final world with no extra writes: activities observe before they write, so the ones
 * re-run after a crash find their work done.
 */
class CrashReplayTest {

    @Test
    void crashAfterEveryHistoryEventReachesTheSameWorldWithNoExtraWrites() {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        ObjectNode expected;
        List<CallLog.Call> expectedWrites;
        int events;
        try (Sandbox s = new Sandbox(world)) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status());
            expected = new WorldView(s).comparableWorld();
            expectedWrites = s.calls().writes();
            events = s.durable().totalHistoryEvents();
        }
        // The demo link's one LinkSite history, measured: 68 events (its activities and durable timers, each scheduled and
        // completed, and the orchestration's start and end). A step added to or removed from the link changes it, on purpose:
        // every one of these events is a crash point below.
        assertEquals(68, events, "the demo link's history events");
        for (int n = 1; n <= events; n++) {
            try (Sandbox s = new Sandbox(world, Sandbox.Options.defaults(world).crashingAfter(n))) {
                s.deliverAll(DemoWorld.events());
                s.runUntilIdle();
                assertEquals(1, s.durable().crashes(), "crash after event " + n);
                DurableDriver.InstanceView v = s.durable().instances().get(0);
                assertEquals("Completed", v.status(), "crash after event " + n + ": " + v.failure());
                String diff = WorldView.firstDifference(expected, new WorldView(s).comparableWorld(), "");
                assertNull(diff, "crash after event " + n + ": same final world, but " + diff);
                List<String> writes = s.calls().writes().stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
                List<String> want = expectedWrites.stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
                assertEquals(want, writes, "crash after event " + n + ": no extra writes");
            }
        }
    }
}
