package dev.tether.events;

import com.microsoft.durabletask.DurableTaskClient;
import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.InstanceIds;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.ServicesRequest;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the Event Grid trigger does with one event (cloud-custodian style): parse, route, check scope, read the resource's
 * tags (unless the event carries them: Azure Resource Notifications' CreatedOrUpdated), and start or signal the
 * resource's one orchestration. Bad input is logged and dropped:
 * it never throws, so Event Grid does not retry it. Transient Azure failures do throw, so Event Grid retries later.
 */
public final class EventIntake {

    /**
     * What happened to one event: {@code action} is started, signaled, ignored, refused or malformed.
     * It is logged as one structured line, {@code event.handled}.
     */
    public record Result(String action, String eventId, String resourceId, String instanceId, String message) {
        Level level() {
            return switch (action) {
                case "malformed", "refused" -> Level.SEVERE;
                case "ignored" -> Level.FINE;
                default -> Level.INFO;
            };
        }
    }

    private final java.util.function.Supplier<ArmGateway> arm;
    private final TetherConfig config;
    private final java.util.function.Supplier<dev.tether.kubernetes.ClusterConnector> clusters;
    private final dev.tether.azure.ReadGovernor governor;

    /**
     * @param arm      built on the first read the intake makes: an event that carries its tags makes none
     * @param clusters likewise, on the first cluster the intake looks into
     * @param governor told of each ARM read the intake makes (it cannot wait for one: {@link dev.tether.azure.ReadGovernor#spend})
     */
    public EventIntake(java.util.function.Supplier<ArmGateway> arm, TetherConfig config, java.util.function.Supplier<dev.tether.kubernetes.ClusterConnector> clusters,
                       dev.tether.azure.ReadGovernor governor) {
        this.arm = arm;
        this.config = config;
        this.clusters = clusters;
        this.governor = governor;
    }

    public Result handle(String body, DurableTaskClient client, Logger log) {
        Result result = decide(body, client);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("action", result.action());
        fields.put("eventId", String.valueOf(result.eventId()));
        fields.put("resourceId", String.valueOf(result.resourceId()));
        fields.put("instanceId", String.valueOf(result.instanceId()));
        fields.put("message", result.message());
        StructuredLog.log(log, result.level(), "event.handled", fields);
        return result;
    }

    private Result decide(String body, DurableTaskClient client) {
        ResourceEvent event;
        Route route;
        try {
            event = EventParser.parse(body);
            route = EventRouter.route(event);
        } catch (InvalidInputException e) {
            return new Result("malformed", null, null, null, e.getMessage()
                    + ". Send an Event Grid or CloudEvents 1.0 ResourceWriteSuccess or Resource Notifications CreatedOrUpdated notification;"
                    + " this one is dropped, not retried");
        }
        if (route.kind() == Route.Kind.IGNORE) {
            return new Result("ignored", event.id(), null, null, route.reason());
        }
        ResourceId target = route.target();
        String id = target.toString();
        if (!config.inScope(target.subscriptionId())) {
            return new Result("refused", event.id(), id, null, "subscription " + target.subscriptionId()
                    + " is outside Tether's scope (TETHER_SUBSCRIPTIONS); " + id + " is left alone. Add the subscription to TETHER_SUBSCRIPTIONS to manage it");
        }
        if (route.kind() == Route.Kind.NODE_NETWORK) {
            return nodeNetwork(event, target, client);
        }
        String instanceId = LinkStarter.linkInstanceId(target);
        LinkStarter starter = new LinkStarter(client);
        // A pass that began after this event was raised (running or completed) sees its write; a running one is told to
        // re-check otherwise. Neither costs an ARM read (duplicate and late deliveries in event storms).
        LinkStarter.Prior prior = starter.signalIfRunningOrCovered(instanceId, event.time(), "event " + event.id() + ": " + route.reason());
        switch (prior.kind()) {
            case SIGNALED -> {
                return new Result("signaled", event.id(), id, instanceId, route.reason());
            }
            case COVERED -> {
                return new Result("ignored", event.id(), id, instanceId, "already covered: raised at " + event.time()
                        + ", before the current or last pass of " + instanceId + " began at " + prior.passStartedAt()
                        + "; that pass reads the resource after this write, so nothing is read again");
            }
            case NONE -> {
            }
        }
        Optional<Map<String, String>> tags;
        if (event.carriesTags()) {
            // The resources topic's event says what the tags were at this write: no read, no token. A stale one is
            // harmless: every pass and every unlink observes the resource again before it writes (docs/HOW-IT-WORKS.md, "Where events come from").
            tags = Optional.of(event.tags());
        } else {
            try {
                governor.spend(target.subscriptionId(), 1);
                tags = route.kind() == Route.Kind.SITE ? arm.get().siteTags(target) : arm.get().cluster(target).map(c -> c.tags());
            } catch (RejectedException e) {
                return new Result("refused", event.id(), id, null, e.getMessage());
            }
        }
        if (tags.isEmpty()) {
            return new Result("ignored", event.id(), id, null, id + " no longer exists; nothing to do");
        }
        try {
            if (Tags.link(tags.get()).isEmpty()) {
                boolean cluster = route.kind() == Route.Kind.CLUSTER;
                boolean unlinkOnUntag = TetherConfig.ON_UNTAG_UNLINK.equals(config.onUntag());
                boolean linked = (cluster || (route.kind() == Route.Kind.SITE && unlinkOnUntag)) && starter.lastPassLinked(instanceId);
                if (!linked && cluster && unlinkOnUntag) {
                    // Linked only through its apps' passes (no cluster pass of its own that completed linked): Tether's
                    // record on the cluster says whether there is anything of Tether's to unlink (docs/UNLINK.md).
                    Optional<String> notTethers = notTethers(target);
                    if (notTethers.isPresent()) {
                        return new Result("ignored", event.id(), id, null, id + " has no " + Conventions.TAG_LINK + " tag; " + notTethers.get());
                    }
                    linked = true;
                }
                if (linked) {
                    if (unlinkOnUntag) {
                        // TETHER_ON_UNTAG=unlink: the resource's own instance waits the grace period, then unlinks (a re-tag cancels;
                        // a cluster's DNS is unlinked once no app uses it, docs/UNLINK.md).
                        LinkStarter.Started how = starter.startUnlinkAfterGrace(target, LinkOptions.from(config), config.untagGrace(),
                                "event " + event.id() + ": lost its " + Conventions.TAG_LINK + " tag");
                        return new Result(how.name().toLowerCase(Locale.ROOT), event.id(), id, instanceId, id + " lost its " + Conventions.TAG_LINK
                                + " tag; TETHER_ON_UNTAG=unlink: " + (cluster ? "its DNS is" : "it is") + " unlinked after " + config.untagGrace()
                                + " unless tagged again");
                    }
                    // Unlinked since its last pass: one more pass removes what must go with the link (the exposure guard).
                    LinkStarter.Started how = starter.startLink(target, LinkOptions.from(config), "event " + event.id() + ": unlinked");
                    return new Result(how.name().toLowerCase(Locale.ROOT), event.id(), id, instanceId, id + " lost its "
                            + Conventions.TAG_LINK + " tag; one pass removes its exposure guard");
                }
                return new Result("ignored", event.id(), id, null, id + " has no " + Conventions.TAG_LINK + " tag");
            }
        } catch (InvalidInputException e) {
            return new Result("refused", event.id(), id, null, e.getMessage());
        }
        String reason = "event " + event.id() + ": " + route.reason();
        // Tags from the event: nothing was read since the look-up above, so the start goes on what it saw.
        LinkStarter.Started how = event.carriesTags() ? starter.startLink(target, LinkOptions.from(config), reason, prior)
                : starter.startLink(target, LinkOptions.from(config), reason);
        return new Result(how.name().toLowerCase(Locale.ROOT), event.id(), id, instanceId, route.reason());
    }

    /**
     * Why an untagged cluster has nothing of Tether's to unlink, or empty when its kube-system/coredns-custom carries
     * Tether's record ({@code tether.dev/owns-keys} naming {@code tether.override}). One ConfigMap read; a cluster
     * Tether cannot read is not Tether's to unlink (a linked cluster is one Tether reads).
     */
    private Optional<String> notTethers(ResourceId cluster) {
        Optional<dev.tether.plan.ConfigMapState> cm;
        try {
            cm = clusters.get().gateway(cluster.toString()).configMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM);
        } catch (RejectedException e) {
            return Optional.of("its kube-system/" + Conventions.COREDNS_CUSTOM + " could not be read (" + e.getMessage() + "), so nothing is unlinked");
        }
        if (cm.isPresent() && dev.tether.plan.ClusterUnlinkPlan.ownsOverride(cm.get())) {
            return Optional.empty();
        }
        return Optional.of("kube-system/" + Conventions.COREDNS_CUSTOM + " carries no " + Conventions.ANNOTATION_OWNS_KEYS
                + " record of Tether's, so there is nothing of Tether's to unlink");
    }

    /**
     * A public IP or load balancer was written. If its resource group is the node resource group of a linked cluster,
     * reconcile the Service AKS wrote it for (the public IP's k8s-azure-service tag), or all Services for a load balancer.
     * Anything else costs one read (the subscription's cluster list) and is ignored.
     */
    private Result nodeNetwork(ResourceEvent event, ResourceId target, DurableTaskClient client) {
        String id = target.toString();
        Optional<ClusterState> cluster;
        try {
            governor.spend(target.subscriptionId(), 1);
            cluster = arm.get().clusters(target.subscriptionId()).stream()
                    .filter(c -> c.nodeResourceGroup() != null && c.nodeResourceGroup().equalsIgnoreCase(target.resourceGroup()))
                    .findFirst();
        } catch (RejectedException e) {
            return new Result("refused", event.id(), id, null, e.getMessage());
        }
        if (cluster.isEmpty()) {
            return new Result("ignored", event.id(), id, null, target.resourceGroup() + " is not the node resource group of an AKS cluster");
        }
        try {
            if (Tags.link(cluster.get().tags()).isEmpty()) {
                return new Result("ignored", event.id(), id, null, "cluster " + cluster.get().name() + " is not linked");
            }
        } catch (InvalidInputException e) {
            return new Result("refused", event.id(), id, null, e.getMessage());
        }
        String service = null;
        if (target.isType(Conventions.TYPE_PUBLIC_IP)) {
            Optional<Map<String, String>> ipTags;
            if (event.carriesTags()) {
                ipTags = Optional.of(event.tags());
            } else {
                governor.spend(target.subscriptionId(), 1);
                ipTags = arm.get().publicIpTags(target);
            }
            if (ipTags.isEmpty()) {
                return new Result("ignored", event.id(), id, null, id + " no longer exists; nothing to do");
            }
            service = Tags.get(ipTags.get(), Conventions.TAG_K8S_SERVICE).orElse(null);
            if (service != null && !service.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                return new Result("refused", event.id(), id, null, "tag " + Conventions.TAG_K8S_SERVICE + "='" + ResourceId.abbreviate(service)
                        + "' on " + id + " is not <namespace>/<name>");
            }
        }
        ResourceId clusterId = ResourceId.parse(cluster.get().id());
        String instanceId = InstanceIds.forServices(clusterId, service);
        ServicesRequest request = new ServicesRequest(clusterId.toString(), service, "event " + event.id() + ": " + target.type() + " written",
                LinkOptions.from(config));
        LinkStarter.Started how = new LinkStarter(client).startOrSignalServices(instanceId, request);
        return new Result(how.name().toLowerCase(Locale.ROOT), event.id(), id, instanceId,
                (service == null ? "all Services" : "Service " + service) + " of cluster " + cluster.get().name());
    }
}
