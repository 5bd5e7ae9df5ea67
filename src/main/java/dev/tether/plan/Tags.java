package dev.tether.plan;

import com.google.common.net.InternetDomainName;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads Tether's tags the way ARM treats tag names: case-insensitively. Validates their values. */
public final class Tags {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SUBNET_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?");

    private Tags() {
    }

    /**
     * The tag's value exactly as ARM stores it, or empty when the tag is absent or its value is empty. Values are never
     * trimmed: ARM's tag filter, which finds the other side of a link, compares values exactly, so a value Tether
     * trimmed would match here and not there.
     */
    public static Optional<String> get(Map<String, String> tags, String name) {
        if (tags == null) {
            return Optional.empty();
        }
        return tags.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .filter(v -> v != null && !v.isEmpty())
                .findFirst();
    }

    /** What to tell the user about whitespace around a value, or empty when there is none. */
    private static Optional<String> whitespace(String name, String value) {
        if (value.strip().equals(value)) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            return Optional.of("tag " + name + "='" + ResourceId.abbreviate(printable(value)) + "' is only whitespace."
                    + " Fix: remove the tag or give it a value");
        }
        return Optional.of("tag " + name + "='" + ResourceId.abbreviate(printable(value)) + "' has leading or trailing whitespace;"
                + " ARM's tag filter compares values exactly, so the other side of the link would not be found."
                + " Fix: set the value to '" + ResourceId.abbreviate(value.strip()) + "'");
    }

    /** Shows control characters (a trailing newline, a tab) so a message names them. */
    static String printable(String value) {
        return value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    /**
     * The link name. It must be a lowercase DNS label: it forms the default domain, and ARM's tag-value filter, which
     * Tether uses to find the other side of a link, compares values exactly.
     */
    public static Optional<String> link(Map<String, String> tags) {
        return get(tags, Conventions.TAG_LINK).map(v -> {
            whitespace(Conventions.TAG_LINK, v).ifPresent(m -> {
                throw new InvalidInputException(m);
            });
            if (!DNS_LABEL.matcher(v).matches()) {
                throw new InvalidInputException("tag " + Conventions.TAG_LINK + "='" + ResourceId.abbreviate(v)
                        + "' is not a valid link name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit");
            }
            return v;
        });
    }

    /** The k8s_external zone of a cluster: tag private-link-domain, or {@code <link>.internal}. */
    public static String domain(Map<String, String> clusterTags, String link) {
        Optional<String> tag = get(clusterTags, Conventions.TAG_DOMAIN);
        tag.flatMap(v -> whitespace(Conventions.TAG_DOMAIN, v)).ifPresent(m -> {
            throw new InvalidInputException(m);
        });
        String domain = tag.map(d -> d.toLowerCase(Locale.ROOT)).orElse(link + ".internal");
        validateDomain(domain);
        return domain;
    }

    /**
     * A zone Tether may serve with k8s_external: at least two DNS labels; not cluster.local; not a public suffix or a
     * whole registrable domain by the Public Suffix List (Guava's {@link InternetDomainName}, both its ICANN and
     * private sections); not an Azure service domain ({@link AzureServiceDomains}) nor a privatelink zone. Internal
     * suffixes estates use ({@code .internal}, {@code .local} other than cluster.local, {@code .corp}, {@code .lan}) are
     * not on the list and pass (docs/ZONES.md).
     */
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
        if (d.equals("cluster.local") || d.endsWith(".cluster.local")) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain
                    + "' would shadow the cluster's own cluster.local zone; choose another zone such as '<link>.internal'");
        }
        if (java.util.Arrays.asList(labels).contains(AzureServiceDomains.PRIVATELINK_LABEL)) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain + "' is an Azure Private Endpoint zone"
                    + " (a 'privatelink' label): every pod would resolve those private endpoints through Tether's DNS and lose them;"
                    + " use a private zone such as '<link>.internal'");
        }
        AzureServiceDomains.covering(d).ifPresent(e -> {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain + "' is " + (d.equals(e.domain()) ? "" : "under ")
                    + "the Azure service domain " + e.domain() + " (" + e.reason() + "): every pod in the cluster would resolve it"
                    + " through Tether's DNS and lose the real service; use a private zone such as '<link>.internal' (docs/ZONES.md)");
        });
        InternetDomainName name;
        try {
            name = InternetDomainName.from(d);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + ResourceId.abbreviate(domain) + "' is not a domain name");
        }
        if (name.isPublicSuffix()) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain + "' is a public suffix on the Public Suffix"
                    + " List: the app and every pod would resolve all domains under it through the cluster; use a private zone such as"
                    + " '<link>.internal'");
        }
        if (name.isTopPrivateDomain()) {
            throw new InvalidInputException("tag " + Conventions.TAG_DOMAIN + "='" + domain + "' is a whole public domain: the app would"
                    + " resolve every name under it through the cluster and lose the real ones; use a private zone such as '<link>.internal'"
                    + " or a subdomain you own, such as 'svc." + d + "'");
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
