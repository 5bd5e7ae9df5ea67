package dev.tether.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.InvalidInputException;
import dev.tether.sandbox.ReferenceEvents;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Azure Resource Notifications' resources topic (learn.microsoft.com/azure/event-grid/event-schema-resources): Microsoft's
 * examples as they are, and the same envelope naming Tether's resources, parsed and routed without any read.
 */
class ResourceNotificationParsingTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String SITE = EventParsingTest.SITE;
    static final String CLUSTER = EventParsingTest.CLUSTER;
    static final Instant AT = Instant.parse("2026-01-01T00:00:05Z");

    static ObjectNode body(String id, String type, Map<String, String> tags) {
        ObjectNode r = M.createObjectNode();
        r.put("id", id).put("name", id.substring(id.lastIndexOf('/') + 1)).put("type", type).put("location", "eastus");
        ObjectNode t = r.putObject("tags");
        tags.forEach(t::put);
        r.putObject("properties").put("provisioningState", "Succeeded");
        return r;
    }

    @Test
    void microsoftsExamplesAreAStorageAccountWrittenAndDeletedAndBothLeadNowhere() {
        ObjectNode created = ReferenceEvents.resourceExample("docs.resources.created-or-updated.eventgrid.json");
        ResourceEvent e = EventParser.parse(created.toString());
        assertEquals(EventRouter.RESOURCE_CREATED_OR_UPDATED, e.eventType());
        assertEquals("/subscriptions/{subcription-id}/resourceGroups/{rg-name}/providers/Microsoft.Storage/storageAccounts/{storageAccount-name}",
                e.resourceUri(), "resourceInfo.id, as the example spells it");
        assertEquals(Map.of(), e.tags(), "the example's tags: an empty object");
        assertEquals(Instant.parse("2023-07-28T20:13:10.8418063Z"), e.time());
        // Its ids are placeholders, which no resource id can be: refused, as any event naming no resource is.
        assertEquals("resource id '/subscriptions/{subcription-id}/resourceGroups/{rg-name}/providers/Microsoft.Storage/storageAccounts/{storageAccount-...'"
                + " has an invalid segment '{subcription-id}'", assertThrows(InvalidInputException.class, () -> EventRouter.route(e)).getMessage());
        // The same storage account, named: a type Tether does not link.
        ObjectNode account = (ObjectNode) created.get("data").get("resourceInfo").deepCopy();
        account.put("id", "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/account1");
        ResourceEvent named = EventParser.parse(ReferenceEvents.createdOrUpdated(account, "s1", AT).toString());
        assertEquals(new Route(Route.Kind.IGNORE, null, "resource type Microsoft.Storage/storageAccounts is not one Tether links"), EventRouter.route(named));

        ResourceEvent deleted = EventParser.parse(ReferenceEvents.resourceExample("docs.resources.deleted.eventgrid.json").toString());
        assertNull(deleted.resourceUri(), "a delete's data is not read");
        assertEquals(new Route(Route.Kind.IGNORE, null, "event type " + EventRouter.RESOURCE_DELETED + " is not "
                + EventRouter.WRITE_SUCCESS + " or " + EventRouter.RESOURCE_CREATED_OR_UPDATED), EventRouter.route(deleted));
    }

    @Test
    void aSiteASlotAClusterAndAPublicIpCarryTheirTagsInBothSchemas() {
        Map<String, String> tags = Map.of("tether.dev/link", "shop", "env", "prod");
        String ip = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/MC_rg1_clustername1_location1/providers/Microsoft.Network/publicIPAddresses/kubernetes-a1";
        Object[][] cases = {
                {SITE, "Microsoft.Web/sites", Route.Kind.SITE, "resource written (tags from the event)"},
                {SITE + "/slots/staging", "Microsoft.Web/sites/slots", Route.Kind.SITE, "resource written (tags from the event)"},
                {CLUSTER, "Microsoft.ContainerService/managedClusters", Route.Kind.CLUSTER, "resource written (tags from the event)"},
                {ip, "Microsoft.Network/publicIPAddresses", Route.Kind.NODE_NETWORK, "Microsoft.Network/publicIPAddresses written"},
        };
        for (Object[] c : cases) {
            ObjectNode eg = ReferenceEvents.createdOrUpdated(body((String) c[0], (String) c[1], tags), "n1", AT);
            for (String json : new String[]{eg.toString(), "[" + eg + "]", ReferenceEvents.asCloudEvent(eg).toString()}) {
                ResourceEvent e = EventParser.parse(json);
                assertEquals(tags, e.tags(), json);
                assertTrue(e.carriesTags());
                assertEquals(AT, e.time());
                assertEquals("34adfa4f-cedf-4dc0-ba29-b6d1a69ab345", e.subscriptionId());
                assertEquals(new Route((Route.Kind) c[2], dev.tether.plan.ResourceId.parse((String) c[0]), (String) c[3]), EventRouter.route(e));
            }
        }
    }

    /** AKS's internal load balancer is ignored before any read, whichever topic says it was written. */
    @Test
    void theInternalLoadBalancerIsIgnoredHereToo() {
        String lb = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/MC_rg1_clustername1_location1/providers/Microsoft.Network/loadBalancers/kubernetes-internal";
        Route r = EventRouter.route(EventParser.parse(ReferenceEvents.createdOrUpdated(body(lb, "Microsoft.Network/loadBalancers", Map.of()), "n2", AT).toString()));
        assertEquals(new Route(Route.Kind.IGNORE, null,
                "load balancer kubernetes-internal is AKS's internal load balancer: its frontends are private, not an exposure"), r);
    }

    /**
     * The schema table calls tags a string; Microsoft's example carries an object. Anything but an object of strings
     * (or no tags at all) is taken as "not carried": the event still routes, and the intake reads the tags from ARM.
     */
    @Test
    void tagsInAnyOtherShapeAreNotTrustedAndTheResourceIsRead() {
        ObjectNode eg = ReferenceEvents.createdOrUpdated(body(SITE, "Microsoft.Web/sites", Map.of()), "n3", AT);
        ObjectNode info = (ObjectNode) eg.get("data").get("resourceInfo");
        for (Runnable shape : new Runnable[]{
                () -> info.put("tags", "{\"tether.dev/link\":\"shop\"}"),
                () -> info.putObject("tags").put("tether.dev/link", 1),
                () -> info.putArray("tags").add("tether.dev/link"),
                () -> info.putNull("tags"),
                () -> info.remove("tags")}) {
            shape.run();
            ResourceEvent e = EventParser.parse(eg.toString());
            assertNull(e.tags(), eg.toString());
            assertEquals(new Route(Route.Kind.SITE, dev.tether.plan.ResourceId.parse(SITE), "resource written"), EventRouter.route(e));
        }
    }

    @Test
    void aResourceInfoThatIsMissingOrMisshapenIsMalformed() {
        ObjectNode eg = ReferenceEvents.createdOrUpdated(body(SITE, "Microsoft.Web/sites", Map.of()), "n4", AT);
        ObjectNode data = (ObjectNode) eg.get("data");
        Object[][] cases = {
                {(Runnable) () -> data.remove("resourceInfo"), "event n4 (" + EventRouter.RESOURCE_CREATED_OR_UPDATED + ") has no data.resourceInfo object"},
                {(Runnable) () -> data.put("resourceInfo", "x"), "event n4 (" + EventRouter.RESOURCE_CREATED_OR_UPDATED + ") has no data.resourceInfo object (it is string)"},
                {(Runnable) () -> data.putObject("resourceInfo").put("type", "Microsoft.Web/sites"),
                        "event n4 (" + EventRouter.RESOURCE_CREATED_OR_UPDATED + ") has no data.resourceInfo.id"},
                {(Runnable) () -> data.putObject("resourceInfo").put("id", 7), "event n4: data.resourceInfo.id must be a string, not a number"},
                {(Runnable) () -> data.putObject("resourceInfo").put("id", SITE).putArray("type"), "event n4: data.resourceInfo.type must be a string, not an array"},
        };
        for (Object[] c : cases) {
            ((Runnable) c[0]).run();
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> EventParser.parse(eg.toString()));
            assertEquals(c[1], e.getMessage());
        }
        eg.put("data", "not an object");
        assertEquals("event n4 (" + EventRouter.RESOURCE_CREATED_OR_UPDATED + ") has data that is string, not an object",
                assertThrows(InvalidInputException.class, () -> EventParser.parse(eg.toString())).getMessage());
    }

    @Test
    void aResourceIdThatIsNotOneIsMalformedAtTheRouter() {
        ObjectNode eg = ReferenceEvents.createdOrUpdated(body(SITE, "Microsoft.Web/sites", Map.of()), "n5", AT);
        ((ObjectNode) eg.get("data").get("resourceInfo")).put("id", "not-a-resource-id");
        ResourceEvent e = EventParser.parse(eg.toString());
        assertThrows(InvalidInputException.class, () -> EventRouter.route(e));
    }
}
