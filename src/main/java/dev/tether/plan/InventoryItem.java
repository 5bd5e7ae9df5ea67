package dev.tether.plan;

import java.util.List;
import java.util.Map;

/**
 * One tagged site, slot or cluster as Resource Graph lists it: enough to find drift without reading it again.
 * {@code subnetId}, {@code routeAll} and {@code siteDnsServers} (dnsConfiguration.dnsServers) apply to sites and slots.
 */
public record InventoryItem(String id, String type, Map<String, String> tags, String subnetId, boolean routeAll,
                            List<String> siteDnsServers) {
    public InventoryItem {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        siteDnsServers = siteDnsServers == null ? List.of() : List.copyOf(siteDnsServers);
    }

    public InventoryItem(String id, String type, Map<String, String> tags, String subnetId, boolean routeAll) {
        this(id, type, tags, subnetId, routeAll, List.of());
    }

    public boolean isCluster() {
        return Conventions.TYPE_CLUSTER.equalsIgnoreCase(type);
    }
}
