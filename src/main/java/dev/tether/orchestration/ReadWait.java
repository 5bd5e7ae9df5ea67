package dev.tether.orchestration;

import java.time.Duration;

/**
 * What an ARM-reading activity answers instead of reading when the subscription's read budget (the ReadGovernor) is
 * spent: how long to wait. {@link Steps#call} waits that long with a durable timer and calls the activity again, so no
 * activity ever sleeps and the wait survives restarts.
 */
public record ReadWait(long readBudgetWaitMs) {
    static final String PREFIX = "{\"readBudgetWaitMs\":";

    public static ReadWait of(Duration wait) {
        return new ReadWait(Math.max(1, wait.toMillis()));
    }

    /** The wait a step's JSON result asks for, or null when it is a real result. */
    static Duration in(String json) {
        if (json == null || !json.startsWith(PREFIX)) {
            return null;
        }
        return Duration.ofMillis(dev.tether.durable.Json.read(json, ReadWait.class).readBudgetWaitMs());
    }
}
