package dev.tether.plan;

import java.util.Map;

/**
 * One tagged site, slot or cluster as Resource Graph lists it: enough to find drift without reading it again.
 * {@code subnetId} and {@code routeAll} apply to sites and slots.
 */
public record InventoryItem(String id, String type, Map<String, String> tags, String subnetId, boolean routeAll) {
    public InventoryItem {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public boolean isCluster() {
        return Conventions.TYPE_CLUSTER.equalsIgnoreCase(type);
    }
}
