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

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Starts the one orchestration of a resource, or, while it runs, tells it to re-check: the running instance then
 * finishes its pass and continues as new, so the newest event is honoured without a second instance.
 */
public final class LinkStarter {
    /** The external event a running instance receives when a newer event or rerun arrives. */
    public static final String RECHECK_EVENT = "recheck";

    /** STARTED a pass, SIGNALED a running one, or left it UNCHANGED (its last pass already linked it as asked). */
    public enum Started { STARTED, SIGNALED, UNCHANGED }

    private static final Set<OrchestrationRuntimeStatus> ACTIVE = EnumSet.of(OrchestrationRuntimeStatus.RUNNING,
            OrchestrationRuntimeStatus.PENDING, OrchestrationRuntimeStatus.SUSPENDED);

    private final DurableTaskClient client;

    public LinkStarter(DurableTaskClient client) {
        this.client = client;
    }

    /**
     * How much ARM's clock (an event's time) and the Functions host's clock (a pass's start) may disagree. Both are
     * NTP-synchronised in Azure, within well under a second; this leaves a wide margin.
     */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    /** What an event found when it looked at the resource's instance (one metadata read, no Azure read). */
    public record Prior(Kind kind, String passStartedAt) {
        public enum Kind {
            /** The instance is running and was told to re-check. */
            SIGNALED,
            /** The last pass completed and began after the event was raised (by more than {@link #CLOCK_SKEW}). */
            COVERED,
            /** Nothing applies: the caller reads the resource and starts a pass. */
            NONE
        }
    }

    /**
     * Signals the instance if it is running. Otherwise, when its last pass completed and began after {@code eventTime}
     * (plus {@link #CLOCK_SKEW}), the event is covered: that pass read the resource after the write the event reports,
     * so it needs neither a read nor a new pass (duplicate and late deliveries in an event storm). Costs no Azure read.
     */
    public Prior signalIfRunningOrCovered(String instanceId, Instant eventTime, String reason) {
        OrchestrationMetadata current = client.getInstanceMetadata(instanceId, eventTime != null);
        if (current == null) {
            return new Prior(Prior.Kind.NONE, null);
        }
        if (ACTIVE.contains(current.getRuntimeStatus())) {
            client.raiseEvent(instanceId, RECHECK_EVENT, reason);
            return new Prior(Prior.Kind.SIGNALED, null);
        }
        if (eventTime != null && current.getRuntimeStatus() == OrchestrationRuntimeStatus.COMPLETED) {
            String passStart = passStartedAt(current.getSerializedOutput());
            if (passStart != null && eventTime.plus(CLOCK_SKEW).isBefore(Instant.parse(passStart))) {
                return new Prior(Prior.Kind.COVERED, passStart);
            }
        }
        return new Prior(Prior.Kind.NONE, null);
    }

    private static String passStartedAt(String serializedOutput) {
        if (serializedOutput == null || serializedOutput.isBlank()) {
            return null;
        }
        try {
            String at = Json.tree(serializedOutput).path("passStartedAt").asText(null);
            return at == null ? null : Instant.parse(at).toString();
        } catch (RuntimeException unreadable) {
            return null; // an output from an older version: no shortcut, the event is handled in full
        }
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

    /**
     * Like {@link #startLink}, for a site a cluster pass brings along: a site whose last pass completed LINKED to this
     * cluster on this DNS IP is left alone (another pass would observe and write nothing), so a cluster pass over a
     * linked fleet costs one metadata read per app, not one pass per app.
     */
    public Started startLinkUnlessLinkedTo(ResourceId site, String clusterId, String dnsIp, LinkOptions options, String reason) {
        OrchestrationMetadata current = client.getInstanceMetadata(linkInstanceId(site), true);
        if (current != null && current.getRuntimeStatus() == OrchestrationRuntimeStatus.COMPLETED && current.getSerializedOutput() != null) {
            try {
                var last = Json.tree(current.getSerializedOutput());
                if ("LINKED".equals(last.path("status").asText()) && clusterId.equalsIgnoreCase(last.path("clusterId").asText())
                        && dnsIp != null && dnsIp.equals(last.path("dnsIp").asText())) {
                    return Started.UNCHANGED;
                }
            } catch (RuntimeException unreadable) {
                // an output Tether cannot read: run the pass
            }
        }
        return startLink(site, options, reason);
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
