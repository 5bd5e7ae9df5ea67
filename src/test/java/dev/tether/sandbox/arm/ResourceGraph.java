package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Azure Resource Graph that Tether sends, answered from the world: {@code Resources}, filtered by
 * {@code type in~ (...)}, {@code isnotempty(tags['name'])}, {@code isempty(tags['name'])} and
 * {@code properties.virtualNetworkSubnetId contains '...'}, projected, paged with {@code $top}/{@code $skipToken}.
 * Shapes follow shared/reference/arm/ResourcesFilterQuery (objectArray data, count, totalRecords, resultTruncated).
 * Anything else is a 400 like Resource Graph's own for an unsupported query.
 */
final class ResourceGraph {
    private static final Pattern TYPES = Pattern.compile("where\\s+type\\s+in~\\s*\\(([^)]*)\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("where\\s+isnotempty\\(tags\\['([^']+)'\\]\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern UNTAGGED = Pattern.compile("where\\s+isempty\\(tags\\['([^']+)'\\]\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SUBNET_CONTAINS = Pattern.compile("where\\s+properties\\.virtualNetworkSubnetId\\s+contains\\s+'([^']*)'", Pattern.CASE_INSENSITIVE);
    private static final Pattern PROJECT = Pattern.compile("project\\s+(.+)$", Pattern.CASE_INSENSITIVE);

    private ResourceGraph() {
    }

    static Reply query(Collection<ObjectNode> resources, JsonNode body) {
        if (body == null || !body.path("query").isTextual()) {
            throw PlatformRules.Rule.GRAPH_QUERY_INVALID.error("Please provide a query.");
        }
        String q = body.path("query").asText().replace('\n', ' ');
        if (!q.trim().toLowerCase(Locale.ROOT).startsWith("resources")) {
            throw PlatformRules.Rule.GRAPH_QUERY_INVALID.error("Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.");
        }
        Set<String> subs = new TreeSet<>();
        body.path("subscriptions").forEach(s -> subs.add(s.asText().toLowerCase(Locale.ROOT)));
        Set<String> types = new TreeSet<>();
        Matcher t = TYPES.matcher(q);
        if (t.find()) {
            for (String part : t.group(1).split(",")) {
                types.add(part.trim().replace("'", "").toLowerCase(Locale.ROOT));
            }
        }
        Matcher tag = TAG.matcher(q);
        String tagName = tag.find() ? tag.group(1) : null;
        Matcher untagged = UNTAGGED.matcher(q);
        String untaggedName = untagged.find() ? untagged.group(1) : null;
        Matcher contains = SUBNET_CONTAINS.matcher(q);
        String subnetPart = contains.find() ? contains.group(1).toLowerCase(Locale.ROOT) : null;
        Matcher p = PROJECT.matcher(q);
        List<String> fields = new ArrayList<>();
        if (p.find()) {
            for (String f : p.group(1).split(",")) {
                fields.add(f.trim());
            }
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (ObjectNode r : resources) {
            String id = r.path("id").asText();
            String sub = id.split("/").length > 2 ? id.split("/")[2].toLowerCase(Locale.ROOT) : "";
            if (!subs.isEmpty() && !subs.contains(sub)) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(r.path("type").asText().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (tagName != null && !hasTag(r, tagName)) {
                continue;
            }
            if (untaggedName != null && hasTag(r, untaggedName)) {
                continue;
            }
            if (subnetPart != null && !r.path("properties").path("virtualNetworkSubnetId").asText("").toLowerCase(Locale.ROOT).contains(subnetPart)) {
                continue;
            }
            ObjectNode row = ArmWorld.M.createObjectNode();
            if (fields.isEmpty()) {
                row.setAll(r.deepCopy());
            } else {
                for (String f : fields) {
                    JsonNode v = r.get(f);
                    row.set(f, v == null ? ArmWorld.M.nullNode() : v.deepCopy());
                }
            }
            row.put("type", r.path("type").asText().toLowerCase(Locale.ROOT));
            rows.add(row);
        }
        JsonNode options = body.path("options");
        int top = Math.min(1000, options.path("$top").asInt(100));
        int skip = options.path("$skipToken").isTextual() ? Integer.parseInt(options.path("$skipToken").asText()) : options.path("$skip").asInt(0);
        ObjectNode out = ArmWorld.M.createObjectNode();
        List<ObjectNode> page = rows.subList(Math.min(skip, rows.size()), Math.min(skip + top, rows.size()));
        out.put("totalRecords", rows.size()).put("count", page.size()).put("resultTruncated", "false");
        out.putArray("facets");
        ArrayNode data = out.putArray("data");
        page.forEach(data::add);
        if (skip + top < rows.size()) {
            out.put("$skipToken", String.valueOf(skip + top));
        }
        return Reply.ok(out);
    }

    private static boolean hasTag(ObjectNode r, String name) {
        var it = r.path("tags").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().asText().isBlank()) {
                return true;
            }
        }
        return false;
    }
}
