package dev.tether.orchestration;

import java.util.List;

/**
 * The output of a link orchestration: where the resource stands and what each step did. {@code passStartedAt} is when
 * the pass that produced it began (ISO-8601, orchestration time): every read of the pass came after it, so an event
 * raised well before it is already covered by this result.
 */
public record LinkResult(String resourceId, String status, String message, String clusterId, String dnsIp,
                         List<StepResult> steps, List<String> signaled, String passStartedAt) {

    public LinkResult(String resourceId, String status, String message, String clusterId, String dnsIp, List<StepResult> steps,
                      List<String> signaled) {
        this(resourceId, status, message, clusterId, dnsIp, steps, signaled, null);
    }

    LinkResult startedAt(java.time.Instant passStart) {
        return new LinkResult(resourceId, status, message, clusterId, dnsIp, steps, signaled, passStart.toString());
    }
}
