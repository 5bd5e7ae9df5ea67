package dev.tether.orchestration;

import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.plan.DnsReadiness;
import dev.tether.plan.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits, with durable timers and within {@code TETHER_DNS_WAIT_TIMEOUT}, until the cluster DNS will answer the app: an
 * IP (pinned), ready endpoints for both ports, a finished CoreDNS rollout, and each linked internal Service's name
 * mapping to its internal IP. Each check is one activity (reads only, plus the pin). The custom status shows every
 * check while it waits. When the wait fails, nothing more is written: the app keeps its old DNS server.
 */
final class DnsReadinessSteps {
    static final String RECOVER = "fix key " + dev.tether.plan.Conventions.OVERRIDE_KEY
            + " (or the other *.override / *.server keys) of kube-system/coredns-custom (kubectl -n kube-system logs -l k8s-app=kube-dns"
            + " shows the error), run kubectl -n kube-system rollout undo deployment coredns, remove the annotation "
            + dev.tether.plan.Conventions.ANNOTATION_ROLLOUT_FAILED + " from deployment coredns, then rerun the link";

    private DnsReadinessSteps() {
    }

    /** Returns the DNS IP once everything holds; throws {@link LinkFailedException} when it does not in time. */
    static String await(TaskOrchestrationContext ctx, Steps steps, LinkOptions options, String clusterId, String domain, List<StepResult> report) {
        Instant started = ctx.getCurrentInstant();
        Instant deadline = started.plusSeconds(options.dnsWaitSeconds());
        Duration poll = Duration.ofSeconds(Math.max(1, options.dnsPollSeconds()));
        int checks = 0;
        boolean pinned = false;
        while (true) {
            DnsReadiness r = steps.call(Steps.OBSERVE_DNS_READINESS, new DnsCheck(clusterId, domain), DnsReadiness.class);
            checks++;
            pinned |= r.pinnedNow();
            long waited = Duration.between(started, ctx.getCurrentInstant()).toSeconds();
            if (r.failure() != null) {
                throw new LinkFailedException("dns-ready: " + r.failure() + ". The app keeps its DNS server; nothing else was changed,"
                        + " and Tether will not restart CoreDNS for this override again. Recover: " + RECOVER);
            }
            if (r.ready()) {
                report.add(StepResult.done("dns-ready", pinned ? Outcome.UPDATED : Outcome.UNCHANGED, "tether-dns " + r.ip()
                        + (pinned ? " (now pinned)" : " (pinned)") + " answers: " + r.checks().size() + " checks hold after " + waited + "s, "
                        + checks + " check(s); " + names(r)));
                return r.ip();
            }
            Instant now = ctx.getCurrentInstant();
            if (!now.isBefore(deadline)) {
                throw new LinkFailedException("dns-ready: the cluster DNS was not ready within " + options.dnsWaitSeconds() + "s ("
                        + String.join("; ", r.pending()) + "). The app keeps its DNS server; nothing else was changed. Fix: "
                        + (r.pending().stream().anyMatch(p -> p.startsWith(DnsReadiness.CHECK_IP))
                        ? "check the cluster identity has Network Contributor on the node subnet and the Service's events"
                        + " (kubectl -n kube-system describe service tether-dns), then rerun the link"
                        : r.pending().stream().anyMatch(p -> p.startsWith(DnsReadiness.CHECK_ROLLOUT)) ? RECOVER
                        : "check the pending items above (kubectl -n kube-system get endpointslices,pods -l k8s-app=kube-dns), then rerun the link"));
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("step", "waiting-for-dns");
            status.put("clusterId", clusterId);
            status.put("waitedSeconds", waited);
            status.put("deadline", deadline.toString());
            status.put("checks", checks);
            status.put("readiness", r.progress());
            steps.status(status);
            Duration remaining = Duration.between(now, deadline);
            ctx.createTimer(remaining.compareTo(poll) < 0 ? remaining : poll).await();
        }
    }

    private static String names(DnsReadiness r) {
        return r.names().isEmpty() ? "no linked internal Service yet"
                : String.join(", ", r.names().stream().map(n -> n.name() + " -> " + n.ip()).toList());
    }
}
