package dev.tether.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.InvalidInputException;
import dev.tether.sandbox.ReferenceEvents;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EventParsingTest {
    static final String SITE = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";
    static final String CLUSTER = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";

    @Test
    void eventGridAndCloudEventsGiveTheSameRoute() {
        ObjectNode eg = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e1");
        for (String body : new String[]{eg.toString(), "[" + eg + "]", ReferenceEvents.asCloudEvent(eg).toString()}) {
            Route r = EventRouter.route(EventParser.parse(body));
            assertEquals(Route.Kind.SITE, r.kind(), body);
            assertEquals(SITE, r.target().toString());
        }
    }

    /**
     * AKS's load balancers in a node resource group: the public one ("kubernetes") goes to the node-network path (a pass
     * over the cluster's Services); the internal one ("kubernetes-internal", written for every internal frontend,
     * including each Service Tether makes internal) is ignored by the router itself, before any read.
     */
    @Test
    void theInternalLoadBalancerIsIgnoredAndThePublicOneRoutesToTheNodeNetwork() {
        String lbs = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/MC_rg1_clustername1_location1/providers/Microsoft.Network/loadBalancers/";
        Route internal = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(lbs + "kubernetes-internal",
                "Microsoft.Network/loadBalancers/write", "lb1").toString()));
        assertEquals(new Route(Route.Kind.IGNORE, null,
                "load balancer kubernetes-internal is AKS's internal load balancer: its frontends are private, not an exposure"), internal);
        Route pub = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(lbs + "kubernetes",
                "Microsoft.Network/loadBalancers/write", "lb2").toString()));
        assertEquals(Route.Kind.NODE_NETWORK, pub.kind());
        assertEquals(lbs + "kubernetes", pub.target().toString());
        assertEquals("Microsoft.Network/loadBalancers written", pub.reason());
        Route deleted = EventRouter.route(EventParser.parse(ReferenceEvents.retarget(ReferenceEvents.example("sdk-java.resource-delete-success.eventgrid.json"),
                lbs + "kubernetes", "Microsoft.Network/loadBalancers/delete", "lb3").toString()));
        assertEquals(Route.Kind.IGNORE, deleted.kind(), "a deleted load balancer leads nowhere");
    }

    @Test
    void tagWritesTargetTheParentAndSlotsAndClustersRoute() {
        Route tags = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(
                CLUSTER + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags/write", "e2").toString()));
        assertEquals(Route.Kind.CLUSTER, tags.kind());
        assertEquals(CLUSTER, tags.target().toString());
        Route slot = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(SITE + "/slots/staging", "Microsoft.Web/sites/slots/write", "e3").toString()));
        assertEquals(Route.Kind.SITE, slot.kind());
        assertEquals(SITE + "/slots/staging", slot.target().toString());
    }

    @Test
    void deletesActionsFailuresAndOtherResourcesAreIgnored() {
        for (String file : new String[]{"sdk-java.resource-delete-success.eventgrid.json", "sdk-java.resource-action-success.eventgrid.json",
                "sdk-java.resource-write-failure.eventgrid.json", "sdk-java.resource-write-success.eventgrid.json",
                "docs.subscription-validation-event.eventgrid.json"}) {
            ObjectNode e = ReferenceEvents.example(file);
            if (e.path("data").has("resourceUri")) {
                e = ReferenceEvents.retarget(e, SITE, "Microsoft.Web/sites/write", "x");
                if (file.contains("write-success")) {
                    e = ReferenceEvents.retarget(e, SITE + "/config/appsettings", "Microsoft.Web/sites/config/write", "x");
                }
            }
            assertEquals(Route.Kind.IGNORE, EventRouter.route(EventParser.parse(e.toString())).kind(), file);
        }
    }

    @Test
    void malformedEventsGetClearErrors() {
        assertThrows(InvalidInputException.class, () -> EventParser.parse("{not json"));
        assertThrows(InvalidInputException.class, () -> EventParser.parse("[]"));
        assertThrows(InvalidInputException.class, () -> EventParser.parse("{\"hello\":1}"));
        assertThrows(InvalidInputException.class, () -> EventParser.parse("[".repeat(10_000) + "]".repeat(10_000)));
        assertThrows(InvalidInputException.class, () -> EventParser.parse("{\"eventType\":\"x\",\"pad\":\"" + "a".repeat(1_100_000) + "\"}"));
        ObjectNode noUri = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e");
        ((ObjectNode) noUri.get("data")).remove("resourceUri");
        assertThrows(InvalidInputException.class, () -> EventRouter.route(EventParser.parse(noUri.toString())));
        ObjectNode trick = ReferenceEvents.writeSuccess(SITE + "/../../sites/other", "Microsoft.Web/sites/write", "e");
        assertThrows(InvalidInputException.class, () -> EventRouter.route(EventParser.parse(trick.toString())));
    }

    /**
     * Every top-level and data field of both schemas, given a value of the wrong kind: the parser either reads the event
     * or says it is malformed (InvalidInputException, logged and dropped); nothing else escapes to the function.
     */
    @Test
    void anEventTimeThatIsNotATimestampIsMalformedAndSaysWhichField() {
        ObjectNode eg = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e1");
        ObjectNode ce = ReferenceEvents.asCloudEvent(eg);
        eg.put("eventTime", "yesterday");
        ce.put("time", "2026-13-45T99:00:00Z");
        assertEquals("the event's eventTime 'yesterday' is not an RFC 3339 timestamp (like 2026-01-01T00:00:00Z)",
                assertThrows(InvalidInputException.class, () -> EventParser.parse(eg.toString())).getMessage());
        assertEquals("the event's time '2026-13-45T99:00:00Z' is not an RFC 3339 timestamp (like 2026-01-01T00:00:00Z)",
                assertThrows(InvalidInputException.class, () -> EventParser.parse(ce.toString())).getMessage());
        ce.remove("time");
        assertNull(EventParser.parse(ce.toString()).time(), "time is optional in CloudEvents: handled as an event without a time");
    }

    /** Given either of these, EventGridEvent.fromString never returns (azure-messaging-eventgrid 4.31.4). */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anEnvelopeFieldOfTheWrongKindIsMalformedInsteadOfHangingTheSdk() {
        for (String field : new String[]{"dataVersion", "metadataVersion"}) {
            ObjectNode hangs = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e0");
            hangs.putArray(field);
            assertEquals("the event's " + field + " must be a string, not an array",
                    assertThrows(InvalidInputException.class, () -> EventParser.parse(hangs.toString())).getMessage());
        }
        ObjectNode noData = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e9");
        noData.putNull("data");
        assertEquals("the event's data is missing", assertThrows(InvalidInputException.class, () -> EventParser.parse(noData.toString())).getMessage());
        ObjectNode eg = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e1");
        eg.putObject("id");
        assertEquals("the event's id must be a string, not an object",
                assertThrows(InvalidInputException.class, () -> EventParser.parse(eg.toString())).getMessage());
        ObjectNode claims = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e2");
        ((ObjectNode) claims.get("data")).put("claims", "not an object");
        assertEquals(SITE, EventParser.parse(claims.toString()).resourceUri(), "fields Tether does not read are not parsed");
        ObjectNode uri = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e3");
        ((ObjectNode) uri.get("data")).putArray("resourceUri");
        assertEquals("event e3: data.resourceUri must be a string, not an array",
                assertThrows(InvalidInputException.class, () -> EventParser.parse(uri.toString())).getMessage());
    }

    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} = {1}")
    @org.junit.jupiter.params.provider.MethodSource("wrongFieldValues")
    void aFieldWithAValueOfTheWrongKindIsMalformedOrRead(String field, String jsonValue) throws Exception {
        ObjectNode eg = ReferenceEvents.writeSuccess(SITE, "Microsoft.Web/sites/write", "e1");
        ObjectNode ce = ReferenceEvents.asCloudEvent(eg);
        var value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jsonValue);
        for (ObjectNode event : new ObjectNode[]{eg, ce}) {
            ObjectNode target = field.startsWith("data.") ? (ObjectNode) event.get("data") : event;
            target.set(field.startsWith("data.") ? field.substring(5) : field, value);
            try {
                EventRouter.route(EventParser.parse(event.toString()));
            } catch (InvalidInputException expected) {
                assertTrue(expected.getMessage().matches("[^\\n]*\\S[^\\n]*"), "says what is wrong, in one line: " + expected.getMessage());
            }
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> wrongFieldValues() {
        String[] fields = {"id", "eventType", "subject", "eventTime", "dataVersion", "metadataVersion", "topic", "specversion", "type", "source",
                "time", "datacontenttype", "dataschema", "data_base64", "data", "data.resourceUri", "data.operationName", "data.status",
                "data.subscriptionId", "data.tenantId", "data.resourceGroup", "data.resourceProvider", "data.correlationId", "data.claims",
                "data.authorization", "data.httpRequest", "anExtensionAttribute", "data.anUnknownField"};
        String[] values = {"\"not a time\"", "\"2026-13-45T99:00:00Z\"", "42", "true", "{}", "[]", "null", "\"\"", "\"!!not base64!!\""};
        java.util.List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
        for (String f : fields) {
            for (String v : values) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(f, v));
            }
        }
        return out.stream();
    }
}
