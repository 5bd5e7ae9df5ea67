package dev.tether.durable;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;

import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.Steps;
import dev.tether.plan.Conventions;
import dev.tether.plan.ResourceId;

import java.util.EnumSet;
import java.util.Set;

/**
 * Starts the one orchestration of a resource, or, while it runs, tells it to re-check: the running instance then
 * finishes its pass and continues as new, so the newest event is honoured without a second instance.
 */
public final class LinkStarter {
    /** The external event a running instance receives when a newer event or rerun arrives. */
    public static final String RECHECK_EVENT = "recheck";

    public enum Started { STARTED, SIGNALED }

    private static final Set<OrchestrationRuntimeStatus> ACTIVE = EnumSet.of(OrchestrationRuntimeStatus.RUNNING,
            OrchestrationRuntimeStatus.PENDING, OrchestrationRuntimeStatus.SUSPENDED);

    private final DurableTaskClient client;

    public LinkStarter(DurableTaskClient client) {
        this.client = client;
    }

    /** Signals the instance if it is running; false when it is not (then nothing was sent). Costs no Azure read. */
    public boolean signalIfRunning(String instanceId, String reason) {
        OrchestrationMetadata current = client.getInstanceMetadata(instanceId, false);
        if (current != null && ACTIVE.contains(current.getRuntimeStatus())) {
            client.raiseEvent(instanceId, RECHECK_EVENT, reason);
            return true;
        }
        return false;
    }

    /** The one link instance of a site, slot or cluster. */
    public static String linkInstanceId(ResourceId id) {
        return id.isType(Conventions.TYPE_CLUSTER) ? InstanceIds.forCluster(id) : InstanceIds.forSite(id);
    }

    /** Starts or signals the link orchestration of a site, slot (LinkSite) or cluster (LinkCluster). */
    public Started startLink(ResourceId id, LinkOptions options, String reason) {
        boolean cluster = id.isType(Conventions.TYPE_CLUSTER);
        return startOrSignal(cluster ? Steps.LINK_CLUSTER_ORCHESTRATION : Steps.LINK_SITE_ORCHESTRATION, linkInstanceId(id),
                new LinkRequest(id.toString(), reason, options), reason);
    }

    public Started startOrSignal(String orchestration, String instanceId, Object input, String reason) {
        OrchestrationMetadata current = client.getInstanceMetadata(instanceId, false);
        if (current != null && ACTIVE.contains(current.getRuntimeStatus())) {
            client.raiseEvent(instanceId, RECHECK_EVENT, reason);
            return Started.SIGNALED;
        }
        try {
            client.scheduleNewOrchestrationInstance(orchestration, new NewOrchestrationInstanceOptions().setInstanceId(instanceId).setInput(input));
            return Started.STARTED;
        } catch (RuntimeException raced) {
            // Another invocation started it between our read and our start: signal that one instead.
            OrchestrationMetadata now = client.getInstanceMetadata(instanceId, false);
            if (now != null && ACTIVE.contains(now.getRuntimeStatus())) {
                client.raiseEvent(instanceId, RECHECK_EVENT, reason);
                return Started.SIGNALED;
            }
            throw raced;
        }
    }
}
