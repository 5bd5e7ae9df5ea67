package dev.tether.orchestration;

import dev.tether.activities.UnlinkActivities;
import dev.tether.plan.UnlinkPlan;

import com.microsoft.durabletask.TaskOrchestrationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The App Service unlink, sequenced: plan (reads), then in the order that never breaks the app the DNS setting, the
 * slot-setting marks Tether added, route-all, leaving the subnet and the subnet itself, each step only when the plan found it to do. Sequencing only.
 */
final class UnlinkSiteSteps {
    private UnlinkSiteSteps() {
    }

    /** TETHER_ON_UNTAG=unlink: the grace period ({@link UntagWait}); after an event the app's unlink plan says whether it is tagged again. */
    private static boolean graceWaited(TaskOrchestrationContext ctx, Steps steps, LinkRequest request) {
        return UntagWait.waited(ctx, steps, ctx.getCurrentInstant().plusSeconds(request.graceSeconds()), "grace",
                () -> steps.call(Steps.PLAN_SITE_UNLINK, request, UnlinkPlan.class).status() == UnlinkPlan.Status.TAGGED);
    }

    /**
     * How long step 4 waits, durably, between its looks at a subnet that only the app's own plan's service association
     * link still holds: App Service removes that link after the plan's last app left, and in Azure that can lag
     * (MicrosoftDocs/azure-docs#116634, Azure/deployment-stacks#150). 20 s doubling to 160 s: five looks within 5 minutes.
     */
    static final List<Duration> SUBNET_RELEASE_WAITS = List.of(Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80),
            Duration.ofSeconds(160));

    /**
     * Step 4: delete the subnet once nothing uses it. The intent (the plan's {@code deleteSubnet}) is in this instance's
     * history: the app's record went with step 1, so a crash or a replay re-reads it from there, never from the world.
     */
    private static StepResult deleteSubnet(TaskOrchestrationContext ctx, Steps steps, UnlinkPlan plan) {
        long waited = 0;
        for (int look = 0; ; look++) {
            boolean last = look == SUBNET_RELEASE_WAITS.size();
            UnlinkActivities.SubnetCheck check = steps.call(Steps.DELETE_SUBNET_IF_UNUSED,
                    new UnlinkActivities.SubnetRelease(plan.siteId(), plan.deleteSubnet(), plan.planId(), waited, last), UnlinkActivities.SubnetCheck.class);
            StepResult r = check.result();
            if (r.error() != null) {
                throw new LinkFailedException(r.step() + ": " + r.error());
            }
            if (!check.lingering() || last) {
                return r;
            }
            Duration wait = SUBNET_RELEASE_WAITS.get(look);
            steps.status(Map.of("step", "unlinking", "phase", "delete-subnet", "waiting", r.detail(), "nextLookInSeconds", wait.toSeconds()));
            ctx.createTimer(wait).await();
            waited += wait.toSeconds();
        }
    }

    /** The pass's result, or null when the app carries its tag again (the caller then links it). */
    static LinkResult run(TaskOrchestrationContext ctx, Steps steps, LinkRequest request) {
        if (request.graceSeconds() != null && request.graceSeconds() > 0 && !graceWaited(ctx, steps, request)) {
            return null;
        }
        steps.status(Map.of("step", "unlinking", "phase", "planning"));
        UnlinkPlan plan = steps.call(Steps.PLAN_SITE_UNLINK, request, UnlinkPlan.class);
        List<StepResult> report = new ArrayList<>();
        switch (plan.status()) {
            case TAGGED -> {
                return null;
            }
            case REFUSED -> throw new LinkFailedException("unlink refused, nothing written: " + plan.message());
            case GONE, NOTHING -> {
                return new LinkResult(plan.siteId(), plan.status() == UnlinkPlan.Status.GONE ? "GONE" : "UNLINKED", plan.message(), null, null, report, null);
            }
            case READY -> {
            }
        }
        if (plan.settings() != null) {
            steps.status(Map.of("step", "unlinking", "phase", "app-settings"));
            report.add(steps.ensure(Steps.RESTORE_DNS_SETTING, new UnlinkActivities.Restore(plan.siteId(), plan.dnsAtPlan(), plan.previous(),
                    request.forced())));
        }
        // The marks after the setting they protect: Tether's DNS value never exists unmarked, so no swap carries it away.
        if (!plan.unmark().isEmpty()) {
            steps.status(Map.of("step", "unlinking", "phase", "slot-settings"));
            report.add(steps.ensure(Steps.UNMARK_SLOT_SETTINGS, new UnlinkActivities.Unmark(plan.siteId(), plan.unmark())));
        }
        if (plan.routeAllOff()) {
            steps.status(Map.of("step", "unlinking", "phase", "route-all"));
            report.add(steps.ensure(Steps.ROUTE_ALL_OFF, new UnlinkActivities.SiteStep(plan.siteId(), null)));
        }
        if (plan.leaveSubnet() != null) {
            steps.status(Map.of("step", "unlinking", "phase", "leave-subnet"));
            report.add(steps.ensure(Steps.LEAVE_SUBNET, new UnlinkActivities.SiteStep(plan.siteId(), plan.leaveSubnet())));
        }
        if (plan.deleteSubnet() != null) {
            steps.status(Map.of("step", "unlinking", "phase", "delete-subnet"));
            StepResult deleted = deleteSubnet(ctx, steps, plan);
            report.add(deleted);
            if (deleted.outcome() == dev.tether.plan.Outcome.UNCHANGED && deleted.detail().startsWith("kept ")) {
                // Said in the result's message too: the record is gone, so nothing else will remind anyone of the subnet.
                return new LinkResult(plan.siteId(), "UNLINKED", plan.message() + "; " + deleted.detail(), null, null, report, null);
            }
        }
        return new LinkResult(plan.siteId(), "UNLINKED", plan.message(), null, null, report, null);
    }
}
