package dev.tether.orchestration;

import com.microsoft.durabletask.TaskOrchestrationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The cluster DNS sequence, shared by the site and cluster orchestrations: ensure the tether-dns internal load
 * balancer, ensure the CoreDNS override, restart CoreDNS if it runs an older override, then wait for the IP with
 * durable timers (bounded), pinning it once assigned.
 */
final class ClusterDnsSteps {
    private ClusterDnsSteps() {
    }

    /** Returns the DNS IP. Fails the orchestration when the IP does not arrive in time (nothing else is written then). */
    static String ensure(TaskOrchestrationContext ctx, Steps steps, LinkOptions options, String clusterId, String domain,
                         List<StepResult> report) {
        report.add(steps.ensure(Steps.ENSURE_DNS_SERVICE, clusterId));
        report.add(steps.ensure(Steps.ENSURE_COREDNS_OVERRIDE, new Messages.ClusterDns(clusterId, domain)));
        report.add(steps.ensure(Steps.RESTART_COREDNS,
                new Messages.RestartCoredns(clusterId, domain, ctx.getCurrentInstant().toString())));
        return awaitIp(ctx, steps, options, clusterId, report);
    }

    private static String awaitIp(TaskOrchestrationContext ctx, Steps steps, LinkOptions options, String clusterId,
                                  List<StepResult> report) {
        Instant started = ctx.getCurrentInstant();
        Instant deadline = started.plusSeconds(options.dnsWaitSeconds());
        Duration poll = Duration.ofSeconds(Math.max(1, options.dnsPollSeconds()));
        int checks = 0;
        while (true) {
            DnsIp observed = steps.call(Steps.OBSERVE_DNS_IP, clusterId, DnsIp.class);
            checks++;
            if (observed.error() != null) {
                throw new LinkFailedException("dns-ip: " + observed.error());
            }
            if (observed.ip() != null) {
                report.add(StepResult.done("dns-ip", observed.pinnedNow() ? dev.tether.plan.Outcome.UPDATED : dev.tether.plan.Outcome.UNCHANGED,
                        "tether-dns has IP " + observed.ip() + (observed.pinnedNow() ? ", now pinned" : ", pinned")
                                + " (after " + Duration.between(started, ctx.getCurrentInstant()).toSeconds() + "s, " + checks + " checks)"));
                return observed.ip();
            }
            Instant now = ctx.getCurrentInstant();
            if (!now.isBefore(deadline)) {
                throw new LinkFailedException("dns-ip: kube-system/tether-dns got no load balancer IP within "
                        + options.dnsWaitSeconds() + "s (" + observed.waitingFor() + "). Nothing was changed in the app's settings."
                        + " Fix: check the cluster identity has Network Contributor on the node subnet and the Service's events"
                        + " (kubectl -n kube-system describe service tether-dns), then rerun the link");
            }
            steps.status(Map.of("step", "waiting-for-dns-ip", "clusterId", clusterId,
                    "waitedSeconds", Duration.between(started, now).toSeconds(), "deadline", deadline.toString(),
                    "checks", checks));
            Duration remaining = Duration.between(now, deadline);
            ctx.createTimer(remaining.compareTo(poll) < 0 ? remaining : poll).await();
        }
    }
}
