package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An ARM resource id, parsed strictly and compared the way ARM compares them (case-insensitively).
 * Only ids of the shape {@code /subscriptions/{guid}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]}
 * are accepted. Path tricks ({@code ..}, empty segments, encoded characters, query strings) are rejected.
 */
public record ResourceId(String subscriptionId, String resourceGroup, String namespace,
                         List<String> types, List<String> names) {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /**
     * A segment as ARM allows resource group names: the REST spec's {@code resourceGroupName} pattern {@code ^[-\\w\\._\\(\\)]+$},
     * where {@code \\w} is Unicode (letters, digits, marks, connectors: "rg-café" is a valid group), 1-90 characters
     * (learn "Naming rules and restrictions for Azure resources", Microsoft.Resources/resourcegroups). Everything else
     * ('/', '%', '?', '#', spaces) is refused, so path tricks stay out.
     */
    private static final Pattern SEGMENT = Pattern.compile("[-\\w._()]{1,90}", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int MAX_LENGTH = 1024;

    public ResourceId {
        types = List.copyOf(types);
        names = List.copyOf(names);
    }

    /** Parses an id or throws {@link InvalidInputException} that says what is wrong. */
    public static ResourceId parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("resource id is missing");
        }
        if (raw.length() > MAX_LENGTH) {
            throw new InvalidInputException("resource id is longer than " + MAX_LENGTH + " characters");
        }
        String id = raw.trim();
        if (id.endsWith("/")) {
            id = id.substring(0, id.length() - 1);
        }
        if (!id.startsWith("/")) {
            throw new InvalidInputException("resource id '" + abbreviate(raw) + "' must start with /subscriptions/");
        }
        String[] parts = id.substring(1).split("/", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".") || p.equals("..") || !SEGMENT.matcher(p).matches()) {
                throw new InvalidInputException("resource id '" + abbreviate(raw) + "' has an invalid segment '" + abbreviate(p) + "'");
            }
        }
        if (parts.length < 8 || !parts[0].equalsIgnoreCase("subscriptions") || !parts[2].equalsIgnoreCase("resourceGroups")
                || !parts[4].equalsIgnoreCase("providers") || (parts.length - 6) % 2 != 0) {
            throw new InvalidInputException("resource id '" + abbreviate(raw)
                    + "' is not of the form /subscriptions/{id}/resourceGroups/{group}/providers/{namespace}/{type}/{name}");
        }
        if (parts[3].endsWith(".")) {
            throw new InvalidInputException("resource group '" + abbreviate(parts[3]) + "' in resource id ends with a period, which ARM does not allow");
        }
        if (!GUID.matcher(parts[1]).matches()) {
            throw new InvalidInputException("subscription '" + abbreviate(parts[1]) + "' in resource id is not a GUID");
        }
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 6; i < parts.length; i += 2) {
            if (parts[i].equalsIgnoreCase("providers")) {
                throw new InvalidInputException("resource id '" + abbreviate(raw) + "' names an extension resource; give the resource itself");
            }
            types.add(parts[i]);
            names.add(parts[i + 1]);
        }
        return new ResourceId(parts[1], parts[3], parts[5], types, names);
    }

    /** The resource type, e.g. {@code Microsoft.Web/sites/slots}. */
    public String type() {
        return namespace + "/" + String.join("/", types);
    }

    public boolean isType(String fullType) {
        return type().equalsIgnoreCase(fullType);
    }

    public String name() {
        return names.get(names.size() - 1);
    }

    public ResourceId parent() {
        if (types.size() < 2) {
            throw new IllegalStateException(this + " has no parent resource");
        }
        return new ResourceId(subscriptionId, resourceGroup, namespace, types.subList(0, types.size() - 1), names.subList(0, names.size() - 1));
    }

    /** The id as a string, in the casing it was given. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("/subscriptions/").append(subscriptionId)
                .append("/resourceGroups/").append(resourceGroup)
                .append("/providers/").append(namespace);
        for (int i = 0; i < types.size(); i++) {
            sb.append('/').append(types.get(i)).append('/').append(names.get(i));
        }
        return sb.toString();
    }

    /** The key ARM would use to compare ids: the whole id lower-cased. */
    public String normalized() {
        return toString().toLowerCase(Locale.ROOT);
    }

    public boolean sameAs(ResourceId other) {
        return other != null && normalized().equals(other.normalized());
    }

    public static boolean same(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equalsIgnoreCase(b);
    }

    public static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
