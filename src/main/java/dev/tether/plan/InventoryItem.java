package dev.tether.plan;

import java.util.List;
import java.util.Map;

/**
 * One tagged site, slot or cluster as Resource Graph lists it: enough to find drift without reading it again.
 * {@code subnetId}, {@code routeAll} and {@code siteDnsServers} (dnsConfiguration.dnsServers) apply to sites and slots.
 * For clusters, {@code nodeSubnetId} (the first agent pool's vnetSubnetID) and {@code access} (its
 * apiServerAccessProfile) tell whether Tether can reach its API server.
 */
public record InventoryItem(String id, String type, Map<String, String> tags, String subnetId, boolean routeAll,
                            List<String> siteDnsServers, String nodeSubnetId, ApiServerAccess access) {
    public InventoryItem {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        siteDnsServers = siteDnsServers == null ? List.of() : List.copyOf(siteDnsServers);
        access = access == null ? ApiServerAccess.open() : access;
    }

    public InventoryItem(String id, String type, Map<String, String> tags, String subnetId, boolean routeAll) {
        this(id, type, tags, subnetId, routeAll, List.of(), null, null);
    }

    /** What the reachability check needs of a cluster, from this row alone. */
    public ClusterState asCluster() {
        return new ClusterState(id, ResourceId.parse(id).name(), null, tags, nodeSubnetId == null ? List.of() : List.of(nodeSubnetId),
                null, false, false, null, null, access);
    }

    public boolean isCluster() {
        return Conventions.TYPE_CLUSTER.equalsIgnoreCase(type);
    }
}
