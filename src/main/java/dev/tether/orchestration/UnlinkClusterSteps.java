package dev.tether.orchestration;

import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.activities.ClusterUnlinkActivities;
import dev.tether.plan.ClusterUnlinkPlan;
import dev.tether.plan.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster unlink, sequenced (docs/UNLINK.md): plan (reads), delete tether.override, restart CoreDNS once and wait
 * for its rollout (durable timers, within TETHER_DNS_WAIT_TIMEOUT, as a link waits), delete tether-dns, remove the
 * exposure guard. Sequencing only.
 */
final class UnlinkClusterSteps {
    private UnlinkClusterSteps() {
    }

    /** How many more grace periods an untag-triggered unlink waits for the apps still on the DNS IP to be unlinked. */
    static final int APP_WAITS = 3;

    /** How often an unlink asked for with its link's apps looks again whether they have left its DNS IP. */
    static final Duration APP_CHECK = Duration.ofMinutes(1);

    /** TETHER_ON_UNTAG=unlink: waits until {@code deadline} ({@link UntagWait}); after an event one cluster read says whether it is tagged again. */
    private static boolean waited(TaskOrchestrationContext ctx, Steps steps, LinkRequest request, Instant deadline, String phase) {
        return UntagWait.waited(ctx, steps, deadline, phase, () -> {
            ClusterLinkPlan link = steps.call(Steps.PLAN_CLUSTER_LINK, request, ClusterLinkPlan.class);
            return link.status() != ClusterLinkPlan.Status.NOT_TAGGED && link.status() != ClusterLinkPlan.Status.GONE;
        });
    }

    /** The pass's result, or null when the cluster carries its tag again (the caller then links it). */
    static LinkResult run(TaskOrchestrationContext ctx, Steps steps, LinkRequest request) {
        boolean untagged = request.graceSeconds() != null && request.graceSeconds() > 0;
        if (untagged && !waited(ctx, steps, request, ctx.getCurrentInstant().plusSeconds(request.graceSeconds()), "grace")) {
            return null;
        }
        steps.status(Map.of("step", "unlinking", "phase", "planning"));
        ClusterUnlinkPlan plan = steps.call(Steps.PLAN_CLUSTER_UNLINK, request, ClusterUnlinkPlan.class);
        // Untagged with its apps (TETHER_ON_UNTAG=unlink): their unlinks run in their own instances; wait for them, bounded.
        for (int i = 0; untagged && i < APP_WAITS && plan.status() == ClusterUnlinkPlan.Status.REFUSED && !plan.appsOnIp().isEmpty(); i++) {
            if (!waited(ctx, steps, request, ctx.getCurrentInstant().plusSeconds(request.graceSeconds()), "waiting-for-apps")) {
                return null;
            }
            plan = steps.call(Steps.PLAN_CLUSTER_UNLINK, request, ClusterUnlinkPlan.class);
        }
        // Asked for with its link's apps ({"link": ...}): their unlinks run in their own instances; wait for them, checking every minute, bounded.
        if (request.appWaitSeconds() != null) {
            Instant appsDeadline = ctx.getCurrentInstant().plusSeconds(request.appWaitSeconds());
            while (plan.status() == ClusterUnlinkPlan.Status.REFUSED && !plan.appsOnIp().isEmpty() && ctx.getCurrentInstant().isBefore(appsDeadline)) {
                Instant next = ctx.getCurrentInstant().plus(APP_CHECK);
                if (!waited(ctx, steps, request, next.isBefore(appsDeadline) ? next : appsDeadline, "waiting-for-apps")) {
                    return null;
                }
                plan = steps.call(Steps.PLAN_CLUSTER_UNLINK, request, ClusterUnlinkPlan.class);
            }
        }
        List<StepResult> report = new ArrayList<>();
        switch (plan.status()) {
            case TAGGED -> {
                return null;
            }
            case REFUSED -> throw new LinkFailedException("unlink refused, nothing written: " + plan.message());
            case GONE -> {
                return new LinkResult(plan.clusterId(), "GONE", plan.message(), plan.clusterId(), null, report, null);
            }
            case NOTHING, READY -> {
            }
        }
        if (plan.overrideAtPlan() != null) {
            steps.status(Map.of("step", "unlinking", "phase", "coredns-override"));
            StepResult deleted = steps.ensure(Steps.DELETE_COREDNS_OVERRIDE, new ClusterUnlinkActivities.Override(plan.clusterId(), plan.overrideAtPlan(),
                    request.forced()));
            report.add(deleted);
        }
        if (plan.restart()) {
            steps.status(Map.of("step", "unlinking", "phase", "coredns-restart"));
            StepResult restarted = steps.ensure(Steps.RESTART_COREDNS_UNLOADED,
                    new ClusterUnlinkActivities.Restart(plan.clusterId(), ctx.getCurrentInstant().toString()));
            report.add(restarted);
            report.add(awaitRollout(ctx, steps, request.options(), plan.clusterId()));
        }
        if (plan.deleteService()) {
            steps.status(Map.of("step", "unlinking", "phase", "dns-service"));
            report.add(steps.ensure(Steps.DELETE_DNS_SERVICE, new ClusterUnlinkActivities.DnsService(plan.clusterId(), plan.dnsIp())));
        }
        steps.status(Map.of("step", "unlinking", "phase", "exposure-guard"));
        report.add(steps.ensure(Steps.ENSURE_EXPOSURE_GUARD, new Messages.Guard(plan.clusterId(), null, false)));
        if (!request.restoresServices()) {
            return new LinkResult(plan.clusterId(), "UNLINKED", plan.message() + (plan.keptInternal().isEmpty() ? ""
                    : "; kept internal: " + String.join(", ", plan.keptInternal()) + " (an exposure decision, not cleanup; ask with restoreServices to"
                    + " restore)"), plan.clusterId(), null, report, null);
        }
        // 5. Asked for explicitly: the Services back to their recorded type, last, once the exposure guard (which refuses a
        // public LoadBalancer) is gone and nothing resolves through the cluster's DNS any more. One patch per Service; a
        // refusal (changed since, or refused by the API server) is that Service's, reported, and the others go on.
        List<String> kept = new ArrayList<>();
        plan.restores().stream().filter(r -> r.error() != null).forEach(r -> kept.add(r.service() + " (" + r.error() + ")"));
        for (dev.tether.plan.ServiceRestorePlan r : plan.restoring()) {
            steps.status(Map.of("step", "unlinking", "phase", "restore-service", "service", r.service()));
            StepResult done = steps.call(Steps.RESTORE_SERVICE, new ClusterUnlinkActivities.ServiceRestore(plan.clusterId(), r.service(), r.patch(),
                    request.forced()), StepResult.class);
            report.add(done);
            if (done.error() != null) {
                kept.add(r.service() + " (" + done.error() + ")");
            }
        }
        return new LinkResult(plan.clusterId(), "UNLINKED", plan.message() + (kept.isEmpty() ? "" : "; kept internal, refused: " + String.join("; ", kept)),
                plan.clusterId(), null, report, null);
    }

