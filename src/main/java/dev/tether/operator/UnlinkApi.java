package dev.tether.operator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskClient;
import dev.tether.activities.UnlinkActivities;
import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.orchestration.LinkOptions;
import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The unlink requests of the operators' HTTP API: start an app's unlink in its own instance, and its dry run (docs/UNLINK.md). */
public final class UnlinkApi {
    private final ArmGateway arm;
    private final TetherConfig config;
    private final UnlinkActivities unlinks;

    private final dev.tether.activities.ClusterUnlinkActivities clusterUnlinks;
    private final LinkMembers members;

    public UnlinkApi(ArmGateway arm, TetherConfig config, dev.tether.activities.ClusterUnlinkActivities clusterUnlinks,
                     dev.tether.kubernetes.ClusterConnector clusters) {
        this.arm = arm;
        this.config = config;
        this.unlinks = new UnlinkActivities(arm);
        this.clusterUnlinks = clusterUnlinks;
        this.members = new LinkMembers(arm, clusters, config);
    }

    /**
     * Starts (or signals) the unlink of the target in its resource's own instance; returns the instance ids. Refused
     * here, with zero writes, for a resource that does not exist (404) or still carries its tag (409: the tag is the
     * link's intent). A link name unlinks every app and cluster whose ownership record names it, the apps first: the
     * cluster's pass waits for them (docs/UNLINK.md). {@code restoreServices}: a cluster's unlink (or a link's clusters')
     * also sets the Services Tether made internal back; for an app it is bad input.
     */
    public List<String> unlink(OperatorApi.Target target, boolean force, boolean restoreServices, DurableTaskClient client) {
        requireClusterForRestore(target, restoreServices);
        List<ResourceId> ids = new ArrayList<>();
        if (target.resourceId() != null) {
            ResourceId id = target.resourceId();
            Map<String, String> tags;
            if (id.isType(Conventions.TYPE_CLUSTER)) {
                tags = arm.cluster(id).map(dev.tether.plan.ClusterState::tags).orElseThrow(() -> new dev.tether.errors.NotFoundException(id
                        + " does not exist: check the resource id (an AKS cluster in one of TETHER_SUBSCRIPTIONS)"));
            } else {
                tags = arm.site(id).map(dev.tether.plan.SiteState::tags).orElseThrow(() -> new dev.tether.errors.NotFoundException(id
                        + " does not exist: check the resource id (a site or a slot in one of TETHER_SUBSCRIPTIONS)"));
            }
            Optional<String> link;
            try {
                link = Tags.link(tags);
            } catch (InvalidInputException e) {
                link = Optional.of("(invalid)");
            }
            if (link.isPresent()) {
                throw new dev.tether.errors.RejectedException("STILL_TAGGED", id.name() + " still carries " + Conventions.TAG_LINK + "=" + link.get()
                        + ": the tag is the link's intent. Fix: remove the tag, then ask for the unlink again");
            }
            ids.add(id);
        } else {
            return unlinkLink(target.link(), force, restoreServices, client);
        }
        LinkStarter starter = new LinkStarter(client);
        LinkOptions options = LinkOptions.from(config);
        List<String> instances = new ArrayList<>();
        for (ResourceId id : ids) {
            starter.startUnlink(id, options, force, restoreServices, "unlink over HTTP" + (force ? " (force)" : "")
                    + (restoreServices ? " (restore services)" : ""));
            instances.add(LinkStarter.linkInstanceId(id));
        }
        return instances;
    }

    /**
     * {@code {"link": ...}}: each member's unlink in its own instance, the apps first; the cluster's waits for them.
     * {@code restoreServices} applies to the link's clusters.
     */
    private List<String> unlinkLink(String link, boolean force, boolean restoreServices, DurableTaskClient client) {
        LinkMembers.Found found = released(link);
        LinkStarter starter = new LinkStarter(client);
        LinkOptions options = LinkOptions.from(config);
        String reason = "unlink of link " + link + " over HTTP" + (force ? " (force)" : "") + (restoreServices ? " (restore services)" : "");
        List<String> instances = new ArrayList<>();
        for (ResourceId app : found.apps()) {
            starter.startUnlink(app, options, force, reason);
            instances.add(LinkStarter.linkInstanceId(app));
        }
        for (ResourceId cluster : found.clusters()) {
            if (found.apps().isEmpty()) {
                starter.startUnlink(cluster, options, force, restoreServices, reason);
            } else {
                starter.startUnlinkAwaitingApps(cluster, options, force, restoreServices, config.dnsWaitTimeout(), reason);
            }
            instances.add(LinkStarter.linkInstanceId(cluster));
        }
        return instances;
    }

