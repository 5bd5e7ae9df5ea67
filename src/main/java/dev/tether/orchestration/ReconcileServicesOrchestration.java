package dev.tether.orchestration;

import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.TaskOrchestrationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a cluster's Services private as its policy says: after a public IP or load balancer event, a rerun, or a drift
 * scan (which also asks it to repair the exposure guard when that drifted). A guard repair asked of a running pass
 * arrives as a recheck with the {@code guard: } payload, and that pass continues as new with the guard
 * ({@link dev.tether.durable.LinkStarter#nextRequest(ServicesRequest, java.util.List)}).
 */
public final class ReconcileServicesOrchestration implements OrchestratorFunction<LinkResult> {

    @Override
    public LinkResult apply(TaskOrchestrationContext ctx) {
        ServicesRequest request = ctx.getInput(ServicesRequest.class);
        Steps steps = new Steps(ctx, request.options());
        List<StepResult> report = new ArrayList<>();
        ServicesPlan plan = ServiceSteps.reconcile(ctx, steps, request, report, request.ensureGuard());
        String status = plan.status() == ServicesPlan.Status.READY ? "RECONCILED" : plan.status().name();
        LinkResult result = new LinkResult(request.clusterId(), status, plan.message(), request.clusterId(), null, report, null);
        return LinkSiteOrchestration.finish(ctx, steps, request, result);
    }
}
