package dev.tether.sandbox.arm;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Resource Graph answers exactly the queries Tether sends, and refuses the rest with its own 400. */
class ResourceGraphTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String TETHER_QUERY = "Resources | where type in~ ('microsoft.web/sites','microsoft.web/sites/slots','microsoft.containerservice/managedclusters')"
            + " | where isnotempty(tags['private-link']) | project id, type, tags, properties";

    /** What Tether sends for its inventory: the tag key matched in any case (ResourceGraphQuery.QUERY). */
    static final String ANY_CASE_QUERY = "Resources | where type in~ ('microsoft.web/sites','microsoft.web/sites/slots','microsoft.containerservice/managedclusters')"
            + " | extend tag = tags | mv-expand bagexpansion=array tag | where tag[0] =~ 'private-link' and isnotempty(tag[1])"
            + " | project id, type, tags, properties";

    private static ArmEmulator world() {
        ArmEmulator arm = new ArmEmulator(new CallLog());
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        return arm;
    }

    private static HttpResponse query(ArmEmulator arm, String query) {
        ObjectNode body = M.createObjectNode();
        body.putArray("subscriptions").add(DemoWorld.SUB);
        body.put("query", query);
        body.putObject("options").put("$top", 1000).put("resultFormat", "objectArray");
        return arm.send(new HttpRequest(HttpMethod.POST, "https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01")
                .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body.toString())).block();
    }

    private static List<String> ids(HttpResponse r) throws Exception {
        List<String> out = new ArrayList<>();
        M.readTree(r.getBodyAsString().block()).path("data").forEach(row -> out.add(row.path("id").asText()));
        return out;
    }

    @Test
    void tethersQueriesAreAnsweredFromTheWorld() throws Exception {
        ArmEmulator arm = world();
        HttpResponse tagged = query(arm, TETHER_QUERY);
        assertEquals(200, tagged.getStatusCode());
        assertEquals(List.of(DemoWorld.SITE_ID, DemoWorld.CLUSTER_ID), ids(tagged));
        JsonNode row = M.readTree(tagged.getBodyAsString().block()).path("data").get(0);
        assertEquals(List.of("id", "type", "tags", "properties"), fieldNames(row));
        assertEquals("microsoft.web/sites", row.path("type").asText(), "Resource Graph lower-cases types");
        HttpResponse released = query(arm, "Resources | where type in~ ('microsoft.web/sites','microsoft.web/sites/slots')"
                + " | where isempty(tags['private-link']) | where properties.virtualNetworkSubnetId contains '/subnets/tether-' | project id, type, tags, properties");
        assertEquals(200, released.getStatusCode());
        assertEquals(List.of(), ids(released));
    }

    @Test
    void anyOtherQueryIsResourceGraphsOwn400() throws Exception {
        ArmEmulator arm = world();
        for (String q : List.of("Resources | where location == 'nowhere'", "Resources | summarize count() by location",
                "ResourceContainers | project id", TETHER_QUERY + " | limit 5", TETHER_QUERY.replace("project id,", "project id, secret,"),
                "Resources | where type in~ ('microsoft.web/sites') | where type in~ ('microsoft.web/sites')")) {
            HttpResponse r = query(arm, q);
            assertEquals(400, r.getStatusCode(), q);
            JsonNode error = M.readTree(r.getBodyAsString().block()).path("error");
            assertEquals("BadRequest", error.path("code").asText(), q);
            assertEquals(List.of("InvalidQuery", "ParserFailure"), List.of(error.at("/details/0/code").asText(), error.at("/details/1/code").asText()), q);
        }
    }

    @Test
    void tagKeysAreMatchedAsAKqlPropertyBagMatchesThem() throws Exception {
        ArmEmulator arm = world();
        ObjectNode site = arm.resource(DemoWorld.SITE_ID).orElseThrow();
        ObjectNode tags = (ObjectNode) site.get("tags");
        tags.put("Private-Link", tags.remove("private-link").asText());
        arm.putResource(site);
        assertEquals(List.of(DemoWorld.CLUSTER_ID), ids(query(arm, TETHER_QUERY)), "tags['private-link'] does not find Private-Link");
        tags.remove("Private-Link");
        tags.put("private-link", "");
        arm.putResource(site);
        assertEquals(List.of(DemoWorld.CLUSTER_ID), ids(query(arm, TETHER_QUERY)), "an empty value is empty");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void expandedTagPairsMatchTheKeyInAnyCaseAndRowsKeepEveryTag() throws Exception {
        ArmEmulator arm = world();
        ObjectNode site = arm.resource(DemoWorld.SITE_ID).orElseThrow();
        ObjectNode tags = (ObjectNode) site.get("tags");
        tags.put("Private-Link", tags.remove("private-link").asText());
        arm.putResource(site);
        List<String> both = new ArrayList<>(List.of(DemoWorld.CLUSTER_ID, DemoWorld.SITE_ID));
        assertEquals(both.stream().sorted().toList(), ids(query(arm, ANY_CASE_QUERY)).stream().sorted().toList(), "=~ finds Private-Link");
        JsonNode siteRow = null;
        for (JsonNode row : M.readTree(query(arm, ANY_CASE_QUERY).getBodyAsString().block()).path("data")) {
            if (row.path("id").asText().equals(DemoWorld.SITE_ID)) {
                siteRow = row;
            }
        }
        assertEquals(tags, siteRow.path("tags"), "the row keeps the resource's tags, not the expanded pair");
        assertEquals(List.of("id", "type", "tags", "properties"), fieldNames(siteRow));
        tags.put("Private-Link", "");
        arm.putResource(site);
        assertEquals(List.of(DemoWorld.CLUSTER_ID), ids(query(arm, ANY_CASE_QUERY)), "an empty value is empty");
        for (String half : List.of(ANY_CASE_QUERY.replace(" | where tag[0] =~ 'private-link' and isnotempty(tag[1])", ""),
                ANY_CASE_QUERY.replace(" | mv-expand bagexpansion=array tag", ""), ANY_CASE_QUERY.replace("project id,", "project id, tag,"))) {
            assertEquals(400, query(arm, half).getStatusCode(), half);
        }
    }
}
