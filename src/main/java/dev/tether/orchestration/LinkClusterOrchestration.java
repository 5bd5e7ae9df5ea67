package dev.tether.orchestration;

import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.TaskOrchestrationContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A cluster was tagged (or rerun): ensure its DNS, then start or signal the link orchestration of every App Service
 * and slot carrying the same link name. Each of those runs as its resource's one instance.
 */
public final class LinkClusterOrchestration implements OrchestratorFunction<LinkResult> {

    @Override
    public LinkResult apply(TaskOrchestrationContext ctx) {
        LinkRequest request = ctx.getInput(LinkRequest.class);
        Steps steps = new Steps(ctx, request.options());
        if (request.unlinking()) {
            LinkResult unlinked = UnlinkClusterSteps.run(ctx, steps, request);
            if (unlinked != null) {
                return LinkSiteOrchestration.finish(ctx, steps, request.graceWaited(), unlinked);
            }
            // Tagged again since the unlink was asked for: the tag is the newest intent, so this pass links.
            request = request.asLink("tagged again after an unlink request: the link is the newest intent");
        }
        List<StepResult> report = new ArrayList<>();

        steps.status(Map.of("step", "planning"));
        ClusterLinkPlan plan = steps.call(Steps.PLAN_CLUSTER_LINK, request, ClusterLinkPlan.class);
        switch (plan.status()) {
            case REJECTED -> throw new LinkFailedException(plan.message());
            case GONE, NOT_TAGGED -> {
                if (plan.status() == ClusterLinkPlan.Status.NOT_TAGGED) {
                    // Unlinked: the exposure guard goes with the link.
                    report.add(steps.ensure(Steps.ENSURE_EXPOSURE_GUARD, new Messages.Guard(plan.clusterId(), null, false)));
                }
                return LinkSiteOrchestration.finish(ctx, steps, request,
                        new LinkResult(plan.clusterId(), plan.status().name(), plan.message(), plan.clusterId(), null, report, null));
            }
            case READY -> {
            }
        }
        steps.status(Map.of("step", "cluster-dns", "clusterId", plan.clusterId()));
        String ip = ClusterDnsSteps.ensure(ctx, steps, request.options(), plan.clusterId(), plan.domain(), plan.link(), report);

        steps.status(Map.of("step", "services", "clusterId", plan.clusterId()));
        ServiceSteps.reconcile(ctx, steps, new ServicesRequest(plan.clusterId(), null, request.reason(), request.options()), report, true);

        steps.status(Map.of("step", "linking-apps", "link", plan.link()));
        String[] signaled = steps.call(Steps.SIGNAL_LINKED_SITES,
                new Messages.SignalSites(plan.clusterId(), plan.link(), ip, request.options()), String[].class);
        long unchanged = Arrays.stream(signaled).filter(s -> s.startsWith("unchanged ")).count();
        return LinkSiteOrchestration.finish(ctx, steps, request, new LinkResult(plan.clusterId(), "LINKED",
                "cluster DNS ready on " + ip + " (zone " + plan.domain() + "); " + (signaled.length - unchanged) + " app(s) started or signaled, "
                        + unchanged + " already linked to it",
                plan.clusterId(), ip, report, Arrays.asList(signaled)));
    }
}
