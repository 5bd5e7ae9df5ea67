package dev.tether.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The sandbox's time. It only moves when the durable driver fires timers or a test advances it. */
public final class VirtualClock {
    private Instant now;
    private final List<Consumer<Instant>> listeners = new CopyOnWriteArrayList<>();

    public VirtualClock(Instant start) {
        this.now = start;
    }

    public synchronized Instant now() {
        return now;
    }

    /** Moves time forward (never back) and tells every listener, e.g. the simulated AKS load-balancer controller. */
    public void advanceTo(Instant t) {
        Instant current;
        synchronized (this) {
            if (t.isAfter(now)) {
                now = t;
            }
            current = now;
        }
        listeners.forEach(l -> l.accept(current));
    }

    public void advance(Duration d) {
        advanceTo(now().plus(d));
    }

    public void onAdvance(Consumer<Instant> listener) {
        listeners.add(listener);
    }

    /** This clock as a {@link java.time.Clock} (UTC) for code that reads time through one. */
    public java.time.Clock asClock() {
        return new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }
}
