package dev.tether.orchestration;

import java.util.List;

/** The output of a link orchestration: where the resource stands and what each step did. */
public record LinkResult(String resourceId, String status, String message, String clusterId, String dnsIp,
                         List<StepResult> steps, List<String> signaled) {
}