    /** Waits, with durable timers and within TETHER_DNS_WAIT_TIMEOUT, until CoreDNS has rolled out without the override. */
    static StepResult awaitRollout(TaskOrchestrationContext ctx, Steps steps, LinkOptions options, String clusterId) {
        Instant started = ctx.getCurrentInstant();
        Instant deadline = started.plusSeconds(options.dnsWaitSeconds());
        Duration poll = Duration.ofSeconds(Math.max(1, options.dnsPollSeconds()));
        int checks = 0;
        while (true) {
            ClusterUnlinkActivities.Rollout r = steps.call(Steps.OBSERVE_COREDNS_ROLLOUT, clusterId, ClusterUnlinkActivities.Rollout.class);
            checks++;
            if (r.done()) {
                return StepResult.done("coredns-rollout", Outcome.UNCHANGED, r.message() + " after " + Duration.between(started, ctx.getCurrentInstant())
                        .toSeconds() + "s, " + checks + " check(s)");
            }
            Instant now = ctx.getCurrentInstant();
            if (r.failed() || !now.isBefore(deadline)) {
                throw new LinkFailedException("coredns-rollout: " + r.message() + (r.failed() ? "" : " (not finished within " + options.dnsWaitSeconds() + "s)")
                        + ". tether.override is already deleted; tether-dns is kept. Fix: kubectl -n kube-system logs -l k8s-app=kube-dns shows the error"
                        + " (an other *.override / *.server key of coredns-custom), fix it, then ask for the unlink again");
            }
            steps.status(Map.of("step", "unlinking", "phase", "coredns-rollout", "checks", checks, "deadline", deadline.toString(), "rollout", r.message()));
            Duration remaining = Duration.between(now, deadline);
            ctx.createTimer(remaining.compareTo(poll) < 0 ? remaining : poll).await();
        }
    }
}
