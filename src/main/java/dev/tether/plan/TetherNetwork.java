package dev.tether.plan;

import java.util.List;

/**
 * Where Tether itself sits on the network, from its settings (set by the Bicep deployment's options):
 * {@code vnetIds} are the VNets Tether reaches privately (the VNet of its own integration subnet and VNets peered with
 * it, each with the private DNS zones of its private clusters linked to Tether's VNet); {@code outboundIps} are the
 * static public IPs its outbound traffic leaves from (its NAT gateway). Both empty: an Elastic Premium app without
 * VNet integration, whose outbound IPs are shared and may change.
 */
public record TetherNetwork(List<String> vnetIds, List<String> outboundIps) {
    public TetherNetwork {
        vnetIds = vnetIds == null ? List.of() : List.copyOf(vnetIds);
        outboundIps = outboundIps == null ? List.of() : List.copyOf(outboundIps);
    }

    public static TetherNetwork none() {
        return new TetherNetwork(List.of(), List.of());
    }

    public boolean reachesVnet(String vnetId) {
        return vnetId != null && vnetIds.stream().anyMatch(v -> ResourceId.same(v, vnetId));
    }
}
