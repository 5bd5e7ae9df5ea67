package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * Microsoft.Resources: a subscription's resource list with ARM's {@code $filter} (tagName, tagValue, resourceType), and
 * the paging every subscription-wide list shares (100 a page, {@code nextLink} with {@code $skiptoken}).
 */
final class ResourcesProvider {
    static final Pattern SUB_RESOURCES = Pattern.compile("/subscriptions/([^/]+)/resources");
    private static final int PAGE = 100;
    private static final Pattern FILTER_TERM = Pattern.compile("(?i)\\s*(tagName|tagValue|resourceType)\\s+eq\\s+'((?:[^']|'')*)'\\s*");

    private final ArmWorld world;

    ResourcesProvider(ArmWorld world) {
        this.world = world;
    }

    Reply list(String method, String subscription, Map<String, String> query) {
        ArmEmulator.requireMethod(method, "GET");
        String filter = query.getOrDefault("$filter", "");
        Map<String, String> terms = new LinkedHashMap<>();
        if (!filter.isBlank()) {
            for (String term : filter.split("(?i)\\s+and\\s+")) {
                Matcher t = FILTER_TERM.matcher(term);
                if (!t.matches()) {
                    throw Rule.TAG_FILTER_INVALID.error("Invalid $filter '" + filter + "' specified in the query string.");
                }
                terms.put(t.group(1).toLowerCase(Locale.ROOT), t.group(2).replace("''", "'"));
            }
        }
        if (terms.containsKey("tagvalue") && !terms.containsKey("tagname")) {
            throw Rule.TAG_FILTER_INVALID.error("A tagValue filter needs a tagName filter.");
        }
        return page(subscription, r -> {
            if (terms.containsKey("resourcetype") && !r.path("type").asText().equalsIgnoreCase(terms.get("resourcetype"))) {
                return false;
            }
            if (terms.containsKey("tagname")) {
                String[] value = {null};
                r.path("tags").fields().forEachRemaining(e -> {
                    if (e.getKey().equalsIgnoreCase(terms.get("tagname"))) {
                        value[0] = e.getValue().asText();
                    }
                });
                if (value[0] == null || (terms.containsKey("tagvalue") && !value[0].equals(terms.get("tagvalue")))) {
                    return false;
                }
            }
            return true;
        }, query, "/subscriptions/" + subscription + "/resources", false);
    }

    /** One page of the subscription's resources that pass {@code filter}; {@code full} bodies or ARM's brief list shape. */
    Reply page(String subscription, Predicate<ObjectNode> filter, Map<String, String> query, String path, boolean full) {
        List<ObjectNode> matches = new ArrayList<>();
        for (ObjectNode r : world.resources.values()) {
            // Slots are stored as their own resources, so they list like ARM lists them.
            if (r.path("id").asText().toLowerCase(Locale.ROOT).startsWith("/subscriptions/" + subscription.toLowerCase(Locale.ROOT) + "/") && filter.test(r)) {
                matches.add(r);
            }
        }
        int skip;
        try {
            skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        } catch (NumberFormatException e) {
            throw Rule.SKIP_TOKEN_INVALID.error("The skip token '" + query.get("$skiptoken") + "' is not valid.");
        }
        ObjectNode out = ArmWorld.M.createObjectNode();
        ArrayNode value = out.putArray("value");
        for (ObjectNode r : matches.subList(Math.min(skip, matches.size()), Math.min(skip + PAGE, matches.size()))) {
            if (full) {
                value.add(r);
            } else {
                ObjectNode brief = value.addObject();
                for (String f : List.of("id", "name", "type", "kind", "location", "tags")) {
                    if (r.has(f)) {
                        brief.set(f, r.get(f));
                    }
                }
            }
        }
        if (skip + PAGE < matches.size()) {
            StringBuilder next = new StringBuilder(ArmEmulator.HOST).append(path).append("?");
            query.forEach((k, v) -> {
                if (!k.equals("$skiptoken")) {
                    next.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")).append('&');
                }
            });
            next.append("$skiptoken=").append(skip + PAGE);
            out.put("nextLink", next.toString());
        }
        return Reply.ok(out);
    }
}
