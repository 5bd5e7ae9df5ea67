package dev.tether.orchestration;

import com.microsoft.durabletask.TaskOrchestrationContext;

import java.util.List;

/**
 * The cluster DNS sequence, shared by the site and cluster orchestrations: ensure the tether-dns internal load
 * balancer, ensure the CoreDNS override, restart CoreDNS if it runs an older override, then wait (durable timers,
 * bounded) until the DNS answers: IP pinned, endpoints ready, rollout finished, names mapped ({@link DnsReadinessSteps}).
 */
final class ClusterDnsSteps {
    private ClusterDnsSteps() {
    }

    /** Returns the DNS IP. Fails the orchestration when the DNS is not ready in time (nothing else is written then). */
    static String ensure(TaskOrchestrationContext ctx, Steps steps, LinkOptions options, String clusterId, String domain,
                         String link, List<StepResult> report) {
        report.add(steps.ensure(Steps.ENSURE_DNS_SERVICE, clusterId));
        report.add(steps.ensure(Steps.ENSURE_COREDNS_OVERRIDE, new Messages.ClusterDns(clusterId, domain, link)));
        report.add(steps.ensure(Steps.RESTART_COREDNS,
                new Messages.RestartCoredns(clusterId, domain, ctx.getCurrentInstant().toString())));
        return DnsReadinessSteps.await(ctx, steps, options, clusterId, domain, report);
    }
}
