package dev.tether.durable;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;

import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.ServicesRequest;
import dev.tether.orchestration.Steps;
import dev.tether.plan.Conventions;
import dev.tether.plan.ResourceId;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

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

    /**
     * What an event found when it looked at the resource's instance (one metadata read, no Azure read); {@code seen} is
     * that metadata (null: no instance), for a start that follows at once ({@link #startLink(ResourceId, LinkOptions, String, Prior)}).
     */
    public record Prior(Kind kind, String passStartedAt, OrchestrationMetadata seen) {
        public enum Kind {
            /** The instance is running and was told to re-check. */
            SIGNALED,
            /** The running or last completed pass began after the event was raised (by more than {@link #CLOCK_SKEW}). */
            COVERED,
            /** Nothing applies: the caller reads the resource and starts a pass. */
            NONE
        }
    }

    /**
     * Settles an event against the resource's instance, if one applies, with one metadata read and no Azure read:
     * <ul>
     * <li>the instance runs, and its pass began after {@code eventTime} (plus {@link #CLOCK_SKEW}): COVERED, since
     * every read of that pass comes after the write the event reports;</li>
     * <li>the instance runs otherwise: it is told to re-check (SIGNALED);</li>
     * <li>its last pass completed and began after {@code eventTime} (plus the skew): COVERED;</li>
     * <li>else NONE: the caller reads the resource and starts a pass.</li>
     * </ul>
     * This keeps Event Grid's redeliveries and late, out-of-order events from costing reads or passes in a storm.
     */
    public Prior signalIfRunningOrCovered(String instanceId, Instant eventTime, String reason) {
        OrchestrationMetadata current = Instances.find(client, instanceId, eventTime != null);
        if (current == null) {
            return new Prior(Prior.Kind.NONE, null, null);
        }
        if (ACTIVE.contains(current.getRuntimeStatus())) {
            String passStart = eventTime == null || !current.isCustomStatusFetched() ? null : passStart(() -> current.readCustomStatusAs(Map.class));
            if (passStart != null && covered(eventTime, passStart)) {
                return new Prior(Prior.Kind.COVERED, passStart, current);
            }
            client.raiseEvent(instanceId, RECHECK_EVENT, reason);
            return new Prior(Prior.Kind.SIGNALED, null, current);
        }
        if (eventTime != null && current.getRuntimeStatus() == OrchestrationRuntimeStatus.COMPLETED) {
            String passStart = passStart(() -> current.readOutputAs(Map.class));
            if (passStart != null && covered(eventTime, passStart)) {
                return new Prior(Prior.Kind.COVERED, passStart, current);
            }
        }
        return new Prior(Prior.Kind.NONE, null, current);
    }

    /**
     * When a pass began: the {@value Steps#PASS_STARTED_AT} of a running pass's custom status ({@link Steps#status})
     * or of a completed pass's output ({@code LinkResult}). Null when it has not said (yet), or wrote something else
     * (an older version): then there is no shortcut and the event is handled in full.
     */
    private static String passStart(Supplier<Map<?, ?>> read) {
        Map<?, ?> fields = fields(read);
        Object at = fields == null ? null : fields.get(Steps.PASS_STARTED_AT);
        try {
            return at == null ? null : Instant.parse(at.toString()).toString();
        } catch (RuntimeException notAnInstant) {
            return null;
        }
    }

    /** A status or output read as fields, or null when it is absent or Tether cannot read it. */
    private static Map<?, ?> fields(Supplier<Map<?, ?>> read) {
        try {
            return read.get();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static boolean covered(Instant eventTime, String passStart) {
        return eventTime.plus(CLOCK_SKEW).isBefore(Instant.parse(passStart));
    }

    /** Whether the instance's last pass completed LINKED (one metadata read): a cluster that lost its tag since needs one more pass. */
    public boolean lastPassLinked(String instanceId) {
        OrchestrationMetadata current = client.getInstanceMetadata(instanceId, true);
        if (current == null || current.getRuntimeStatus() != OrchestrationRuntimeStatus.COMPLETED) {
            return false;
        }
        Map<?, ?> last = fields(() -> current.readOutputAs(Map.class));
        return last != null && "LINKED".equals(last.get("status"));
    }

    /** The one link instance of a site, slot or cluster. */
    public static String linkInstanceId(ResourceId id) {
        return id.isType(Conventions.TYPE_CLUSTER) ? InstanceIds.forCluster(id) : InstanceIds.forSite(id);
    }

    /** Starts or signals the link orchestration of a site, slot (LinkSite) or cluster (LinkCluster). */
    public Started startLink(ResourceId id, LinkOptions options, String reason) {
        return startLink(id, options, reason, Instances.find(client, linkInstanceId(id), false));
    }

    /**
     * Starts the link right after {@link #signalIfRunningOrCovered} found nothing to settle ({@code NONE}), on what that
     * look-up saw, without a second one: for an event that needed no read in between (its tags were in it). A start
     * that races another still ends in a signal (startOrSignal).
     */
    public Started startLink(ResourceId id, LinkOptions options, String reason, Prior none) {
        if (none.kind() != Prior.Kind.NONE) {
            throw new IllegalArgumentException("the look-up settled the event already: " + none.kind());
        }
        return startLink(id, options, reason, none.seen());
    }

    private Started startLink(ResourceId id, LinkOptions options, String reason, OrchestrationMetadata current) {
        boolean cluster = id.isType(Conventions.TYPE_CLUSTER);
        return startOrSignal(cluster ? Steps.LINK_CLUSTER_ORCHESTRATION : Steps.LINK_SITE_ORCHESTRATION, linkInstanceId(id),
                new LinkRequest(id.toString(), reason, options), reason, current);
    }

    /**
     * Like {@link #startLink}, for a site a cluster pass brings along: a site whose last pass completed LINKED to this
     * cluster on this DNS IP is left alone (another pass would observe and write nothing), so a cluster pass over a
     * linked fleet costs one metadata read per app, not one pass per app.
     */
    public Started startLinkUnlessLinkedTo(ResourceId site, String clusterId, String dnsIp, LinkOptions options, String reason) {
        OrchestrationMetadata current = Instances.find(client, linkInstanceId(site), true);
        if (current != null && current.getRuntimeStatus() == OrchestrationRuntimeStatus.COMPLETED) {
            Map<?, ?> last = fields(() -> current.readOutputAs(Map.class));
            if (last != null && "LINKED".equals(last.get("status")) && clusterId.equalsIgnoreCase(String.valueOf(last.get("clusterId")))
                    && dnsIp != null && dnsIp.equals(last.get("dnsIp"))) {
                return Started.UNCHANGED;
            }
        }
        return startLink(site, options, reason, current); // the metadata just read: no second read
    }

    /** The recheck payload of an unlink request: the running pass continues as an unlink ({@link #nextRequest}). */
    public static final String UNLINK_INTENT = "unlink: ";
    public static final String FORCED_UNLINK_INTENT = "unlink (force): ";
    /** Follows the intent's prefix when the unlink also restores the Services Tether made internal. */
    public static final String RESTORE_SERVICES = "(restore services) ";

    /**
     * Starts the unlink of a site, slot or cluster in the resource's own instance, or tells its running pass: that
     * pass then continues as an unlink. One instance per resource, whatever arrives.
     */
    public Started startUnlink(ResourceId id, LinkOptions options, boolean force, String reason) {
        return startUnlink(id, options, force, false, reason);
    }

    /** As {@link #startUnlink(ResourceId, LinkOptions, boolean, String)}; {@code restoreServices} (clusters) rides on the intent. */
    public Started startUnlink(ResourceId id, LinkOptions options, boolean force, boolean restoreServices, String reason) {
        boolean cluster = id.isType(Conventions.TYPE_CLUSTER);
        return startOrSignal(cluster ? Steps.LINK_CLUSTER_ORCHESTRATION : Steps.LINK_SITE_ORCHESTRATION, linkInstanceId(id),
                new LinkRequest(id.toString(), reason, options).asUnlink(reason, force, restoreServices), unlinkIntent(force, restoreServices, reason),
                Instances.find(client, linkInstanceId(id), false));
    }

    /**
     * The unlink of a cluster asked for together with its link's apps ({@code {"link": ...}}): like {@link #startUnlink},
     * but while apps still use its DNS IP the pass waits for their unlinks, up to {@code appWait}.
     */
    public Started startUnlinkAwaitingApps(ResourceId cluster, LinkOptions options, boolean force, boolean restoreServices, java.time.Duration appWait,
                                           String reason) {
        return startOrSignal(Steps.LINK_CLUSTER_ORCHESTRATION, linkInstanceId(cluster),
                new LinkRequest(cluster.toString(), reason, options).asUnlinkAwaitingApps(reason, force, restoreServices, appWait.toSeconds()),
                unlinkIntent(force, restoreServices, reason), Instances.find(client, linkInstanceId(cluster), false));
    }

    /** The recheck payload that tells a running pass to continue as an unlink; {@link #nextRequest(LinkRequest, java.util.List)} reads it. */
    private static String unlinkIntent(boolean force, boolean restoreServices, String reason) {
        return (force ? FORCED_UNLINK_INTENT : UNLINK_INTENT) + (restoreServices ? RESTORE_SERVICES : "") + reason;
    }

    /** TETHER_ON_UNTAG=unlink: the unlink of an app or cluster that lost its tag, after {@code grace} (a re-tag within it cancels). */
    public Started startUnlinkAfterGrace(ResourceId id, LinkOptions options, java.time.Duration grace, String reason) {
        return startOrSignal(id.isType(Conventions.TYPE_CLUSTER) ? Steps.LINK_CLUSTER_ORCHESTRATION : Steps.LINK_SITE_ORCHESTRATION, linkInstanceId(id),
                new LinkRequest(id.toString(), reason, options).asUnlinkAfter(reason, grace), reason, Instances.find(client, linkInstanceId(id), false));
    }

    /**
     * What a pass continues as, given the recheck events that arrived while it ran: an unlink when any of them asks for
     * one (forced when any is forced), else the same request. The tag is the link's intent: an unlink pass that finds
     * the resource tagged again links it, so the newest intent wins without a second instance.
     */
    public static LinkRequest nextRequest(LinkRequest current, java.util.List<String> reasons) {
        boolean unlink = false;
        boolean force = false;
        boolean restore = false;
        for (String r : reasons) {
            if (r != null && r.startsWith(FORCED_UNLINK_INTENT)) {
                unlink = force = true;
                restore |= r.startsWith(FORCED_UNLINK_INTENT + RESTORE_SERVICES);
            } else if (r != null && r.startsWith(UNLINK_INTENT)) {
                unlink = true;
                restore |= r.startsWith(UNLINK_INTENT + RESTORE_SERVICES);
            }
        }
        if (unlink) {
            return current.asUnlink("unlink requested during the last pass", force || current.forced(), restore || current.restoresServices());
        }
        return current;
    }

    /**
     * The recheck payload of a guard repair (a drift scan found the exposure guard drifted): a running ReconcileServices
     * pass, whose own input may not ask for the guard, continues as a pass that writes it ({@link #nextRequest(ServicesRequest, java.util.List)}).
     */
    public static final String GUARD_INTENT = "guard: ";

    /**
     * What a ReconcileServices pass continues as, given the recheck events that arrived while it ran: one that also
     * writes or removes the exposure guard when any of them asks for it, else the same request.
     */
    public static ServicesRequest nextRequest(ServicesRequest current, java.util.List<String> reasons) {
        if (current.ensureGuard() || reasons.stream().noneMatch(r -> r != null && r.startsWith(GUARD_INTENT))) {
            return current;
        }
        return new ServicesRequest(current.clusterId(), current.service(), "guard repair requested during the last pass", current.options(), true);
    }

    /** Starts a cluster's ReconcileServices instance, or signals the running one; with {@code guard}, that pass repairs the exposure guard too. */
    public Started startOrSignalServices(String instanceId, ServicesRequest request) {
        return startOrSignal(Steps.RECONCILE_SERVICES_ORCHESTRATION, instanceId, request,
                request.ensureGuard() ? GUARD_INTENT + request.reason() : request.reason());
    }

    public Started startOrSignal(String orchestration, String instanceId, Object input, String reason) {
        return startOrSignal(orchestration, instanceId, input, reason, Instances.find(client, instanceId, false));
    }

    private Started startOrSignal(String orchestration, String instanceId, Object input, String reason, OrchestrationMetadata current) {
        if (current != null && ACTIVE.contains(current.getRuntimeStatus())) {
            client.raiseEvent(instanceId, RECHECK_EVENT, reason);
            return Started.SIGNALED;
        }
        try {
            client.scheduleNewOrchestrationInstance(orchestration, new NewOrchestrationInstanceOptions().setInstanceId(instanceId).setInput(input));
            return Started.STARTED;
        } catch (RuntimeException raced) {
            // Another invocation started it between our read and our start: signal that one instead.
            OrchestrationMetadata now = Instances.find(client, instanceId, false);
            if (now != null && ACTIVE.contains(now.getRuntimeStatus())) {
                client.raiseEvent(instanceId, RECHECK_EVENT, reason);
                return Started.SIGNALED;
            }
            throw raced;
        }
    }
}
