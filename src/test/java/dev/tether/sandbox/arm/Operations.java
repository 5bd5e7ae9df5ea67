package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Long-running operations and their status endpoints ({@code /subscriptions/{s}/providers/{ns}/locations/{l}/operations/{id}}
 * and {@code .../operationResults/{id}}). An operation takes a configurable virtual duration, by default one poll interval:
 * until it has passed, a poll answers 200 {@code {"status":"InProgress"}} with a {@code Retry-After} (integer seconds, as
 * the ARM RPC's async-api-reference defines it), and that wait passes on the world's clock before the client's next poll.
 * So every long-running write is polled twice by default (InProgress, then Succeeded), as in Azure, where a subnet PUT
 * or DELETE is not done by the first poll. An id that was never handed out answers 404 "Operation {id} not found." as
 * the network provider does (azure-cli #30169).
 *
 * <p>The network provider asks for 10 s between polls ({@link #NETWORK_RETRY_AFTER}). The Azure SDK's synchronous
 * poller (a plain {@code createOrUpdate}/{@code delete}) honours a Retry-After over its own interval and sleeps it in real
 * time (azure-core-management {@code PollingState.getRetryAfter}, azure-core {@code PollingUtil.getDelay}), so the
 * emulator asks for {@link #SANDBOX_RETRY_AFTER} (1 s) by default to keep the suite fast; the world's clock advances by
 * exactly what the header says. (Tether's pollers, from {@code beginCreateOrUpdate}/{@code beginDelete}, were measured
 * polling again about 50 ms after an InProgress answer.) {@link #setRetryAfter} restores 10 s.
 */
final class Operations {
    /** What the network provider asks for between polls (its Retry-After). */
    static final Duration NETWORK_RETRY_AFTER = Duration.ofSeconds(10);
    /** What the emulator asks for by default: the smallest whole-second Retry-After (the SDK sleeps it for real). */
    static final Duration SANDBOX_RETRY_AFTER = Duration.ofSeconds(1);

    private record Operation(String resourceId, Instant done) {
    }

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Operation> running = new LinkedHashMap<>();
    private final Map<String, String> ended = new LinkedHashMap<>();
    private Duration retryAfter = SANDBOX_RETRY_AFTER;
    private Duration duration = SANDBOX_RETRY_AFTER;
    private Supplier<Instant> clock;
    private Consumer<Duration> waited;

    Operations() {
        Instant[] own = {Instant.parse("2026-01-01T00:00:00Z")};
        this.clock = () -> own[0];
        this.waited = d -> own[0] = own[0].plus(d);
    }

    void useClock(Supplier<Instant> clock, Consumer<Duration> waited) {
        this.clock = clock;
        this.waited = waited;
    }

    void setDuration(Duration duration) {
        this.duration = duration;
    }

    /**
     * The {@code Retry-After} an InProgress answer carries (whole seconds, at least 1); the world's clock advances by it
     * on each InProgress poll. Also resets the duration to one such interval.
     */
    void setRetryAfter(Duration retryAfter) {
        if (retryAfter.toSeconds() < 1 || retryAfter.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("Retry-After is whole seconds, at least 1: " + retryAfter);
        }
        this.retryAfter = retryAfter;
        this.duration = retryAfter;
    }

    /** The world's time now. */
    Instant now() {
        return clock.get();
    }

    /** Starts an operation that writes {@code resourceId} (null for none); returns its id. */
    String start(String resourceId) {
        String id = "op-" + ids.incrementAndGet();
        running.put(id, new Operation(resourceId, clock.get().plus(duration)));
        return id;
    }

    /** The resource an operation writes while it runs (null when none runs for it). */
    boolean writing(String resourceId) {
        return running.values().stream().anyMatch(o -> resourceId.equalsIgnoreCase(o.resourceId()));
    }

    /**
     * A poll. {@code onEnd} is told the written resource and the end state when the operation ends now.
     * Returns the Azure-AsyncOperation status body.
     */
    Reply poll(String id, String forcedEnd, java.util.function.BiConsumer<String, String> onEnd) {
        String key = id.toLowerCase(java.util.Locale.ROOT);
        Operation op = running.get(key);
        if (op == null) {
            String state = ended.get(key);
            if (state == null) {
                ObjectNode body = ArmWorld.M.createObjectNode();
                body.putObject("error").put("message", "Operation " + id + " not found.");
                throw new ArmError(PlatformRules.Rule.OPERATION_NOT_FOUND.status, PlatformRules.Rule.OPERATION_NOT_FOUND.code,
                        "Operation " + id + " not found.", body);
            }
            return Reply.ok(status(id, state));
        }
        if (forcedEnd == null && clock.get().isBefore(op.done())) {
            waited.accept(retryAfter);
            return new Reply(200, status(id, "InProgress"), Map.of("Retry-After", String.valueOf(retryAfter.toSeconds())));
        }
        String state = forcedEnd == null ? "Succeeded" : forcedEnd;
        running.remove(key);
        ended.put(key, state);
        if (op.resourceId() != null) {
            onEnd.accept(op.resourceId(), state);
        }
        return Reply.ok(status(id, state));
    }

    private static ObjectNode status(String id, String state) {
        ObjectNode b = ArmWorld.M.createObjectNode().put("status", state).put("name", id);
        if (state.equals("Failed")) {
            b.putObject("error").put("code", "InternalServerError").put("message", "The operation failed (injected)");
        }
        return b;
    }
}
