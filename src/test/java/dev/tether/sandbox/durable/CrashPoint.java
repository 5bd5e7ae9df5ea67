package dev.tether.sandbox.durable;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts committed history events and "kills the process" once, right after the n-th; keeps what the crash cost: the
 * activity results that had been produced but not committed (each such activity runs again).
 */
final class CrashPoint {
    /** Thrown inside the driver to simulate the process dying right after an event was committed. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    private int crashAfter;
    private int crashes;
    private int events;
    private final Map<String, Integer> lostResults = new HashMap<>();

    /** Crash once, right after the n-th event (1-based, across all instances); 0: never. */
    void after(int n) {
        crashAfter = n;
    }

    /** One more committed event; throws {@link Crash} when it is the chosen one. */
    void committed() {
        events++;
        if (crashAfter > 0 && events == crashAfter && crashes == 0) {
            crashes++;
            throw new Crash();
        }
    }

    void lostResultOf(String activity) {
        lostResults.merge(activity, 1, Integer::sum);
    }

    int crashes() {
        return crashes;
    }

    int events() {
        return events;
    }

    int lostResults() {
        return lostResults.values().stream().mapToInt(Integer::intValue).sum();
    }

    int lostResults(String activity) {
        return lostResults.getOrDefault(activity, 0);
    }
}
