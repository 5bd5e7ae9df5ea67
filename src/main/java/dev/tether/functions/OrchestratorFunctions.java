package dev.tether.functions;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.TaskOrchestrationContext;
import com.microsoft.durabletask.azurefunctions.DurableOrchestrationTrigger;
import dev.tether.orchestration.DriftMessages;
import dev.tether.orchestration.DriftScanOrchestration;
import dev.tether.orchestration.LinkClusterOrchestration;
import dev.tether.orchestration.LinkResult;
import dev.tether.orchestration.LinkSiteOrchestration;
import dev.tether.orchestration.ReconcileServicesOrchestration;
import dev.tether.orchestration.Steps;

/** The orchestrator functions. The durable middleware runs them through the replay engine; they only sequence. */
public final class OrchestratorFunctions {

    @FunctionName(Steps.LINK_SITE_ORCHESTRATION)
    public LinkResult linkSite(@DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
        return new LinkSiteOrchestration().apply(ctx);
    }

    @FunctionName(Steps.RECONCILE_SERVICES_ORCHESTRATION)
    public LinkResult reconcileServices(@DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
        return new ReconcileServicesOrchestration().apply(ctx);
    }

    @FunctionName(Steps.DRIFT_SCAN_ORCHESTRATION)
    public DriftMessages.Report driftScan(@DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
        return new DriftScanOrchestration().apply(ctx);
    }

    @FunctionName(Steps.LINK_CLUSTER_ORCHESTRATION)
    public LinkResult linkCluster(@DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
        return new LinkClusterOrchestration().apply(ctx);
    }
}
