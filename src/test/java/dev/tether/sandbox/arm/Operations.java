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
 * and {@code .../operationResults/{id}}). An operation takes a configurable virtual duration: until it has passed, a poll
 * answers {@code InProgress}, and the client's wait before its next poll (the provider's Retry-After) passes on the
 * world's clock. An id that was never handed out answers 404 "Operation {id} not found." as the network provider does
 * (azure-cli #30169).
 */
final class Operations {
    /** What the network provider asks for between polls (its Retry-After). */
    static final Duration NETWORK_RETRY_AFTER = Duration.ofSeconds(10);

    private record Operation(String resourceId, Instant done) {
    }

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Operation> running = new LinkedHashMap<>();
    private final Map<String, String> ended = new LinkedHashMap<>();
    private Duration duration = Duration.ZERO;
    private Supplier<Instant> clock;
    private Consumer<Duration> waited;
    private boolean sendRetryAfter;

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
     * Whether InProgress answers carry the provider's {@code Retry-After}. Off by default: the Azure SDK honours a
     * Retry-After over its (shrinkable) default interval and would sleep it in real time; the world's clock advances by
     * it either way.
     */
    void setSendRetryAfter(boolean send) {
        this.sendRetryAfter = send;
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
            waited.accept(NETWORK_RETRY_AFTER);
            Map<String, String> headers = sendRetryAfter
                    ? Map.of("Retry-After", String.valueOf(NETWORK_RETRY_AFTER.toSeconds())) : Map.of();
            return new Reply(200, status(id, "InProgress"), headers);
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
