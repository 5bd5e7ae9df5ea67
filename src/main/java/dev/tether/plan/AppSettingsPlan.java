package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Merging Tether's settings into an app's settings. The App Service API replaces the whole dictionary on PUT,
 * so the merge must carry every setting Tether does not own.
 */
public final class AppSettingsPlan {
    private AppSettingsPlan() {
    }

    /** Settings Tether owns for a link: the DNS server, and the alternate one when configured. */
    public static Map<String, String> desired(String dnsIp, String altDnsServer) {
        Map<String, String> desired = new LinkedHashMap<>();
        desired.put(Conventions.SETTING_DNS_SERVER, dnsIp);
        if (altDnsServer != null && !altDnsServer.isBlank()) {
            desired.put(Conventions.SETTING_DNS_ALT_SERVER, altDnsServer);
        }
        return desired;
    }

    /** The full dictionary to PUT, or empty when every desired value is already in place. */
    public static Optional<Map<String, String>> merge(Map<String, String> current, Map<String, String> desired) {
        Map<String, String> base = current == null ? Map.of() : current;
        boolean same = desired.entrySet().stream().allMatch(e -> Objects.equals(base.get(e.getKey()), e.getValue()));
        if (same) {
            return Optional.empty();
        }
        Map<String, String> merged = new LinkedHashMap<>(base);
        merged.putAll(desired);
        return Optional.of(merged);
    }
}
