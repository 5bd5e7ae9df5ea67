package dev.tether.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The DNS server an app really uses, and how Tether's setting may be written. Pure.
 * <ul>
 * <li>The site property {@code properties.dnsConfiguration.dnsServers} takes precedence over {@code WEBSITE_DNS_SERVER}
 * ("The App Settings will continue to work, but the site properties will take precedence if configured": Azure/AppService
 * blog "DNS improvements", 2024-01-09; learn "Name resolution (DNS) in App Service"). Tether writes the app setting, so an
 * app whose site property names another server is refused: a setting with no effect must never be called linked.</li>
 * <li>App setting names are case-insensitive (they become environment variables; learn "Configure an App Service app",
 * app settings), so {@code website_dns_server} is the same setting; Tether leaves exactly one of each name.</li>
 * <li>A DNS server Tether did not set (a corporate resolver) is replaced only when the app carries
 * {@link Conventions#TAG_DNS_REPLACE}=true; the old values are recorded in the plan and the step's output.</li>
 * </ul>
 */
public final class DnsPlan {
    private DnsPlan() {
    }

    /** Pre-flight result: an error finding, or the foreign values Tether will replace (empty when none). */
    public record Preflight(Optional<Finding> error, Map<String, String> replaced) {
        public Preflight {
            replaced = Map.copyOf(replaced);
        }
    }

    /** The servers the app resolves with: the site property when it names any, else the app settings (primary, then alternate). */
    public static List<String> effective(List<String> siteDnsServers, Map<String, String> settings) {
        if (siteDnsServers != null && !siteDnsServers.isEmpty()) {
            return List.copyOf(siteDnsServers);
        }
        List<String> out = new ArrayList<>();
        valueOf(settings, Conventions.SETTING_DNS_SERVER).ifPresent(out::add);
        valueOf(settings, Conventions.SETTING_DNS_ALT_SERVER).ifPresent(out::add);
        return out;
    }

    /** Every key that names {@code setting} in any case, in the dictionary's order. */
    public static List<String> keysOf(Map<String, String> settings, String setting) {
        return settings == null ? List.of() : settings.keySet().stream().filter(k -> k.equalsIgnoreCase(setting)).toList();
    }

    static Optional<String> valueOf(Map<String, String> settings, String setting) {
        return keysOf(settings, setting).stream().map(settings::get).filter(Objects::nonNull).map(String::trim)
                .filter(v -> !v.isEmpty()).findFirst();
    }

    /**
     * @param tetherIp    the IP of the cluster's tether-dns (null when it has none yet): a value equal to it is Tether's own
     * @param alt         the configured alternate server (TETHER_ALT_DNS_SERVER), or null
     * @param replaceTag  the app's {@link Conventions#TAG_DNS_REPLACE} value, or null
     */
    public static Preflight check(String appName, List<String> siteDnsServers, Map<String, String> settings, String tetherIp,
                                  String alt, String replaceTag) {
        if (siteDnsServers != null && !siteDnsServers.isEmpty() && !(siteDnsServers.size() == 1 && siteDnsServers.get(0).equals(tetherIp))) {
            return new Preflight(Optional.of(Finding.error("SITE_DNS_PROPERTY", "app " + appName + " sets the site property"
                            + " dnsConfiguration.dnsServers=" + siteDnsServers + ", which takes precedence over " + Conventions.SETTING_DNS_SERVER
                            + "; the setting Tether writes would have no effect and the app would not resolve the cluster's names",
                    "remove the site property (az resource update --ids <app id> --remove properties.dnsConfiguration.dnsServers)"
                            + " and rerun the link, or remove the " + Conventions.TAG_LINK + " tag")), Map.of());
        }
        boolean replace;
        try {
            replace = Tags.flag(replaceTag, Conventions.TAG_DNS_REPLACE);
        } catch (InvalidInputException e) {
            return new Preflight(Optional.of(Finding.error("INVALID_DNS_REPLACE_TAG", e.getMessage(), "set it to true or false")), Map.of());
        }
        Map<String, String> foreign = foreign(settings, tetherIp, alt);
        if (foreign.isEmpty() || replace) {
            return new Preflight(Optional.empty(), foreign);
        }
        String values = describe(foreign);
        return new Preflight(Optional.of(Finding.error("FOREIGN_DNS_SERVER", "app " + appName + " already resolves through " + values
                        + ", which Tether did not set; linking would replace it and the app would lose the names that server resolves",
                "make that resolver forward the cluster's zone and remove the setting, or tag the app " + Conventions.TAG_DNS_REPLACE
                        + "=true to let Tether replace it (the old value is recorded in the link's output)")), Map.of());
    }

    /** The DNS settings (any case) whose values are not Tether's: not tether-dns's IP, not the configured alternate. */
    public static Map<String, String> foreign(Map<String, String> settings, String tetherIp, String alt) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keysOf(settings, Conventions.SETTING_DNS_SERVER)) {
            String v = settings.get(k) == null ? "" : settings.get(k).trim();
            if (!v.isEmpty() && !v.equals(tetherIp)) {
                out.put(k, v);
            }
        }
        for (String k : keysOf(settings, Conventions.SETTING_DNS_ALT_SERVER)) {
            String v = settings.get(k) == null ? "" : settings.get(k).trim();
            if (!v.isEmpty() && !v.equals(alt)) {
                out.put(k, v);
            }
        }
        return out;
    }

    public static String describe(Map<String, String> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " and " + b).orElse("");
    }

    /**
     * The full dictionary to PUT, or empty when it is already right: every other setting kept, every case variant of the
     * two DNS names dropped, and the canonical names set ({@code WEBSITE_DNS_ALT_SERVER} only when an alternate is configured).
     */
    public static Optional<Map<String, String>> merge(Map<String, String> current, String dnsIp, String alt) {
        Map<String, String> base = current == null ? Map.of() : current;
        Map<String, String> merged = new LinkedHashMap<>();
        base.forEach((k, v) -> {
            String upper = k.toUpperCase(Locale.ROOT);
            if (!upper.equals(Conventions.SETTING_DNS_SERVER) && !upper.equals(Conventions.SETTING_DNS_ALT_SERVER)) {
                merged.put(k, v);
            }
        });
        merged.put(Conventions.SETTING_DNS_SERVER, dnsIp);
        if (alt != null && !alt.isBlank()) {
            merged.put(Conventions.SETTING_DNS_ALT_SERVER, alt);
        }
        Map<String, String> dnsNow = new LinkedHashMap<>();
        base.forEach((k, v) -> {
            if (k.equalsIgnoreCase(Conventions.SETTING_DNS_SERVER) || k.equalsIgnoreCase(Conventions.SETTING_DNS_ALT_SERVER)) {
                dnsNow.put(k, v);
            }
        });
        Map<String, String> dnsWanted = new LinkedHashMap<>(merged);
        dnsWanted.keySet().retainAll(List.of(Conventions.SETTING_DNS_SERVER, Conventions.SETTING_DNS_ALT_SERVER));
        return dnsNow.equals(dnsWanted) ? Optional.empty() : Optional.of(merged);
    }
}
