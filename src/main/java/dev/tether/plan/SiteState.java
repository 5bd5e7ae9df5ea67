package dev.tether.plan;

import java.util.Map;

/** What Tether reads of a site or slot. {@code subnetId} is the site property virtualNetworkSubnetId (null when not integrated). */
public record SiteState(String id, String name, String location, String serverFarmId, String subnetId,
                        boolean routeAll, Map<String, String> tags) {
    public SiteState {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
