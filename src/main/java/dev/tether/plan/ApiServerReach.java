package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Can Tether reach a cluster's API server? Decided in the pre-flight from ARM data alone, before Tether connects and
 * before the app is touched. Pure. Rules (AKS docs "Create a private AKS cluster", "Secure access to the API server
 * using authorized IP address ranges", "API Server VNet Integration"):
 * <ul>
 * <li>A private cluster's API server has only a private address, and its private DNS zone
 * ({@code privatelink.<region>.azmk8s.io}, or the one in {@code privateDNSZone}) is linked only to the cluster's VNet:
 * Tether reaches it only from a VNet that routes to the cluster's VNet and resolves that zone. With
 * {@code enablePrivateClusterPublicFQDN} the public name resolves to the same private address, which still needs the
 * route. With API Server VNet Integration the address is in the API server subnet's VNet.</li>
 * <li>Authorized IP ranges apply to the public endpoint: a caller outside them gets no answer (a connect timeout, not
 * a 403). Tether reaches it only from a static outbound IP inside a range.</li>
 * </ul>
 */
public final class ApiServerReach {
    private ApiServerReach() {
    }

    /** Empty when Tether can reach the API server; else an error that says which path fixes it. */
    public static Optional<Finding> check(ClusterState cluster, TetherNetwork tether) {
        ApiServerAccess a = cluster.access() == null ? ApiServerAccess.open() : cluster.access();
        if (a.privateCluster()) {
            String vnet = apiServerVnet(cluster, a);
            if (vnet != null && tether.reachesVnet(vnet)) {
                return Optional.empty();
            }
            String zone = cluster.location() == null ? "its private DNS zone"
                    : a.privateDnsZone() == null || a.privateDnsZone().equalsIgnoreCase("system")
                    ? "its privatelink." + Regions.canonical(cluster.location()) + ".azmk8s.io zone" : "zone " + a.privateDnsZone();
            return Optional.of(Finding.error("API_SERVER_UNREACHABLE", "cluster " + cluster.name() + " is a private cluster: its API server"
                            + " has only a private address" + (vnet == null ? "" : " in VNet " + ResourceId.parse(vnet).name())
                            + " and " + zone + " is linked only to that VNet, and Tether's network ("
                            + (tether.vnetIds().isEmpty() ? "no VNet: TETHER_NETWORK_VNETS is empty" : "TETHER_NETWORK_VNETS " + names(tether.vnetIds()))
                            + ") cannot reach it",
                    "deploy Tether with the Bicep parameters tetherSubnetId (a subnet delegated to Microsoft.Web/serverFarms in "
                            + (vnet == null ? "the cluster's VNet" : ResourceId.parse(vnet).name()) + " or a VNet peered with it and listed in peeredVnetIds) and"
                            + " privateDnsZoneIds (the cluster's private DNS zone), which sets TETHER_NETWORK_VNETS; see docs/PRIVATE-CLUSTERS.md"));
        }
        if (a.authorizedIpRanges().isEmpty()) {
            return Optional.empty();
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String r : a.authorizedIpRanges()) {
            try {
                ranges.add(r.contains("/") ? Cidr.parse(r) : new Cidr(Cidr.parseAddress(r.trim()), 32));
            } catch (InvalidInputException e) {
                // An IPv6 range or one Tether cannot read: it cannot contain Tether's IPv4 outbound address.
            }
        }
        for (String ip : tether.outboundIps()) {
            long address;
            try {
                address = Cidr.parseAddress(ip.trim());
            } catch (InvalidInputException e) {
                continue;
            }
            if (ranges.stream().anyMatch(c -> c.contains(address))) {
                return Optional.empty();
            }
        }
        String fix = tether.outboundIps().isEmpty()
                ? "deploy Tether with the Bicep parameter natGateway=true (needs tetherSubnetId), then add its output TETHER_OUTBOUND_IP to the"
                + " cluster's ranges: az aks update -g <rg> -n " + cluster.name() + " --api-server-authorized-ip-ranges "
                + String.join(",", a.authorizedIpRanges()) + ",<TETHER_OUTBOUND_IP>/32; see docs/PRIVATE-CLUSTERS.md"
                : "add Tether's outbound IP to the cluster's ranges: az aks update -g <rg> -n " + cluster.name()
                + " --api-server-authorized-ip-ranges " + String.join(",", a.authorizedIpRanges()) + "," + tether.outboundIps().get(0) + "/32";
        return Optional.of(Finding.error("API_SERVER_UNREACHABLE", "cluster " + cluster.name() + " accepts API server connections only from "
                        + String.join(", ", a.authorizedIpRanges()) + " (authorizedIPRanges), and Tether's outbound traffic "
                        + (tether.outboundIps().isEmpty() ? "has no static IP (TETHER_OUTBOUND_IPS is empty)"
                        : "leaves from " + String.join(", ", tether.outboundIps()) + ", outside them"),
                fix));
    }

    /** The VNet the API server's private address is in: the API server subnet's with VNet integration, else the node subnet's. */
    static String apiServerVnet(ClusterState cluster, ApiServerAccess a) {
        String subnet = a.vnetIntegration() && a.apiServerSubnetId() != null ? a.apiServerSubnetId()
                : cluster.nodeSubnetIds().isEmpty() ? null : cluster.nodeSubnetIds().get(0);
        return subnet == null ? null : ResourceId.parse(subnet).parent().toString();
    }

    private static String names(List<String> ids) {
        return String.join(", ", ids.stream().map(id -> ResourceId.parse(id).name()).toList());
    }
}
