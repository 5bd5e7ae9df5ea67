package dev.tether.azure;

import dev.tether.sandbox.VirtualClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class ReadGovernorTest {
    private static final String SUB = "00000000-0000-0000-0000-000000000001";

    @Test
    void tetherSpendsItsShareOfTheBurstThenItsShareOfTheRefill() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ReadGovernor g = new ReadGovernor(0.5, clock.asClock());
        for (int i = 0; i < 25; i++) {
            assertEquals(Duration.ZERO, g.acquire(SUB, 5), "reads " + (5 * i) + ".. of the 125-read share of the burst");
        }
        assertEquals(Duration.ofMillis(400), g.acquire(SUB, 5), "5 reads at 12.5 per second");
        assertEquals(Duration.ofMillis(800), g.acquire(SUB, 5), "the next waiter comes back after the first, not with it");
        clock.advance(Duration.ofMillis(400));
        assertEquals(Duration.ZERO, g.acquire(SUB, 5));
    }

    @Test
    void whatArmSaysIsLeftKeepsTheOthersPart() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ReadGovernor g = new ReadGovernor(0.5, clock.asClock());
        g.observe(SUB, 130); // the others spent 120 of the 250; 125 must stay theirs
        assertEquals(Duration.ZERO, g.acquire(SUB, 5));
        assertEquals(Duration.ofMillis(40), g.acquire(SUB, 1), "125 left: one more read waits for one token at ARM's 25/s");
        clock.advance(Duration.ofMillis(40));
        assertEquals(Duration.ZERO, g.acquire(SUB, 1));
        assertEquals(Duration.ZERO, g.acquire("00000000-0000-0000-0000-000000000002", 5), "another subscription has its own bucket");
    }

    @Test
    void readsGrantedWithoutAnArmCallRefillWithTime() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ReadGovernor g = new ReadGovernor(0.5, clock.asClock());
        g.observe(SUB, 250);
        for (int i = 0; i < 125; i++) {
            assertEquals(Duration.ZERO, g.acquire(SUB, 1), "read " + i + " of Tether's half of a full bucket");
        }
        // Steps granted reads and made no ARM call (a Kubernetes step with a cached client): no response corrects the
        // estimate, and ARM's bucket refills all the same.
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, g.acquire(SUB, 1), "10 s later ARM's bucket is full again (125 + 10 s at 25/s, capped at 250)");
    }

    @Test
    void aFleetOfWaitersWithoutArmResponsesDrainsAtTethersRefill() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ReadGovernor g = new ReadGovernor(0.5, clock.asClock());
        g.observe(SUB, 250);
        int granted = 0;
        int asks = 0;
        while (granted < 1_000 && asks < 100_000) {
            asks++;
            Duration wait = g.acquire(SUB, 1);
            if (wait.isZero()) {
                granted++;
            } else {
                clock.advance(wait);
            }
        }
        assertEquals(1_000, granted, "every step is granted its read, with no ARM response after the first");
        // 125 at once (Tether's half of the burst), the other 875 at Tether's 12.5 per second: 70 s.
        assertEquals(Instant.parse("2026-01-01T00:01:10Z"), clock.now());
    }

    @Test
    void readsTheTriggerMadeWithoutAskingAreSpentAtOnce() {
        VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ReadGovernor g = new ReadGovernor(0.5, clock.asClock());
        g.observe(SUB, 250);
        g.spend(SUB, 125); // 125 Event Grid deliveries, one site read each, before any step asked
        assertEquals(Duration.ofMillis(80), g.acquire(SUB, 1), "Tether's allowance is spent: one read at 12.5 per second");
        clock.advance(Duration.ofMillis(80));
        assertEquals(Duration.ZERO, g.acquire(SUB, 1), "80 ms later: one read of Tether's, and ARM at 127 keeps the others' 125");
    }

    @Test
    void subscriptionOfAStepsInput() {
        assertEquals("0a1b2c3d-0000-4000-8000-00000000abcd", ReadGovernor.subscriptionIn(
                "{\"resourceId\":\"/subscriptions/0A1B2C3D-0000-4000-8000-00000000ABCD/resourceGroups/rg/providers/Microsoft.Web/sites/a\"}"));
        assertNull(ReadGovernor.subscriptionIn("{\"link\":\"shop\"}"));
    }
}
