package dev.tether.functions;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.tether.activities.ServiceActivities;
import dev.tether.azure.ReadGovernor;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.orchestration.ReadWait;
import dev.tether.orchestration.Steps;

/**
 * The activity functions: JSON text in, JSON text out, each delegating to one method of an activities class. A step that
 * reads ARM first asks the subscription's {@link ReadGovernor} for the reads it makes at most (the Kubernetes steps:
 * the cluster credential, when the client cache has none); when the budget is spent it answers a {@link ReadWait}
 * instead of reading, and the orchestrator waits with a durable timer. The drift scan's steps pace their own reads
 * (DriftActivities); ActivityGovernanceTest checks that every other step is governed.
 */
public final class ActivityFunctions {

    private static String governed(String input, int reads, java.util.function.UnaryOperator<String> step) {
        Tether tether = Tether.get();
        String subscription = ReadGovernor.subscriptionIn(input);
        if (subscription != null) {
            java.time.Duration wait = tether.readGovernor().acquire(subscription, reads);
            if (!wait.isZero()) {
                return Json.write(ReadWait.of(wait));
            }
        }
        return step.apply(input);
    }

    @FunctionName(Steps.PLAN_SITE_LINK)
    public String planSiteLink(@DurableActivityTrigger(name = "input") String input) {
        // site, tagged clusters, cluster, VNet, plan, app settings, slot settings
        return governed(input, 7, Tether.get().activities()::planSiteLink);
    }

    @FunctionName(Steps.PLAN_CLUSTER_LINK)
    public String planClusterLink(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 2, Tether.get().activities()::planClusterLink);
    }

    @FunctionName(Steps.ENSURE_SUBNET)
    public String ensureSubnet(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 2, Tether.get().siteLinkActivities()::ensureSubnet);
    }

    @FunctionName(Steps.JOIN_SUBNET)
    public String joinSubnet(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().siteLinkActivities()::joinSubnet);
    }

    @FunctionName(Steps.ENSURE_DNS_SERVICE)
    public String ensureDnsService(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterDnsActivities()::ensureDnsService);
    }

    @FunctionName(Steps.ENSURE_COREDNS_OVERRIDE)
    public String ensureCorednsOverride(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterDnsActivities()::ensureCorednsOverride);
    }

    @FunctionName(Steps.RESTART_COREDNS)
    public String restartCorednsIfStale(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterDnsActivities()::restartCorednsIfStale);
    }

    @FunctionName(Steps.OBSERVE_DNS_READINESS)
    public String observeDnsReadiness(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().dnsReadiness()::observeDnsReadiness);
    }

    @FunctionName(Steps.ENSURE_DNS_SETTING)
    public String ensureDnsSetting(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().siteLinkActivities()::ensureDnsSetting);
    }

    @FunctionName(Steps.ENSURE_SLOT_SETTINGS)
    public String ensureSlotSettings(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().slotSettings()::ensure);
    }

    @FunctionName(Steps.PLAN_SITE_UNLINK)
    public String planSiteUnlink(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 6, Tether.get().unlinkActivities()::planSiteUnlink);
    }

    @FunctionName(Steps.RESTORE_DNS_SETTING)
    public String restoreDnsSetting(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().unlinkActivities()::restoreDnsSetting);
    }

    @FunctionName(Steps.UNMARK_SLOT_SETTINGS)
    public String unmarkSlotSettings(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().unlinkActivities()::unmarkSlotSettings);
    }

    @FunctionName(Steps.ROUTE_ALL_OFF)
    public String routeAllOff(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().unlinkActivities()::routeAllOff);
    }

    @FunctionName(Steps.LEAVE_SUBNET)
    public String leaveSubnet(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().unlinkActivities()::leaveSubnet);
    }

    @FunctionName(Steps.DELETE_SUBNET_IF_UNUSED)
    public String deleteSubnetIfUnused(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().unlinkActivities()::deleteSubnetIfUnused);
    }

    @FunctionName(Steps.PLAN_CLUSTER_UNLINK)
    public String planClusterUnlink(@DurableActivityTrigger(name = "input") String input) {
        // The cluster, two Resource Graph queries, and the app settings of the apps that may point at its DNS IP.
        return governed(input, 4, Tether.get().clusterUnlinkActivities()::planClusterUnlink);
    }

    @FunctionName(Steps.DELETE_COREDNS_OVERRIDE)
    public String deleteCorednsOverride(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterUnlinkActivities()::deleteOverride);
    }

    @FunctionName(Steps.RESTART_COREDNS_UNLOADED)
    public String restartCorednsUnloaded(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterUnlinkActivities()::restartCoredns);
    }

    @FunctionName(Steps.RESTORE_SERVICE)
    public String restoreService(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterUnlinkActivities()::restoreService); // the cluster credential
    }

    @FunctionName(Steps.OBSERVE_COREDNS_ROLLOUT)
    public String observeCorednsRollout(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().clusterUnlinkActivities()::observeRollout);
    }

    @FunctionName(Steps.DELETE_DNS_SERVICE)
    public String deleteDnsService(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 3, Tether.get().clusterUnlinkActivities()::deleteDnsService);
    }

    @FunctionName(Steps.PLAN_SERVICES)
    public String planServices(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 2, Tether.get().serviceActivities()::planServices);
    }

    @FunctionName(Steps.APPLY_SERVICE)
    public String applyService(@DurableActivityTrigger(name = "input") String input) {
        // The cluster credential when the client cache has none, and the cluster when the Service names its subnet.
        return governed(input, 2, Tether.get().serviceActivities()::applyService);
    }

    @FunctionName(Steps.ENSURE_EXPOSURE_GUARD)
    public String ensureExposureGuard(@DurableActivityTrigger(name = "input") String input) {
        return governed(input, 1, Tether.get().serviceActivities()::ensureExposureGuard);
    }

    @FunctionName(Steps.OBSERVE_SERVICE_IPS)
    public String observeServiceIps(@DurableActivityTrigger(name = "input") String input) {
        // The credential; on the first check (no subnets known yet) also the cluster and its VNet.
        return governed(input, ServiceActivities.firstIpCheck(input) ? 3 : 1, Tether.get().serviceActivities()::observeServiceIps);
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
        // The tag-filtered resource list of the cluster's subscription (one page per 1,000 apps).
        return governed(input, 1, in -> {
            try (DurableTaskClient client = durable.getClient()) {
                return Tether.get().activities().signalLinkedSites(in, new LinkStarter(client));
            }
        });
    }
}
