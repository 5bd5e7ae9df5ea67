package dev.tether.orchestration;

import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.durable.Json;
import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.Outcome;
import dev.tether.plan.ServiceDecision;
import dev.tether.plan.ServiceIp;

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
            List<Messages.ApplyService> inputs = new ArrayList<>();
            for (ServiceDecision d : todo.subList(i, Math.min(i + parallelism, todo.size()))) {
                inputs.add(new Messages.ApplyService(request.clusterId(), d.service(), plan.policy()));
                batch.add(steps.schedule(Steps.APPLY_SERVICE, inputs.get(inputs.size() - 1)));
            }
            steps.status(Map.of("step", "services", "done", i, "total", todo.size()));
            List<String> results = ctx.allOf(batch).await();
            for (int k = 0; k < results.size(); k++) {
                // A step the read budget held back waits durably and runs again, one after another.
                report.add(steps.resume(Steps.APPLY_SERVICE, inputs.get(k), results.get(k), StepResult.class));
            }
        }
        List<String> watched = plan.decisions().stream().filter(d -> d.error() == null && d.action() != null)
                .map(ServiceDecision::service).toList();
        if (plan.policy() != ClusterPolicy.AUDIT && !watched.isEmpty()) {
            awaitInternalIps(ctx, steps, request, watched, report);
        }
        return plan;
    }

    /**
     * Waits (durable timers, within TETHER_DNS_WAIT_TIMEOUT) until every managed Service has an internal IP in the subnet
     * it must come from, and reports each with the name linked apps use. Fails the reconcile when one never gets it.
     */
    private static void awaitInternalIps(TaskOrchestrationContext ctx, Steps steps, ServicesRequest request, List<String> services,
                                         List<StepResult> report) {
        java.time.Instant started = ctx.getCurrentInstant();
        java.time.Instant deadline = started.plusSeconds(request.options().dnsWaitSeconds());
        java.time.Duration poll = java.time.Duration.ofSeconds(Math.max(1, request.options().dnsPollSeconds()));
        Map<String, String> subnets = null;
        String domain = null;
        int checks = 0;
        while (true) {
            ServiceIps.Observed o = steps.call(Steps.OBSERVE_SERVICE_IPS, new ServiceIps.Check(request.clusterId(), services, subnets, domain),
                    ServiceIps.Observed.class);
            checks++;
            if (o.error() != null) {
                throw new LinkFailedException("service-ips: " + o.error());
            }
            subnets = o.subnets();
            domain = o.domain();
            List<ServiceIp> pending = o.services().stream().filter(s -> !ServiceIp.INTERNAL.equals(s.state())).toList();
            if (pending.isEmpty()) {
                for (ServiceIp s : o.services()) {
                    report.add(StepResult.done("service-ip " + s.service(), Outcome.UNCHANGED, s.detail()
                            + (s.expectedSubnet() == null ? "" : " (in " + s.expectedSubnet() + ")")));
                }
                return;
            }
            java.time.Instant now = ctx.getCurrentInstant();
            if (!now.isBefore(deadline)) {
                throw new LinkFailedException("service-ips: no internal IP within " + request.options().dnsWaitSeconds() + "s for "
                        + String.join("; ", pending.stream().map(s -> s.service() + " (" + s.detail()
                        + (s.expectedSubnet() == null ? "" : ", expected from " + s.expectedSubnet()) + ")").toList())
                        + ". Fix: see kubectl describe service for the load balancer's events (a full subnet, or an"
                        + " azure-load-balancer-internal-subnet annotation naming a bad subnet), fix it, then rerun the link");
            }
            steps.status(Map.of("step", "waiting-for-service-ips", "clusterId", request.clusterId(), "checks", checks,
                    "pending", pending.stream().map(s -> s.name() + ": " + s.detail()).toList(), "deadline", deadline.toString()));
            java.time.Duration remaining = java.time.Duration.between(now, deadline);
            ctx.createTimer(remaining.compareTo(poll) < 0 ? remaining : poll).await();
        }
    }
}
