package dev.tether.plan;

import java.util.List;
import java.util.Map;

/**
 * What Tether reads of an AKS cluster. {@code nodeSubnetIds} are the agent pools' vnetSubnetID values (empty when AKS
 * manages the VNet). {@code entra} is true when the cluster uses Entra ID (aadProfile.managed). {@code access} is how its
 * API server can be reached (never null).
 */
public record ClusterState(String id, String name, String location, Map<String, String> tags, List<String> nodeSubnetIds,
                           String nodeResourceGroup, boolean entra, boolean localAccountsDisabled,
                           String networkPlugin, String dnsServiceIp, ApiServerAccess access) {
    public ClusterState {
        access = access == null ? ApiServerAccess.open() : access;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        nodeSubnetIds = nodeSubnetIds == null ? List.of() : List.copyOf(nodeSubnetIds);
    }
}
