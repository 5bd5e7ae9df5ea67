package dev.tether.orchestration;

import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.durable.Json;
import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.Outcome;
import dev.tether.plan.ServiceDecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Service reconcile sequence, shared by LinkCluster and ReconcileServices: plan every managed Service (one read of
 * the cluster's Services), then apply the changes with bounded parallelism. In audit mode nothing is applied; each
 * Service that would change is reported. A Service with bad input is reported and does not stop the others.
 */
final class ServiceSteps {
    private ServiceSteps() {
    }

    /**
     * Returns the plan's message; adds one StepResult per managed Service to {@code report}. With {@code ensureGuard}
     * (a cluster pass), the exposure guard is written or removed first, so that new public Services are refused while
     * the existing ones are made internal.
     */
    static ServicesPlan reconcile(TaskOrchestrationContext ctx, Steps steps, ServicesRequest request, List<StepResult> report,
                                  boolean ensureGuard) {
        ServicesPlan plan = steps.call(Steps.PLAN_SERVICES, request, ServicesPlan.class);
        if (plan.status() == ServicesPlan.Status.REJECTED) {
            throw new LinkFailedException("services: " + plan.message());
        }
        if (plan.status() != ServicesPlan.Status.READY) {
            return plan;
        }
        if (ensureGuard) {
            report.add(steps.ensure(Steps.ENSURE_EXPOSURE_GUARD, new Messages.Guard(request.clusterId(), plan.policy(), plan.guard())));
        }
        List<ServiceDecision> todo = new ArrayList<>();
        for (ServiceDecision d : plan.decisions()) {
            String step = "service " + d.service();
            if (d.error() != null) {
                report.add(StepResult.refused(step, d.error()));
            } else if (plan.policy() == ClusterPolicy.AUDIT) {
                report.add(StepResult.done(step, null, d.action() == Outcome.UPDATED
                        ? "audit: would change: " + d.reason() : "audit: " + d.reason()));
            } else if (d.action() == Outcome.UNCHANGED) {
                report.add(StepResult.done(step, Outcome.UNCHANGED, d.reason()));
            } else {
                todo.add(d);
            }
        }
        int parallelism = Math.max(1, request.options().serviceParallelism());
        for (int i = 0; i < todo.size(); i += parallelism) {
            List<Task<String>> batch = new ArrayList<>();
            for (ServiceDecision d : todo.subList(i, Math.min(i + parallelism, todo.size()))) {
                batch.add(steps.schedule(Steps.APPLY_SERVICE, new Messages.ApplyService(request.clusterId(), d.service(), plan.policy())));
            }
            steps.status(Map.of("step", "services", "done", i, "total", todo.size()));
            for (String json : ctx.allOf(batch).await()) {
                report.add(Json.read(json, StepResult.class));
            }
        }
        return plan;
    }
}
