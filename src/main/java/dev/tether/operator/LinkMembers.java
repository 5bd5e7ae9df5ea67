package dev.tether.operator;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.logging.StructuredLog;
import dev.tether.plan.ClusterState;
import dev.tether.plan.ClusterUnlinkPlan;
import dev.tether.plan.ConfigMapState;
import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
import dev.tether.plan.OwnershipRecord;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The resources of a link, by its name, for an unlink (docs/UNLINK.md, "Unlinking a link by name"). An unlink needs the
 * tags gone, so the members are found by Tether's ownership records, never by the tag:
 * <ul>
 * <li>still tagged: one tag-filtered list call per scoped subscription (any hit makes the unlink refuse, and nothing
 * more is read);</li>
 * <li>apps: Resource Graph's released query (untagged sites and slots still joined to a subnet named with
 * TETHER_SUBNET_PREFIX, the same query status uses), then each one's settings, once: its {@code TETHER_LINK} record
 * names the link ({@code link=});</li>
 * <li>clusters: each scoped subscription's cluster list, then each untagged cluster's {@code kube-system/coredns-custom},
 * once: Tether's record there ({@code tether.dev/owns-keys}) with {@code tether.dev/link} naming the link.</li>
 * </ul>
 * Reads only.
 */
final class LinkMembers {
    private static final Logger LOG = Logger.getLogger("dev.tether.operator");

    /**
     * @param stillTagged resources that still carry {@code private-link=<link>}
     * @param apps        untagged sites and slots whose record names the link
     * @param clusters    untagged clusters whose coredns-custom record names the link
     * @param unreadable  untagged clusters whose coredns-custom could not be read ("name: why")
     */
    record Found(List<ResourceId> stillTagged, List<ResourceId> apps, List<ResourceId> clusters, List<String> unreadable) {
        boolean none() {
            return apps.isEmpty() && clusters.isEmpty();
        }
    }

    private final ArmGateway arm;
    private final ClusterConnector kube;
    private final TetherConfig config;

    LinkMembers(ArmGateway arm, ClusterConnector kube, TetherConfig config) {
        this.arm = arm;
        this.kube = kube;
        this.config = config;
    }

    Found find(String link) {
        List<ResourceId> tagged = new ArrayList<>();
        for (String sub : config.subscriptions()) {
            for (String raw : arm.taggedResources(sub, List.of(Conventions.TYPE_CLUSTER, Conventions.TYPE_SITE, Conventions.TYPE_SLOT), Conventions.TAG_LINK, link)) {
                parse(raw).ifPresent(tagged::add);
            }
        }
        if (!tagged.isEmpty()) {
            return new Found(tagged, List.of(), List.of(), List.of());
        }
        List<ResourceId> apps = new ArrayList<>();
        for (InventoryItem item : arm.released(new ArrayList<>(config.subscriptions()), config.subnetNamePrefix())) {
            Optional<ResourceId> id = parse(item.id());
            if (id.isPresent() && recordNames(arm.appSettings(id.get()), link)) {
                apps.add(id.get());
            }
        }
        List<ResourceId> clusters = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String sub : config.subscriptions()) {
            for (ClusterState c : arm.clusters(sub)) {
                Optional<ResourceId> id = parse(c.id());
                if (id.isEmpty() || tagged(c)) {
                    continue;
                }
                try {
                    Optional<ConfigMapState> cm = kube.gateway(c.id()).configMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM);
                    if (cm.isPresent() && ClusterUnlinkPlan.ownsOverride(cm.get()) && link.equals(cm.get().annotations().get(Conventions.ANNOTATION_LINK))) {
                        clusters.add(id.get());
                    }
                } catch (RejectedException e) {
                    unreadable.add(c.name() + ": " + e.getMessage());
                }
            }
        }
        return new Found(List.of(), apps, clusters, unreadable);
    }

    /** Whether the app's TETHER_LINK record names {@code link}; an unreadable record names none. */
    private static boolean recordNames(Map<String, String> settings, String link) {
        try {
            return OwnershipRecord.in(settings).map(r -> link.equals(r.link())).orElse(false);
        } catch (InvalidInputException unreadable) {
            return false;
        }
    }

    /** A cluster that carries any private-link tag (or an invalid one) is not released: its own link, if any, is listed by the tag. */
    private static boolean tagged(ClusterState c) {
        try {
            return Tags.link(c.tags()).isPresent();
        } catch (InvalidInputException e) {
            return true;
        }
    }

    /** The id, when it parses and is in scope; one Tether cannot handle is logged and skipped, never fatal. */
    private Optional<ResourceId> parse(String raw) {
        try {
            ResourceId id = ResourceId.parse(raw);
            return config.inScope(id.subscriptionId()) ? Optional.of(id) : Optional.empty();
        } catch (InvalidInputException e) {
            StructuredLog.log(LOG, Level.WARNING, "link.member.unhandled", Map.of("resourceId", raw, "error", e.getMessage()));
            return Optional.empty();
        }
    }
}
