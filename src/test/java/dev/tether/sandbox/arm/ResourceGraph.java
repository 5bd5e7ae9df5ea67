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
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Azure Resource Graph queries Tether sends, parsed stage by stage and answered from the world: the table
 * {@code Resources}, then any of {@code where type in~ (...)}, {@code where isnotempty(tags['name'])},
 * {@code where isempty(tags['name'])}, the case-insensitive tag filter {@code extend X = tags | mv-expand
 * bagexpansion=array X | where X[0] =~ 'name' and isnotempty(X[1])}, {@code where properties.virtualNetworkSubnetId
 * contains '...'} and a final
 * {@code project} of known columns; paged with {@code $top}/{@code $skipToken}. Shapes follow
 * shared/reference/arm/ResourcesFilterQuery (objectArray data, count, totalRecords, resultTruncated).
 * <p>
 * Any other query is answered with Resource Graph's 400 ({@code BadRequest} with details {@code InvalidQuery} and
 * {@code ParserFailure}, as reported in Azure/azure-sdk-for-js#12780 and scautomation/AzureResourceGraph-Examples#2):
 * valid KQL this emulator cannot evaluate is refused rather than answered wrongly.
 * <p>
 * Tags: {@code tags} is a dynamic property bag and KQL looks up a bag's keys case-sensitively, so
 * {@code tags['private-link']} does not find a tag written {@code Private-Link}, though ARM itself treats tag names
 * case-insensitively; a case-insensitive match expands the tags as [key, value] pairs ({@code mv-expand
 * bagexpansion=array}) and compares {@code [0] =~ 'key'}. Source: learn, Azure Resource Graph samples by category,
 * "Find storage accounts with a specific case-sensitive tag on the resource group" ({@code tags['Key1'] =~ 'Value1'})
 * and "... case-insensitive tag ..." ({@code mv-expand bagexpansion=array tags | where tags[0] =~ 'key1' and
 * tags[1] =~ 'value1'}); {@code =~} is KQL's case-insensitive equality, {@code ==} the case-sensitive one.
 * {@code isempty} is true for a missing key and for an empty value.
 */
final class ResourceGraph {
    private static final Pattern TYPES = Pattern.compile("(?i)where\\s+type\\s+in~\\s*\\(((?:\\s*'[^']*'\\s*,)*\\s*'[^']*'\\s*)\\)");
    private static final Pattern TAGGED = Pattern.compile("(?i)where\\s+(isnotempty|isempty)\\(\\s*tags\\s*\\[\\s*'([^']+)'\\s*\\]\\s*\\)");
    /** The case-insensitive tag filter of Microsoft's sample: a copy of tags expanded as [key, value] pairs. */
    private static final Pattern EXTEND_TAG = Pattern.compile("(?i)extend\\s+(\\w+)\\s*=\\s*tags");
    private static final Pattern EXPAND_TAG = Pattern.compile("(?i)mv-expand\\s+bagexpansion\\s*=\\s*array\\s+(\\w+)");
    private static final Pattern PAIR_MATCHES = Pattern.compile("(?i)where\\s+(\\w+)\\[0\\]\\s*=~\\s*'([^']+)'\\s+and\\s+isnotempty\\(\\s*(\\w+)\\[1\\]\\s*\\)");
    private static final Pattern SUBNET_CONTAINS = Pattern.compile("(?i)where\\s+properties\\.virtualNetworkSubnetId\\s+contains\\s+'([^']*)'");
    private static final Pattern PROJECT = Pattern.compile("(?i)project\\s+(\\w+(?:\\s*,\\s*\\w+)*)");
    private static final Set<String> COLUMNS = Set.of("id", "name", "type", "kind", "location", "tags", "properties", "sku",
            "resourceGroup", "subscriptionId", "tenantId");

    private ResourceGraph() {
    }

    /** A parsed query: every filter is optional; {@code project} null keeps every column. */
    private static final class Query {
        Set<String> types;
        String taggedName;
        /** extend X = tags, then mv-expand bagexpansion=array X, then where X[0] =~ 'name' and isnotempty(X[1]). */
        String extended;
        boolean expanded;
        String pairName;
        String untaggedName;
        String subnetPart;
        List<String> project;
    }

