package dev.tether.plan;

import java.util.List;

/**
 * What Tether reads of a cluster's {@code properties.apiServerAccessProfile} (AKS REST API, ManagedClusterAPIServerAccessProfile):
 * {@code enablePrivateCluster}, {@code enablePrivateClusterPublicFQDN}, {@code enableVnetIntegration} with its
 * {@code subnetId}, {@code authorizedIPRanges} and {@code privateDNSZone}; plus the cluster's {@code privateFQDN}.
 */
public record ApiServerAccess(boolean privateCluster, boolean publicFqdn, boolean vnetIntegration, String apiServerSubnetId,
                              List<String> authorizedIpRanges, String privateDnsZone, String privateFqdn) {
    public ApiServerAccess {
        authorizedIpRanges = authorizedIpRanges == null ? List.of() : List.copyOf(authorizedIpRanges);
    }

    /** A public API server open to every address: what a cluster without an access profile has. */
    public static ApiServerAccess open() {
        return new ApiServerAccess(false, false, false, null, List.of(), null, null);
    }
}