    /** The members of an untagged link; refused (409) while any still carries the tag, 404 when none is found. Reads only. */
    private LinkMembers.Found released(String link) {
        LinkMembers.Found found = members.find(link);
        if (!found.stillTagged().isEmpty()) {
            List<String> names = found.stillTagged().stream().map(id -> id.name() + " (" + id + ")").toList();
            throw new dev.tether.errors.RejectedException("STILL_TAGGED", "link " + link + ": " + String.join(", ", names)
                    + (names.size() == 1 ? " still carries " : " still carry ") + Conventions.TAG_LINK + "=" + link
                    + ": the tag is the link's intent. Fix: remove the tag from " + (names.size() == 1 ? "it" : "each") + ", then ask for the unlink again");
        }
        if (found.none()) {
            throw new dev.tether.errors.NotFoundException("no app or cluster of link " + link + " was found: none carries " + Conventions.TAG_LINK + "="
                    + link + ", no untagged app still joined to a subnet named " + config.subnetNamePrefix() + "* has a " + dev.tether.plan.OwnershipRecord.SETTING
                    + " record naming it, and no untagged cluster's kube-system/" + Conventions.COREDNS_CUSTOM + " is annotated " + Conventions.ANNOTATION_LINK
                    + "=" + link + (found.unreadable().isEmpty() ? "" : " (not readable: " + String.join("; ", found.unreadable()) + ")")
                    + ". Fix: check the name (GET /api/links/status lists the links and the released apps), or unlink each resource by its resourceId");
        }
        return found;
    }

    /** The dry run of an unlink: observe and plan, write nothing. */
    public ObjectNode unlinkPlan(OperatorApi.Target target, boolean force, boolean restoreServices) {
        requireClusterForRestore(target, restoreServices);
        ObjectNode out = Json.mapper().createObjectNode();
        if (target.resourceId() == null) {
            LinkMembers.Found found = released(target.link());
            var plans = out.putArray("plans");
            for (ResourceId app : found.apps()) {
                ObjectNode p = plans.addObject();
                p.put("resourceId", app.toString()).put("kind", "site-unlink");
                p.set("unlink", Json.mapper().valueToTree(unlinks.observe(app.toString(), force)));
            }
            for (ResourceId cluster : found.clusters()) {
                ObjectNode p = plans.addObject();
                p.put("resourceId", cluster.toString()).put("kind", "cluster-unlink");
                if (!found.apps().isEmpty()) {
                    p.put("after", "the apps above: while they still use its DNS IP, its unlink waits for theirs (checked every minute, up to "
                            + "TETHER_DNS_WAIT_TIMEOUT, " + config.dnsWaitTimeout() + ")");
                }
                p.set("unlink", Json.mapper().valueToTree(clusterUnlinks.observe(cluster.toString(), force, restoreServices)));
            }
            return out;
        }
        if (target.resourceId().isType(Conventions.TYPE_CLUSTER)) {
            ObjectNode p = out.putArray("plans").addObject();
            p.put("resourceId", target.resourceId().toString()).put("kind", "cluster-unlink");
            p.set("unlink", Json.mapper().valueToTree(clusterUnlinks.observe(target.resourceId().toString(), force, restoreServices)));
            return out;
        }
        ObjectNode p = out.putArray("plans").addObject();
        p.put("resourceId", target.resourceId().toString()).put("kind", "site-unlink");
        p.set("unlink", Json.mapper().valueToTree(unlinks.observe(target.resourceId().toString(), force)));
        return out;
    }

    /**
     * restoreServices concerns the Services of a cluster: asked for an app, it is bad input. By link name it applies to
     * the link's clusters.
     */
    private static void requireClusterForRestore(OperatorApi.Target target, boolean restoreServices) {
        if (restoreServices && target.resourceId() != null && !target.resourceId().isType(Conventions.TYPE_CLUSTER)) {
            throw new InvalidInputException("restoreServices applies to a cluster's unlink (it sets the Services Tether made internal back to their"
                    + " prior type), not to an app (" + target.resourceId().name() + "). Fix: drop restoreServices, or give the cluster's resourceId"
                    + " or the link name");
        }
    }
}