    static Reply query(Collection<ObjectNode> resources, JsonNode body) {
        if (body == null || !body.path("query").isTextual()) {
            throw invalid("the request has no query");
        }
        Query q = parse(body.path("query").asText());
        if (q.extended != null && q.pairName == null) {
            throw invalid("an expanded tag column must be filtered with where " + q.extended + "[0] =~ '...' and isnotempty(" + q.extended + "[1])");
        }
        if (q.extended != null && q.project != null && q.project.contains(q.extended)) {
            throw invalid("unknown column '" + q.extended + "'");
        }
        Set<String> subs = new TreeSet<>();
        body.path("subscriptions").forEach(s -> subs.add(s.asText().toLowerCase(Locale.ROOT)));
        List<ObjectNode> rows = new ArrayList<>();
        for (ObjectNode r : resources) {
            String id = r.path("id").asText();
            String sub = id.split("/").length > 2 ? id.split("/")[2].toLowerCase(Locale.ROOT) : "";
            if (!subs.isEmpty() && !subs.contains(sub)) {
                continue;
            }
            if (q.types != null && !q.types.contains(r.path("type").asText().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (q.taggedName != null && tagEmpty(r, q.taggedName)) {
                continue;
            }
            if (q.untaggedName != null && !tagEmpty(r, q.untaggedName)) {
                continue;
            }
            // mv-expand: one row per [key, value] pair; =~ compares the key case-insensitively
            int pairs = 1;
            if (q.pairName != null) {
                pairs = 0;
                for (var it = r.path("tags").fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (e.getKey().equalsIgnoreCase(q.pairName) && !e.getValue().isNull() && !e.getValue().asText().isEmpty()) {
                        pairs++;
                    }
                }
            }
            for (int pair = 0; pair < pairs; pair++) {
            if (q.subnetPart != null && !r.path("properties").path("virtualNetworkSubnetId").asText("").toLowerCase(Locale.ROOT).contains(q.subnetPart)) {
                continue;
            }
            ObjectNode row = ArmWorld.M.createObjectNode();
            if (q.project == null) {
                row.setAll(r.deepCopy());
            } else {
                for (String f : q.project) {
                    JsonNode v = r.get(f);
                    row.set(f, v == null ? ArmWorld.M.nullNode() : v.deepCopy());
                }
            }
            if (q.project == null || q.project.contains("type")) {
                row.put("type", r.path("type").asText().toLowerCase(Locale.ROOT));
            }
            rows.add(row);
            }
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

    private static Query parse(String text) {
        List<String> stages = stages(text);
        if (!stages.get(0).trim().equalsIgnoreCase("Resources")) {
            throw invalid("the query must start with the Resources table: '" + stages.get(0).trim() + "'");
        }
        Query q = new Query();
        for (int i = 1; i < stages.size(); i++) {
            String stage = stages.get(i).trim();
            Matcher m;
            if (q.project != null) {
                throw invalid("nothing may follow project: '" + stage + "'");
            } else if ((m = TYPES.matcher(stage)).matches() && q.types == null) {
                q.types = new TreeSet<>();
                for (String part : m.group(1).split(",")) {
                    q.types.add(part.trim().replace("'", "").toLowerCase(Locale.ROOT));
                }
            } else if ((m = TAGGED.matcher(stage)).matches() && m.group(1).equalsIgnoreCase("isnotempty") && q.taggedName == null) {
                q.taggedName = m.group(2);
            } else if (m.matches() && m.group(1).equalsIgnoreCase("isempty") && q.untaggedName == null) {
                q.untaggedName = m.group(2);
            } else if ((m = EXTEND_TAG.matcher(stage)).matches() && q.extended == null) {
                q.extended = m.group(1);
            } else if ((m = EXPAND_TAG.matcher(stage)).matches() && m.group(1).equals(q.extended) && !q.expanded) {
                q.expanded = true;
            } else if ((m = PAIR_MATCHES.matcher(stage)).matches() && q.expanded && q.pairName == null
                    && m.group(1).equals(q.extended) && m.group(3).equals(q.extended)) {
                q.pairName = m.group(2);
            } else if ((m = SUBNET_CONTAINS.matcher(stage)).matches() && q.subnetPart == null) {
                q.subnetPart = m.group(1).toLowerCase(Locale.ROOT);
            } else if ((m = PROJECT.matcher(stage)).matches()) {
                q.project = new ArrayList<>();
                for (String f : m.group(1).split(",")) {
                    String column = f.trim();
                    if (!COLUMNS.contains(column)) {
                        throw invalid("unknown column '" + column + "'");
                    }
                    q.project.add(column);
                }
            } else {
                throw invalid("unsupported stage '" + stage + "'");
            }
        }
        return q;
    }

    /** The query's stages: split on '|' outside single-quoted strings. */
    private static List<String> stages(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            if (c == '|' && !quoted) {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw invalid("unterminated string literal");
        }
        out.add(current.toString());
        return out;
    }

    /** KQL: a bag's keys are matched case-sensitively; isempty is true for a missing key or an empty value. */
    private static boolean tagEmpty(ObjectNode r, String name) {
        JsonNode v = r.path("tags").get(name);
        return v == null || v.isNull() || v.asText().isEmpty();
    }

    /** Resource Graph's 400 for a query it cannot parse. {@code why} is for the reader of the test, in ParserFailure's place. */
    static ArmError invalid(String why) {
        String message = "Please provide below info when asking for support: timestamp = 2026-01-01T00:00:00.0000000Z, correlationId = "
                + UUID.nameUUIDFromBytes(why.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".";
        ObjectNode body = ArmWorld.M.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", "BadRequest").put("message", message);
        ArrayNode details = error.putArray("details");
        details.addObject().put("code", "InvalidQuery")
                .put("message", "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.");
        details.addObject().put("code", "ParserFailure").put("message", "ParserFailure: " + why);
        PlatformRules.Rule rule = PlatformRules.Rule.GRAPH_QUERY_INVALID;
        return new ArmError(rule.status, rule.code, message, body);
    }
}
