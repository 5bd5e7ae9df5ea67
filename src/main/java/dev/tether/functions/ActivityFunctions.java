package dev.tether.functions;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.tether.durable.LinkStarter;
import dev.tether.orchestration.Steps;

/** The activity functions: JSON text in, JSON text out, each delegating to one method of LinkActivities. */
public final class ActivityFunctions {

    @FunctionName(Steps.PLAN_SITE_LINK)
    public String planSiteLink(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().planSiteLink(input);
    }

    @FunctionName(Steps.PLAN_CLUSTER_LINK)
    public String planClusterLink(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().planClusterLink(input);
    }

    @FunctionName(Steps.ENSURE_SUBNET)
    public String ensureSubnet(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().ensureSubnet(input);
    }

    @FunctionName(Steps.JOIN_SUBNET)
    public String joinSubnet(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().joinSubnet(input);
    }

    @FunctionName(Steps.ENSURE_DNS_SERVICE)
    public String ensureDnsService(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().ensureDnsService(input);
    }

    @FunctionName(Steps.ENSURE_COREDNS_OVERRIDE)
    public String ensureCorednsOverride(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().ensureCorednsOverride(input);
    }

    @FunctionName(Steps.RESTART_COREDNS)
    public String restartCorednsIfStale(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().restartCorednsIfStale(input);
    }

    @FunctionName(Steps.OBSERVE_DNS_READINESS)
    public String observeDnsReadiness(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().dnsReadiness().observeDnsReadiness(input);
    }

    @FunctionName(Steps.ENSURE_DNS_SETTING)
    public String ensureDnsSetting(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().activities().ensureDnsSetting(input);
    }

    @FunctionName(Steps.PLAN_SERVICES)
    public String planServices(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().serviceActivities().planServices(input);
    }

    @FunctionName(Steps.APPLY_SERVICE)
    public String applyService(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().serviceActivities().applyService(input);
    }

    @FunctionName(Steps.ENSURE_EXPOSURE_GUARD)
    public String ensureExposureGuard(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().serviceActivities().ensureExposureGuard(input);
    }

    @FunctionName(Steps.OBSERVE_SERVICE_IPS)
    public String observeServiceIps(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().serviceActivities().observeServiceIps(input);
    }

    @FunctionName(Steps.DRIFT_DISCOVER)
    public String driftDiscover(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().driftActivities().discover(input);
    }

    @FunctionName(Steps.DRIFT_CHECK_CLUSTER)
    public String driftCheckCluster(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().driftActivities().checkCluster(input);
    }

    @FunctionName(Steps.DRIFT_CHECK_SITES)
    public String driftCheckSites(@DurableActivityTrigger(name = "input") String input) {
        return Tether.get().driftActivities().checkSites(input);
    }

    @FunctionName(Steps.DRIFT_START_REPAIRS)
    public String driftStartRepairs(@DurableActivityTrigger(name = "input") String input,
                                    @DurableClientInput(name = "durableContext") DurableClientContext durable) {
        try (DurableTaskClient client = durable.getClient()) {
            return Tether.get().driftActivities().startRepairs(input, new LinkStarter(client));
        }
    }

    @FunctionName(Steps.SIGNAL_LINKED_SITES)
    public String signalLinkedSites(@DurableActivityTrigger(name = "input") String input,
                                    @DurableClientInput(name = "durableContext") DurableClientContext durable) {
        try (DurableTaskClient client = durable.getClient()) {
            return Tether.get().activities().signalLinkedSites(input, new LinkStarter(client));
        }
    }
}
