package dev.tether.sandbox.durable;

import dev.tether.sandbox.VirtualClock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The durable timers the backend holds, on the virtual clock. A timer due at {@code fireAt} fires 1 ms after it (the
 * engine needs the episode that sees it to start strictly after fireAt), or at once when that time has passed.
 */
final class TimerQueue {
    private final VirtualClock clock;
    private final List<PendingWork.Timer> timers = new ArrayList<>();

    TimerQueue(VirtualClock clock) {
        this.clock = clock;
    }

    void add(PendingWork.Timer timer) {
        timers.add(timer);
    }

    void clear() {
        timers.clear();
    }

    /** Drops the timers nobody waits for any more, then says whether any is left. */
    boolean anyAwaited(Predicate<PendingWork.Timer> awaited) {
        timers.removeIf(awaited.negate());
        return !timers.isEmpty();
    }

    /** When the earliest timer fires; call only when {@link #anyAwaited} said there is one. */
    Instant nextFireTime() {
        Instant fireAt = timers.stream().map(PendingWork.Timer::fireAt).min(Comparator.naturalOrder()).orElseThrow();
        return clock.now().isAfter(fireAt) ? clock.now() : fireAt.plusMillis(1);
    }

    /** Moves the clock to the earliest fire time, and hands back (and forgets) every timer due by then. */
    List<PendingWork.Timer> fireEarliest() {
        clock.advanceTo(nextFireTime());
        Instant now = clock.now();
        List<PendingWork.Timer> due = timers.stream().filter(t -> t.fireAt().isBefore(now)).toList();
        timers.removeAll(due);
        return due;
    }
}
