package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app and a cluster of one subscription whose {@code private-link} values differ only in letter case or surrounding
 * whitespace. ARM's tag filter compares values exactly, so they are not linked; without this report the app waits for
 * a cluster that is right there. Pure.
 */
public record NearMiss(String appId, String appValue, String clusterId, String clusterValue, String message) {

    /** Every near miss among the tagged resources (sites, slots and clusters with their tags), ordered by app then cluster. */
    public static List<NearMiss> find(List<InventoryItem> items) {
        List<NearMiss> out = new ArrayList<>();
        List<InventoryItem> clusters = items.stream().filter(InventoryItem::isCluster).toList();
        for (InventoryItem app : items.stream().filter(i -> !i.isCluster()).sorted(java.util.Comparator.comparing(InventoryItem::id)).toList()) {
            Optional<String> a = Tags.get(app.tags(), Conventions.TAG_LINK);
            if (a.isEmpty()) {
                continue;
            }
            String sub = ResourceId.parse(app.id()).subscriptionId();
            for (InventoryItem cluster : clusters.stream().sorted(java.util.Comparator.comparing(InventoryItem::id)).toList()) {
                Optional<String> c = Tags.get(cluster.tags(), Conventions.TAG_LINK);
                if (c.isEmpty() || !ResourceId.parse(cluster.id()).subscriptionId().equalsIgnoreCase(sub)) {
                    continue;
                }
                if (!a.get().equals(c.get()) && a.get().strip().equalsIgnoreCase(c.get().strip())) {
                    out.add(new NearMiss(app.id(), a.get(), cluster.id(), c.get(), "app " + app.id() + " has " + Conventions.TAG_LINK + "='"
                            + Tags.printable(a.get()) + "' and cluster " + cluster.id() + " has '" + Tags.printable(c.get())
                            + "': they differ only in letter case or whitespace, and ARM's tag filter compares values exactly, so they"
                            + " are not linked. Fix: give both the same lowercase value '" + a.get().strip().toLowerCase(java.util.Locale.ROOT) + "'"));
                }
            }
        }
        return out;
    }

}
