package dev.tether.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.events.EventRouter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.infra.InfraContractTest.read;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The event source option (main.bicep {@code eventSource}), at the text level (there is no Bicep compiler here). The
 * subscription topic stays the default with its whole filter; {@code resourceNotifications} adds, per scoped
 * subscription, Azure Resource Notifications' resources topic (Microsoft.ResourceNotifications.Resources, source the
 * subscription: learn.microsoft.com/azure/event-grid/subscribe-to-resource-notifications-resources-events) with an
 * event subscription on {@code CreatedOrUpdated} filtered on {@code data.resourceInfo.type}, and narrows the
 * subscription topic's filter to the tag writes. Every filter value comes from the contract, which comes from
 * {@link EventRouter}; each mode is resolved here from the Bicep expressions, not just searched for.
 */
class EventSourceInfraTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String SUBSCRIPTION = "subscription";
    private static final String RESOURCE_NOTIFICATIONS = "resourceNotifications";

    /** The text of {@code module <symbol> ...} up to its closing brace at the start of a line. */
    static String module(String bicep, String symbol) {
        int start = bicep.indexOf("\nmodule " + symbol + " ");
        assertTrue(start >= 0, "module " + symbol);
        int end = bicep.indexOf("\n}", start + 1);
        return bicep.substring(start + 1, end + 2);
    }

    /** The first line of a module: {@code module <symbol> '<file>' = <condition>}. */
    static String header(String module) {
        return module.substring(0, module.indexOf('\n'));
    }

    /** The {@code params: { ... }} of a module: name to Bicep expression, comments left out, in order. */
    static Map<String, String> params(String module) {
        Matcher block = Pattern.compile("\\n( *)params: \\{\\n(.*?)\\n\\1}", Pattern.DOTALL).matcher(module);
        assertTrue(block.find(), module);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block.group(2).split("\n")) {
            String t = line.trim();
            if (t.startsWith("//")) {
                continue;
            }
            int colon = t.indexOf(": ");
            assertTrue(colon > 0, "one param a line: " + t);
            assertNull(out.put(t.substring(0, colon), t.substring(colon + 2)), "param given twice: " + t);
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /**
     * Resolves a module condition or parameter of main.bicep for one value of {@code eventSource}, with the event
     * subscriptions deployed: the literal forms main.bicep uses, and nothing else (anything else fails the test).
     */
    static Object resolve(String expr, String eventSource, JsonNode contract) {
        Matcher ternary = Pattern.compile("eventSource == '(\\w+)' \\? contract\\.(\\w+) : contract\\.(\\w+)").matcher(expr);
        if (ternary.matches()) {
            return strings(contract.get(eventSource.equals(ternary.group(1)) ? ternary.group(2) : ternary.group(3)));
        }
        Matcher field = Pattern.compile("contract\\.(\\w+)").matcher(expr);
        if (field.matches()) {
            JsonNode v = contract.get(field.group(1));
            assertNotNull(v, "the contract has " + field.group(1));
            return v.isArray() ? strings(v) : v.asText();
        }
        Matcher literal = Pattern.compile("'([^']*)'").matcher(expr);
        if (literal.matches()) {
            return literal.group(1);
        }
        Matcher condition = Pattern.compile("if \\(deployEventSubscriptions(?: && eventSource == '(\\w+)')?\\) \\{").matcher(expr);
        if (condition.matches()) {
            return condition.group(1) == null || condition.group(1).equals(eventSource);
        }
        throw new AssertionError("an expression this test does not resolve: " + expr);
    }

    /** The filter the event subscription module builds, with the parameters main.bicep gives it. */
    record Delivery(String eventType, String key, List<String> values) {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Delivery> deliveries(String eventSource) throws IOException {
        String main = read("infra/main.bicep");
        JsonNode contract = InfraContractTest.contract();
        Map<String, Delivery> out = new LinkedHashMap<>();
        for (String symbol : List.of("events", "resourceEvents")) {
            String m = module(main, symbol);
            String condition = header(m).substring(header(m).indexOf(": if (") + 2);
            if (!(Boolean) resolve(condition, eventSource, contract)) {
                continue;
            }
            Map<String, String> p = params(m);
            out.put(symbol, new Delivery((String) resolve(p.get("eventType"), eventSource, contract),
                    (String) resolve(p.get("filterKey"), eventSource, contract), (List<String>) resolve(p.get("filterValues"), eventSource, contract)));
        }
        return out;
    }

    @Test
    void theSubscriptionTopicStaysTheDefault() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(main.contains("@allowed(['subscription', 'resourceNotifications'])\nparam eventSource string = 'subscription'\n"));
        assertTrue(read("infra/main.parameters.json").contains("\"eventSource\": { \"value\": \"${EVENT_SOURCE=subscription}\" }"),
                "azd passes EVENT_SOURCE, the default when unset");
        // Every place the option acts, and nothing else.
        List<String> uses = main.lines().map(String::trim)
                .filter(l -> l.contains("eventSource") && !l.startsWith("@description") && !l.startsWith("//")).toList();
        assertEquals(List.of(
                "param eventSource string = 'subscription'",
                "resourceNotifications: eventSource == 'resourceNotifications'",
                "filterValues: eventSource == 'resourceNotifications' ? contract.tagOperations : contract.handledOperations",
                "module resourceEvents 'modules/eventSubscription.bicep' = [for (s, i) in scopeSubscriptionIds: if (deployEventSubscriptions && eventSource == 'resourceNotifications') {"),
                uses);
        assertEquals(Map.of("events", new Delivery(EventRouter.WRITE_SUCCESS, "data.operationName", EventRouter.HANDLED_OPERATIONS)),
                deliveries(SUBSCRIPTION), "the default: one event subscription per scoped subscription, the whole filter, as before");
        assertEquals("param resourceNotifications bool = false", read("infra/modules/scopedSubscription.bicep").lines()
                .filter(l -> l.startsWith("param resourceNotifications ")).findFirst().orElseThrow(), "no resources topic unless asked for");
    }

    @Test
    void theResourcesSourceNarrowsTheSubscriptionTopicToTagWritesAndAddsTheResourcesTopic() throws IOException {
        Map<String, Delivery> d = deliveries(RESOURCE_NOTIFICATIONS);
        assertEquals(Map.of(
                        "events", new Delivery(EventRouter.WRITE_SUCCESS, "data.operationName", List.of("Microsoft.Resources/tags/write")),
                        "resourceEvents", new Delivery("Microsoft.ResourceNotifications.Resources.CreatedOrUpdated", "data.resourceInfo.type",
                                List.of("Microsoft.Web/sites", "Microsoft.Web/sites/slots", "Microsoft.ContainerService/managedClusters",
                                        "Microsoft.Network/publicIPAddresses", "Microsoft.Network/loadBalancers"))),
                d);
        assertEquals(EventRouter.TAG_OPERATIONS, d.get("events").values());
        assertEquals(EventRouter.RESOURCE_CREATED_OR_UPDATED, d.get("resourceEvents").eventType());
        assertEquals(EventRouter.NOTIFIED_TYPES, d.get("resourceEvents").values());
        // Together the two topics deliver what the subscription topic alone did: each handled write is either a type on
        // the resources topic or a tag write left on the subscription topic, never both.
        for (String op : EventRouter.HANDLED_OPERATIONS) {
            String type = op.substring(0, op.length() - "/write".length());
            assertTrue(EventRouter.NOTIFIED_TYPES.contains(type) ^ EventRouter.TAG_OPERATIONS.contains(op), op);
        }
        assertEquals(EventRouter.NOTIFIED_TYPES.size() + EventRouter.TAG_OPERATIONS.size(), EventRouter.HANDLED_OPERATIONS.size());
    }

    @Test
    void theContractCarriesTheJavaConstants() throws IOException {
        JsonNode c = InfraContractTest.contract();
        assertEquals(EventRouter.RESOURCE_CREATED_OR_UPDATED, c.get("resourceNotificationsEventType").asText());
        assertEquals(EventRouter.NOTIFIED_TYPES, strings(c.get("notifiedTypes")));
        assertEquals(EventRouter.TAG_OPERATIONS, strings(c.get("tagOperations")));
        assertTrue(read("infra/main.bicep").contains("var contract = loadJsonContent('generated/tether-contract.json')"));
    }

    @Test
    void bothEventSubscriptionsDeliverTheSameWayToTheSameFunction() throws IOException {
        String main = read("infra/main.bicep");
        Map<String, String> events = params(module(main, "events"));
        Map<String, String> resourceEvents = params(module(main, "resourceEvents"));
        assertEquals(List.of("systemTopicName", "functionResourceId", "eventType", "filterKey", "filterValues", "deadLetterContainerId"),
                List.copyOf(resourceEvents.keySet()));
        assertEquals(List.copyOf(events.keySet()), List.copyOf(resourceEvents.keySet()));
        assertEquals("'${app.outputs.functionAppId}/functions/${contract.eventFunctionName}'", resourceEvents.get("functionResourceId"));
        assertEquals(events.get("functionResourceId"), resourceEvents.get("functionResourceId"));
        assertEquals("app.outputs.deadLetterContainerId", resourceEvents.get("deadLetterContainerId"));
        assertEquals(events.get("deadLetterContainerId"), resourceEvents.get("deadLetterContainerId"));
        assertEquals("scoped[i].outputs.topicName", events.get("systemTopicName"));
        assertEquals("scoped[i].outputs.resourcesTopicName", resourceEvents.get("systemTopicName"));
        assertTrue(module(main, "resourceEvents").contains("\n  dependsOn: [deadLetterAccess]\n"), "dead-lettering is allowed before the subscription exists");
        // One module for both: the delivery is written once.
        String sub = read("infra/modules/eventSubscription.bicep");
        assertEquals(2, main.split("'modules/eventSubscription.bicep'", -1).length - 1);
        assertTrue(sub.contains("@allowed(['data.operationName', 'data.resourceInfo.type'])\nparam filterKey string\n"));
        Matcher filter = Pattern.compile("\\n    filter: \\{\\n(.*?)\\n    }\\n", Pattern.DOTALL).matcher(sub);
        assertTrue(filter.find());
        assertEquals("""
                      includedEventTypes: [eventType]
                      enableAdvancedFilteringOnArrays: true
                      advancedFilters: [
                        {
                          operatorType: 'StringIn'
                          key: filterKey
                          values: filterValues
                        }
                      ]""", filter.group(1).stripIndent());
        for (String exact : List.of("eventDeliverySchema: 'EventGridSchema'", "endpointType: 'AzureFunction'", "maxEventsPerBatch: 1",
                "maxDeliveryAttempts: 30", "eventTimeToLiveInMinutes: 1440", "deadLetterWithResourceIdentity: {\n      identity: { type: 'SystemAssigned' }")) {
            assertEquals(1, sub.split(Pattern.quote(exact), -1).length - 1, exact);
        }
    }

    @Test
    void theResourcesTopicIsOnTheSubscriptionWithItsOwnIdentity() throws IOException {
        String scoped = read("infra/modules/scopedSubscription.bicep");
        assertEquals("module resourcesTopic 'systemTopic.bicep' = if (resourceNotifications && empty(existingResourceNotificationsTopicId)) {",
                header(module(scoped, "resourcesTopic")));
        assertEquals(Map.of("name", "'tether-resources-${subscription().subscriptionId}'", "subscriptionId", "subscription().subscriptionId",
                        "topicType", "'Microsoft.ResourceNotifications.Resources'", "tags", "tags"),
                params(module(scoped, "resourcesTopic")));
        assertEquals(Map.of("name", "'tether-${subscription().subscriptionId}'", "subscriptionId", "subscription().subscriptionId",
                        "topicType", "'Microsoft.Resources.Subscriptions'", "tags", "tags"),
                params(module(scoped, "topic")), "the subscription topic keeps its name and type");
        assertTrue(module(scoped, "resourcesTopic").contains("\n  scope: eventsRg\n"));
        String topic = read("infra/modules/systemTopic.bicep");
        assertTrue(topic.contains("""
                  location: 'global'
                  tags: tags
                  identity: { type: 'SystemAssigned' }
                  properties: {
                    source: '/subscriptions/${subscriptionId}'
                    topicType: topicType
                  }
                """), topic);
        assertTrue(topic.contains("@allowed(['Microsoft.Resources.Subscriptions', 'Microsoft.ResourceNotifications.Resources'])\nparam topicType string\n"));
        assertTrue(read("infra/main.bicep").contains("    resourceNotifications: eventSource == 'resourceNotifications'\n"));
    }

    @Test
    void deadLetterAccessCoversBothTopics() throws IOException {
        String main = read("infra/main.bicep");
        assertEquals(Map.of("storageAccountName", "app.outputs.storageAccountName",
                        "principalIds", "[for (s, i) in scopeSubscriptionIds: scoped[i].outputs.topicPrincipalId]",
                        "resourcesTopicPrincipalIds", "[for (s, i) in scopeSubscriptionIds: scoped[i].outputs.resourcesTopicPrincipalIds]"),
                params(module(main, "deadLetterAccess")));
        String scoped = read("infra/modules/scopedSubscription.bicep");
        assertTrue(scoped.contains("\noutput resourcesTopicPrincipalIds array = !resourceNotifications ? [] : [empty(existingResourceNotificationsTopicId)"
                + " ? resourcesTopic.outputs.principalId : existingResourcesTopic.identity.principalId]\n"), "one identity with the resources topic, none without");
        String access = read("infra/modules/deadLetterAccess.bicep");
        assertTrue(access.contains("\nvar writers = concat(principalIds, flatten(resourcesTopicPrincipalIds))\n"));
        assertTrue(access.contains("resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in writers: {"));
        assertTrue(access.contains("name: guid(storage.id, p, storageBlobDataContributor)") && access.contains("principalId: p\n"));
    }

    @Test
    void anExistingResourcesTopicIsUsedInsteadOfASecondOne() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(DeploymentOptionsTest.hasParam(main, "existingResourceNotificationsTopicIds"));
        assertTrue(main.contains("\nparam existingResourceNotificationsTopicIds object = {}\n"));
        assertEquals("contains(existingResourceNotificationsTopicIds, s) ? existingResourceNotificationsTopicIds[s] : ''",
                params(module(main, "scoped")).get("existingResourceNotificationsTopicId"));
        assertTrue(module(main, "resourceEvents").contains("\n  scope: resourceGroup(s, contains(existingResourceNotificationsTopicIds, s)"
                + " ? split(existingResourceNotificationsTopicIds[s], '/')[4] : eventsResourceGroupName)\n"), "next to the topic it attaches to");
        String scoped = read("infra/modules/scopedSubscription.bicep");
        assertTrue(scoped.contains("\nparam existingResourceNotificationsTopicId string = ''\n"));
        assertTrue(scoped.contains("""
                resource existingResourcesTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = if (resourceNotifications && !empty(existingResourceNotificationsTopicId)) {
                  scope: resourceGroup(empty(existingResourceNotificationsTopicId) ? resourceGroupName : split(existingResourceNotificationsTopicId, '/')[4])
                  name: empty(existingResourceNotificationsTopicId) ? 'none' : last(split(existingResourceNotificationsTopicId, '/'))
                }
                """));
        assertTrue(scoped.contains("\noutput resourcesTopicName string = !resourceNotifications ? '' : (empty(existingResourceNotificationsTopicId)"
                + " ? resourcesTopic.outputs.name : existingResourcesTopic.name)\n"));
    }

    @Test
    void theDeployDocNamesThePreviewThePermissionAndTheChoice() throws IOException {
        String doc = read("docs/DEPLOY.md");
        int start = doc.indexOf("## Event source: the resources topic (preview)");
        assertTrue(start >= 0, "the section");
        String section = doc.substring(start, doc.indexOf("\n## ", start + 5));
        for (String must : List.of("`Microsoft.ResourceNotifications/systemTopics/subscribeToResources/action`",
                "https://learn.microsoft.com/azure/event-grid/event-schema-resources", "azd env set EVENT_SOURCE resourceNotifications",
                "eventSource=resourceNotifications", "existingResourceNotificationsTopicIds", "preview", "DRIFT.md")) {
            assertTrue(section.contains(must), must);
        }
    }
}
