package dev.tether.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.HttpPipelinePolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ARM read budget per subscription for every activity that reads ARM. ARM throttles reads with a token bucket per
 * subscription (about 250 of burst, refilled at about 25 per second) shared by everything in it: Tether may spend
 * {@code share} of it. Two checks, before an activity reads:
 * <ul>
 *   <li>Tether's own allowance, a bucket of {@code share} of ARM's (burst and refill), in this worker;</li>
 *   <li>what ARM says is left: every ARM response's {@code x-ms-ratelimit-remaining-subscription-reads} (seen by
 *   {@link #policy()} on every call of every activity and instance) is the level of ARM's bucket then; the governor
 *   keeps that level as ARM does, less each read it grants and refilled with time up to the burst, and it must stay
 *   above the others' part of the bucket. That is what holds across workers: they all read the same header.</li>
 * </ul>
 * The estimate refills even when no ARM response comes to correct it: reads granted to steps that then made no ARM call
 * (a Kubernetes step whose cluster client was cached) are spent from it once, and time gives them back, as ARM's bucket
 * would. An estimate that subtracted them from every later refill never recovered, and a storm of 1,000 apps ended with
 * every step waiting for an ARM response that no step could make (ReadGovernorTest).
 * It never sleeps: {@link #acquire} answers how long to wait, and the orchestrator waits with a durable timer.
 */
public final class ReadGovernor {
    public static final int ARM_READ_BURST = 250;
    public static final double ARM_READ_REFILL = 25;
    /** ARM's header, in a holder: azure-core's header type (and its logging) loads with the first response, not with the governor. */
    private static final class Header {
        static final HttpHeaderName REMAINING = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-reads");
    }
    private static final Pattern SUBSCRIPTION = Pattern.compile("/subscriptions/([0-9A-Fa-f-]{36})");

    private static final class Budget {
        double own;
        Instant ownAt;
        /** ARM's bucket as last seen or granted since (-1: never seen), at {@code armLevelAt}. */
        double armLevel = -1;
        Instant armLevelAt;
        /** When the reads of the steps already told to wait will have been refilled: later waiters queue behind them. */
        Instant queueEnd;

        /** Tether's allowance refilled up to {@code now} (at {@code rate}, to at most {@code capacity}), kept and returned. */
        double refillOwn(Instant now, double capacity, double rate) {
            own = Math.min(capacity, own + seconds(ownAt, now) * rate);
            ownAt = now;
            return own;
        }

        /** ARM's bucket at {@code now}: the level kept, refilled at ARM's rate up to the burst; -1 when never seen. */
        double armLevelNow(Instant now) {
            return armLevel < 0 ? -1 : Math.min(ARM_READ_BURST, armLevel + seconds(armLevelAt, now) * ARM_READ_REFILL);
        }

        /** Takes {@code reads} from both: Tether's allowance, and ARM's bucket when its level {@code armLeft} is known. */
        void take(int reads, Instant now, double armLeft) {
            own -= reads;
            if (armLeft >= 0) {
                armLevel = armLeft - reads;
                armLevelAt = now;
            }
        }
    }

    private final double share;
    private final Clock clock;
    private final Map<String, Budget> budgets = new HashMap<>();

    public ReadGovernor(double share, Clock clock) {
        this.share = share;
        this.clock = clock;
    }

    /**
     * Takes {@code reads} from the subscription's budget and answers {@link Duration#ZERO}, or takes nothing and answers
     * how long to wait before asking again.
     */
    public synchronized Duration acquire(String subscriptionId, int reads) {
        Budget b = budget(subscriptionId);
        Instant now = clock.instant();
        double capacity = ARM_READ_BURST * share;
        double rate = ARM_READ_REFILL * share;
        double own = b.refillOwn(now, capacity, rate);
        double wait = own >= reads ? 0 : (reads - own) / rate;
        double left = b.armLevelNow(now);
        if (left >= 0) {
            double othersPart = ARM_READ_BURST * (1 - share);
            if (left - reads < othersPart) {
                wait = Math.max(wait, (othersPart + reads - left) / ARM_READ_REFILL);
            }
        }
        if (wait > 0) {
            // Steps told to wait come back one after another, not all at once (each would find the budget spent again).
            Instant ready = now.plusMillis((long) Math.ceil(wait * 1000));
            if (b.queueEnd != null && b.queueEnd.isAfter(ready)) {
                ready = b.queueEnd;
            }
            b.queueEnd = ready.plusMillis((long) Math.ceil(reads / rate * 1000));
            return Duration.between(now, ready);
        }
        b.take(reads, now, left);
        return Duration.ZERO;
    }

    /**
     * Records {@code reads} that are made without asking: the Event Grid trigger's read of the written resource (a trigger
     * cannot wait durably). Both estimates lose them at once, as ARM's bucket does, so the steps that ask next leave
     * them room, instead of learning of them only from the next response's header.
     */
    public synchronized void spend(String subscriptionId, int reads) {
        Budget b = budget(subscriptionId);
        Instant now = clock.instant();
        b.refillOwn(now, ARM_READ_BURST * share, ARM_READ_REFILL * share);
        b.take(reads, now, b.armLevelNow(now));
    }

    /** What ARM answered is left of the subscription's read bucket. */
    public synchronized void observe(String subscriptionId, long remaining) {
        Budget b = budget(subscriptionId);
        b.armLevel = remaining;
        b.armLevelAt = clock.instant();
    }

    /** The pipeline policy that shows the governor every ARM response's remaining reads. */
    public HttpPipelinePolicy policy() {
        return (context, next) -> next.process().doOnNext(response -> {
            String remaining = response.getHeaders().getValue(Header.REMAINING);
            Matcher sub = SUBSCRIPTION.matcher(response.getRequest().getUrl().getPath());
            if (remaining != null && sub.find()) {
                try {
                    observe(sub.group(1), Long.parseLong(remaining.trim()));
                } catch (NumberFormatException ignored) {
                    // not a count: nothing learned
                }
            }
        });
    }

    /** The subscription an activity's input names first (every ARM-reading step's input holds a resource id). */
    public static String subscriptionIn(String text) {
        Matcher m = SUBSCRIPTION.matcher(text == null ? "" : text);
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    private Budget budget(String subscriptionId) {
        return budgets.computeIfAbsent(subscriptionId.toLowerCase(java.util.Locale.ROOT), s -> {
            Budget b = new Budget();
            b.own = ARM_READ_BURST * share;
            b.ownAt = clock.instant();
            return b;
        });
    }

    private static double seconds(Instant from, Instant to) {
        return from == null ? 0 : Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }
}
