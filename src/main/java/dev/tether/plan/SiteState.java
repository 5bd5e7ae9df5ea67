package dev.tether.plan;

import java.util.List;
import java.util.Map;

/**
 * What Tether reads of a site or slot. {@code subnetId} is the site property virtualNetworkSubnetId (null when not
 * integrated); {@code dnsServers} the site property dnsConfiguration.dnsServers (empty when not set), which takes
 * precedence over WEBSITE_DNS_SERVER.
 */
public record SiteState(String id, String name, String location, String serverFarmId, String subnetId,
                        boolean routeAll, Map<String, String> tags, List<String> dnsServers) {
    public SiteState {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
    }

    public SiteState(String id, String name, String location, String serverFarmId, String subnetId, boolean routeAll, Map<String, String> tags) {
        this(id, name, location, serverFarmId, subnetId, routeAll, tags, List.of());
    }
}
