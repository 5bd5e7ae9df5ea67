package dev.tether.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.durable.Json;
import dev.tether.plan.Conventions;
import dev.tether.plan.InventoryItem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Discovery through Azure Resource Graph: every site, slot and cluster carrying the private-link tag across the scoped
 * subscriptions, 1,000 rows a page, through the SDK's own pipeline (auth, retry). One query replaces a list call per
 * resource group and per type, and it carries the properties drift needs.
 */
final class ResourceGraphQuery {
    /**
     * ARM treats tag names case-insensitively (Tether reads {@code Private-Link} as {@code private-link}), but
     * {@code tags['private-link']} in Resource Graph matches the key's exact case. Microsoft's sample "Find storage
     * accounts with a specific case-insensitive tag on the resource group" (learn, Azure Resource Graph samples by
     * category) expands the tags with {@code mv-expand bagexpansion=array} and compares {@code tags[0] =~ 'key'}; the
     * query expands a copy ({@code tag}) so each row keeps its whole {@code tags}. ARM holds no two keys that differ only
     * in case, so a resource is one row.
     */
    static final String QUERY = "Resources | where type in~ ('microsoft.web/sites','microsoft.web/sites/slots','microsoft.containerservice/managedclusters')"
            + " | extend tag = tags | mv-expand bagexpansion=array tag | where tag[0] =~ '" + Conventions.TAG_LINK + "' and isnotempty(tag[1])"
            + " | project id, type, tags, properties";
    private static final String API = "2024-04-01";

    private ResourceGraphQuery() {
    }

    /**
     * Sites and slots Tether once joined (their integration subnet carries Tether's name prefix) that no longer carry the
     * private-link tag: reported as released, never changed. {@code isempty(tags['private-link'])} is true for a key in
     * another case too: the caller drops the ids {@link #QUERY} found tagged.
     */
    static String releasedQuery(String subnetPrefix) {
        return "Resources | where type in~ ('microsoft.web/sites','microsoft.web/sites/slots')"
                + " | where isempty(tags['" + Conventions.TAG_LINK + "'])"
                + " | where properties.virtualNetworkSubnetId contains '/subnets/" + subnetPrefix.replace("'", "") + "'"
                + " | project id, type, tags, properties";
    }

    static List<InventoryItem> run(HttpPipeline pipeline, String endpoint, List<String> subscriptions) {
        return run(pipeline, endpoint, subscriptions, QUERY);
    }

    static List<InventoryItem> run(HttpPipeline pipeline, String endpoint, List<String> subscriptions, String query) {
        List<InventoryItem> out = new ArrayList<>();
        String skipToken = null;
        do {
            ObjectNode body = Json.mapper().createObjectNode();
            subscriptions.forEach(body.putArray("subscriptions")::add);
            body.put("query", query);
            ObjectNode options = body.putObject("options");
            options.put("$top", 1000).put("resultFormat", "objectArray");
            if (skipToken != null) {
                options.put("$skipToken", skipToken);
            }
            HttpRequest request = new HttpRequest(HttpMethod.POST, endpoint + "providers/Microsoft.ResourceGraph/resources?api-version=" + API)
                    .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body.toString());
            JsonNode page;
            try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
                String text = response.getBodyAsBinaryData().toString();
                if (response.getStatusCode() != 200) {
                    JsonNode err = Json.mapper().readTree(text).path("error");
                    throw new ManagementException("Resource Graph query failed: " + err.path("message").asText(text), response,
                            new ManagementError(err.path("code").asText("HTTP" + response.getStatusCode()), err.path("message").asText(text)));
                }
                page = Json.mapper().readTree(text);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (JsonNode row : page.path("data")) {
                out.add(item(row));
            }
            skipToken = page.path("$skipToken").isTextual() ? page.path("$skipToken").asText() : null;
        } while (skipToken != null);
        return out;
    }

    static InventoryItem item(JsonNode row) {
        Map<String, String> tags = new HashMap<>();
        row.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        JsonNode p = row.path("properties");
        String subnet = p.path("virtualNetworkSubnetId").asText(null);
        // The site property decides (outboundVnetRouting, or vnetRouteAllEnabled on older API versions); siteConfig's
        // copy is read only when neither is there.
        JsonNode routing = p.path("outboundVnetRouting");
        boolean routeAll = routing.isObject()
                ? routing.path("applicationTraffic").asBoolean(false) || routing.path("allTraffic").asBoolean(false)
                : p.has("vnetRouteAllEnabled") ? p.path("vnetRouteAllEnabled").asBoolean(false)
                : p.path("siteConfig").path("vnetRouteAllEnabled").asBoolean(false);
        List<String> dns = new ArrayList<>();
        p.path("dnsConfiguration").path("dnsServers").forEach(d -> {
            if (!d.asText().isBlank()) {
                dns.add(d.asText());
            }
        });
        String nodeSubnet = null;
        for (JsonNode pool : p.path("agentPoolProfiles")) {
            if (pool.hasNonNull("vnetSubnetID")) {
                nodeSubnet = pool.get("vnetSubnetID").asText();
                break;
            }
        }
        return new InventoryItem(row.path("id").asText(), canonicalType(row.path("type").asText()), tags,
                subnet == null || subnet.isBlank() ? null : subnet, routeAll, dns, nodeSubnet, access(p.path("apiServerAccessProfile")));
    }

    /** A cluster row's apiServerAccessProfile (Resource Graph returns ARM's properties as they are). */
    static dev.tether.plan.ApiServerAccess access(JsonNode a) {
        if (!a.isObject()) {
            return dev.tether.plan.ApiServerAccess.open();
        }
        List<String> ranges = new ArrayList<>();
        a.path("authorizedIPRanges").forEach(r -> ranges.add(r.asText()));
        return new dev.tether.plan.ApiServerAccess(a.path("enablePrivateCluster").asBoolean(false), a.path("enablePrivateClusterPublicFQDN").asBoolean(false),
                a.path("enableVnetIntegration").asBoolean(false), a.path("subnetId").asText(null), ranges, a.path("privateDNSZone").asText(null), null);
    }

    private static String canonicalType(String type) {
        for (String t : List.of(Conventions.TYPE_SITE, Conventions.TYPE_SLOT, Conventions.TYPE_CLUSTER)) {
            if (t.equalsIgnoreCase(type)) {
                return t;
            }
        }
        return type;
    }
}
