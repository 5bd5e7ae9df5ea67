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

    @Test
    void tagWritesTargetTheParentAndSlotsAndClustersRoute() {
        Route tags = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(
                CLUSTER + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags/write", "e2").toString()));
        assertEquals(Route.Kind.CLUSTER, tags.kind());
        assertEquals(CLUSTER, tags.target().toString());
        Route slot = EventRouter.route(EventParser.parse(ReferenceEvents.writeSuccess(SITE + "/slots/staging", "Microsoft.Web/sites/slots/write", "e3").toString()));
        assertEquals(Route.Kind.SITE, slot.kind());
        assertTrue(slot.target().toString().endsWith("/slots/staging"));
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
}
