package dev.tether.orchestration;

import com.microsoft.durabletask.TaskCanceledException;
import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.durable.LinkStarter;
import dev.tether.plan.Conventions;
import dev.tether.plan.Outcome;
import dev.tether.plan.SiteLinkPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Links one App Service or slot to the cluster carrying its link name. Sequencing only: every step is an idempotent
 * activity that observes before it writes. Order matters for safety: the cluster DNS is made ready (and proven to
 * answer) before anything of the app changes, and the app's DNS setting is written last.
 */
public final class LinkSiteOrchestration implements OrchestratorFunction<LinkResult> {

    @Override
    public LinkResult apply(TaskOrchestrationContext ctx) {
        LinkRequest request = ctx.getInput(LinkRequest.class);
        Steps steps = new Steps(ctx, request.options());
        if (request.unlinking()) {
            LinkResult unlinked = UnlinkSiteSteps.run(ctx, steps, request);
            if (unlinked != null) {
                return finish(ctx, steps, request.graceWaited(), unlinked);
            }
            // Tagged again since the unlink was asked for (or within its grace period): the tag is the newest intent,
            // so this pass links.
            request = request.asLink("tagged again after an unlink request: the link is the newest intent");
        }
        List<StepResult> report = new ArrayList<>();

        steps.status(Map.of("step", "planning"));
        SiteLinkPlan plan = steps.call(Steps.PLAN_SITE_LINK, request, SiteLinkPlan.class);
        switch (plan.status()) {
            case REJECTED -> throw new LinkFailedException(plan.message());
            case GONE, NOT_TAGGED, WAITING -> {
                return finish(ctx, steps, request, new LinkResult(plan.siteId(), plan.status().name(), plan.message(), null, null, report, null));
            }
            case READY -> {
            }
        }

        // The cluster DNS first: when it does not become ready, the link fails before anything of the app is changed.
        steps.status(Map.of("step", "cluster-dns", "clusterId", plan.clusterId()));
        String ip = ClusterDnsSteps.ensure(ctx, steps, request.options(), plan.clusterId(), plan.domain(), plan.link(), report);

        steps.status(Map.of("step", "integrating", "subnet", plan.subnet().subnetId()));
        // What the plan observed as already in place costs no second read; anything to change is re-observed by its step.
        StepResult subnet = plan.subnet().action() == Outcome.UNCHANGED
                ? StepResult.done("subnet", Outcome.UNCHANGED, plan.subnet().reason())
                : steps.ensure(Steps.ENSURE_SUBNET, new Messages.EnsureSubnet(plan.subnet()));
        report.add(subnet);
        StepResult site = plan.actionOf("site") == Outcome.UNCHANGED
                ? StepResult.done("site", Outcome.UNCHANGED, "joined to " + plan.subnet().name() + "; " + plan.routeAll().reason())
                : steps.ensure(Steps.JOIN_SUBNET, new Messages.JoinSubnet(plan.siteId(), plan.subnet().subnetId(), plan.turnsRouteAllOn()));
        report.add(site);

        steps.status(Map.of("step", "app-settings", "dnsIp", ip));
        // The mark before the setting: Tether's DNS setting never exists unmarked, so no swap can carry it away.
        report.add(plan.actionOf("slot-settings") == Outcome.UNCHANGED
                ? StepResult.done("slot-settings", Outcome.UNCHANGED, plan.changes().stream().filter(c -> c.step().equals("slot-settings"))
                        .map(dev.tether.plan.Change::reason).findFirst().orElse(""))
                : steps.ensure(Steps.ENSURE_SLOT_SETTINGS, new Messages.SlotSettingsMark(plan.siteId())));
        // Settings the plan read as already naming this IP cost no second read (a write to them since is an event, and a pass).
        // Otherwise the ownership record rides on the DNS write: what this pass created, judged by this pass's plan (in its
        // history): a subnet the plan saw absent is Tether's even when a crash made its step re-run and find it already there,
        // and so are the slot-setting marks the plan found missing (the mark step ran first; its re-run finds them in place).
        report.add(plan.dnsSettingInPlace(ip)
                ? StepResult.done("app-settings", Outcome.UNCHANGED, Conventions.SETTING_DNS_SERVER + " is " + ip)
                : steps.ensure(Steps.ENSURE_DNS_SETTING, new Messages.DnsSetting(plan.siteId(), ip,
                        plan.dns() != null && plan.dns().replaceForeign(), new Messages.Ownership(plan.link(), plan.subnet().name(),
                        plan.subnet().action() == Outcome.CREATED || subnet.outcome() == Outcome.CREATED,
                        plan.turnsRouteAllOn(), plan.dns() == null ? List.of() : plan.dns().slotSettingsMarked()))));

        return finish(ctx, steps, request, new LinkResult(plan.siteId(), "LINKED", "linked to " + plan.clusterId() + " via DNS " + ip
                + " (zone " + plan.domain() + ")", plan.clusterId(), ip, report, null));
    }

    /**
     * How long a finished pass listens for a newer event before it completes. Not zero: the backend may hand the last
     * activity's result and a raised event over in one batch, and the engine gives the orchestrator the result first;
     * only a wait lets it read the rest of the batch (RecheckRaceTest). It also catches an event raised just then.
     */
    static final Duration RECHECK_WINDOW = Duration.ofSeconds(1);

    /**
     * The output, unless a newer event arrived while this pass ran: then the instance continues as new (which ends
     * this execution by throwing the engine's interruption) and checks the world once more.
     */
    static LinkResult finish(TaskOrchestrationContext ctx, Steps steps, Object request, LinkResult result) {
        boolean newer;
        List<String> reasons = new ArrayList<>();
        try {
            reasons.add(ctx.waitForExternalEvent(LinkStarter.RECHECK_EVENT, RECHECK_WINDOW, String.class).await());
            newer = true;
            // Every other event already raised (a zero wait takes only those): an unlink among them is the newest intent.
            while (true) {
                reasons.add(ctx.waitForExternalEvent(LinkStarter.RECHECK_EVENT, Duration.ZERO, String.class).await());
            }
        } catch (TaskCanceledException quiet) {
            newer = !reasons.isEmpty();
        }
        if (newer) {
            if (request instanceof LinkRequest link) {
                request = LinkStarter.nextRequest(link, reasons);
            } else if (request instanceof ServicesRequest services) {
                request = LinkStarter.nextRequest(services, reasons);
            }
            // The next pass begins now: events raised before this are ones it will see.
            ctx.setCustomStatus(Map.of("step", "re-checking", "reason", "a newer event arrived during the last pass",
                    Steps.PASS_STARTED_AT, ctx.getCurrentInstant().toString()));
            ctx.continueAsNew(request, false);
        }
        steps.status(Map.of("step", "done", "status", result.status()));
        return result.startedAt(steps.passStart());
    }
}
