package dev.tether.sandbox.arm;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ARM's read throttling, as documented: a token bucket per subscription (about 250 reads of burst, refilled at about
 * 25 per second), on the sandbox's virtual clock. An empty bucket answers 429 with Retry-After.
 */
public final class ReadBudget {
    static final long EMPTY = -2;

    private final int capacity;
    private final double refillPerSecond;
    private final Supplier<Instant> clock;
    private final Map<String, double[]> buckets = new HashMap<>();
    private final Map<String, Instant> lastRefill = new HashMap<>();

    public ReadBudget(int capacity, double refillPerSecond, Supplier<Instant> clock) {
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.clock = clock;
    }

    public static ReadBudget unlimited() {
        return new ReadBudget(Integer.MAX_VALUE, 0, Instant::now);
    }

    public static ReadBudget arm(Supplier<Instant> clock) {
        return new ReadBudget(250, 25, clock);
    }

    /** Takes one read; returns what remains, or EMPTY when throttled. */
    synchronized long take(String subscription) {
        if (capacity == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        double[] tokens = buckets.computeIfAbsent(subscription, s -> new double[]{capacity});
        Instant now = clock.get();
        Instant last = lastRefill.getOrDefault(subscription, now);
        double seconds = Math.max(0, Duration.between(last, now).toNanos() / 1e9);
        tokens[0] = Math.min(capacity, tokens[0] + seconds * refillPerSecond);
        lastRefill.put(subscription, now);
        if (tokens[0] < 1) {
            return EMPTY;
        }
        tokens[0] -= 1;
        return (long) Math.floor(tokens[0]);
    }

    synchronized int retryAfterSeconds(String subscription) {
        double[] tokens = buckets.get(subscription);
        double missing = tokens == null ? 0 : Math.max(0, 1 - tokens[0]);
        return (int) Math.max(1, Math.ceil(missing / Math.max(refillPerSecond, 1e-9)));
    }
}
