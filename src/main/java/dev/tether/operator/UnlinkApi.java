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

    public UnlinkApi(ArmGateway arm, TetherConfig config, dev.tether.activities.ClusterUnlinkActivities clusterUnlinks) {
        this.arm = arm;
        this.config = config;
        this.unlinks = new UnlinkActivities(arm);
        this.clusterUnlinks = clusterUnlinks;
    }

    /**
     * Starts (or signals) the unlink of the target in its resource's own instance; returns the instance ids. Refused
     * here, with zero writes, for a resource that does not exist (404) or still carries its tag (409: the tag is the
     * link's intent). A link name unlinks every app the drift scan lists as released from it (docs/UNLINK.md).
     */
    public List<String> unlink(OperatorApi.Target target, boolean force, DurableTaskClient client) {
        return unlink(target, force, false, client);
    }

    /** With {@code restoreServices}: a cluster's unlink also sets the Services Tether made internal back (refused for an app). */
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
            throw new InvalidInputException("unlink by link name: give the resourceId of each app (GET /api/links/status lists the released ones),"
                    + " then of the cluster");
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

    /** The dry run of an unlink: observe and plan, write nothing. */
    public ObjectNode unlinkPlan(OperatorApi.Target target, boolean force) {
        return unlinkPlan(target, force, false);
    }

    public ObjectNode unlinkPlan(OperatorApi.Target target, boolean force, boolean restoreServices) {
        if (target.resourceId() == null) {
            throw new InvalidInputException("action=unlink plans one resource: give its resourceId (a site, a slot or a cluster)");
        }
        requireClusterForRestore(target, restoreServices);
        ObjectNode out = Json.mapper().createObjectNode();
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

    /** restoreServices concerns the Services of a cluster: asked for an app (or by link name), it is bad input. */
    private static void requireClusterForRestore(OperatorApi.Target target, boolean restoreServices) {
        if (restoreServices && (target.resourceId() == null || !target.resourceId().isType(Conventions.TYPE_CLUSTER))) {
            throw new InvalidInputException("restoreServices applies to a cluster's unlink (it sets the Services Tether made internal back to their"
                    + " prior type), not to " + (target.resourceId() == null ? "a link name" : "an app (" + target.resourceId().name() + ")")
                    + ". Fix: drop restoreServices, or give the cluster's resourceId");
        }
    }
}
