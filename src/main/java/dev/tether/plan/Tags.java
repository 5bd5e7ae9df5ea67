package dev.tether.plan;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads Tether's tags the way ARM treats tag names: case-insensitively. Validates their values. */
public final class Tags {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Common public top-level domains; a two-label zone under one of them would shadow a real registrable domain. */
    private static final java.util.Set<String> PUBLIC_TLDS = java.util.Set.of("com", "net", "org", "io", "dev", "app", "cloud", "ai",
            "co", "us", "uk", "de", "fr", "nl", "eu", "info", "biz", "me", "tv", "xyz", "azure", "microsoft", "windows");
    private static final Pattern SUBNET_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?");

    private Tags() {
    }

    public static Optional<String> get(Map<String, String> tags, String name) {
        if (tags == null) {
            return Optional.empty();
        }
        return tags.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .filter(v -> v != null && !v.isBlank())
                .map(String::trim)
                .findFirst();
    }

    /**
     * The link name. It must be a lowercase DNS label: it forms the default domain, and ARM's tag-value filter, which
     * Tether uses to find the other side of a link, compares values exactly.
     */
    public static Optional<String> link(Map<String, String> tags) {
        return get(tags, Conventions.TAG_LINK).map(v -> {
            if (!DNS_LABEL.matcher(v).matches()) {
                throw new InvalidInputException("tag " + Conventions.TAG_LINK + "='" + ResourceId.abbreviate(v)
                        + "' is not a valid link name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit");
            }
            return v;
        });
    }

    /** The k8s_external zone of a cluster: tag private-link-domain, or {@code <link>.internal}. */
    public static String domain(Map<String, String> clusterTags, String link) {
        String domain = get(clusterTags, Conventions.TAG_DOMAIN).map(d -> d.toLowerCase(Locale.ROOT)).orElse(link + ".internal");
        validateDomain(domain);
        return domain;
    }

    public static void validateDomain(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        String[] labels = d.split("\\.", -1);
        if (d.length() > 253 || labels.length < 2) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + ResourceId.abbreviate(domain)
                    + "' is not a usable zone: give at least two DNS labels, e.g. 'shop.internal'");
        }
        for (String label : labels) {
            if (!DNS_LABEL.matcher(label).matches()) {
                throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + ResourceId.abbreviate(domain)
                        + "' has an invalid DNS label '" + ResourceId.abbreviate(label) + "'");
            }
        }
        if (labels.length == 2 && PUBLIC_TLDS.contains(labels[1])) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain + "' is a whole public domain: the app would"
                    + " resolve every name under it through the cluster and lose the real ones; use a private zone such as '<link>.internal'"
                    + " or a subdomain you own, such as 'svc." + d + "'");
        }
        if (d.equals("cluster.local") || d.endsWith(".cluster.local")) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain
                    + "' would shadow the cluster's own cluster.local zone; choose another zone such as '<link>.internal'");
        }
    }

    /** A true/false tag value (any case); absent is false. */
    public static boolean flag(String value, String tagName) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException("tag " + tagName + "='" + ResourceId.abbreviate(value) + "' is not true or false");
        };
    }

    public static Optional<String> subnetName(Map<String, String> siteTags) {
        return get(siteTags, Conventions.TAG_SUBNET).map(v -> {
            if (!SUBNET_NAME.matcher(v).matches()) {
                throw new InvalidInputException("tag " + Conventions.TAG_SUBNET + "='" + ResourceId.abbreviate(v)
                        + "' is not a valid subnet name (1-80 letters, digits, '.', '-', '_')");
            }
            return v;
        });
    }
}
