package dev.tether.orchestration;

import com.microsoft.durabletask.TaskCanceledException;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.durable.LinkStarter;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * TETHER_ON_UNTAG=unlink's wait, shared by the App Service and the cluster unlink: a durable timer until
 * {@code deadline} that any newer event interrupts. After an event the resource is looked at again ({@code retagged},
 * the caller's plan call): tagged again cancels the unlink, an explicit unlink request ends the wait, anything else
 * waits out the rest. Sequencing only.
 */
final class UntagWait {
    private UntagWait() {
    }

    /** True when the wait ran out or an explicit unlink ended it; false when the resource carries its tag again. */
    static boolean waited(TaskOrchestrationContext ctx, Steps steps, Instant deadline, String phase, BooleanSupplier retagged) {
        while (true) {
            Duration left = Duration.between(ctx.getCurrentInstant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return true;
            }
            steps.status(Map.of("step", "unlinking", "phase", phase, "until", deadline.toString()));
            String reason;
            try {
                reason = ctx.waitForExternalEvent(LinkStarter.RECHECK_EVENT, left, String.class).await();
            } catch (TaskCanceledException timeUp) {
                return true;
            }
            if (reason != null && reason.startsWith("unlink")) {
                return true;
            }
            if (retagged.getAsBoolean()) {
                return false;
            }
        }
    }
}
