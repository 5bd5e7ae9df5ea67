package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;

import java.util.List;

import static dev.tether.e2e.BadInputCatalog.*;

/** Cases of {@link BadInputCatalog}, in its order: malformed and out-of-scope Event Grid events, and tag values Tether refuses. */
final class BadInputEventCases {
    private BadInputEventCases() {
    }

    static void add(List<Case> c, String site, String foreign) {
        c.add(new Case("E01", "event", "text that is not JSON", "is not valid JSON", none(), s -> event(s, "this is not json")));
        c.add(new Case("E02", "event", "an empty body", "the event is empty", none(), s -> event(s, "")));
        c.add(new Case("E03", "event", "an array of two events in one invocation", "expected one event per invocation", none(),
                s -> event(s, "[" + write(site, "Microsoft.Web/sites/write") + "," + write(site, "Microsoft.Web/sites/write") + "]")));
        c.add(new Case("E04", "event", "a JSON number", "is not a JSON object", none(), s -> event(s, "42")));
        c.add(new Case("E05", "event", "an object with neither eventType nor specversion", "neither Event Grid schema", none(), s -> event(s, "{\"id\":\"x\"}")));
        c.add(new Case("E06", "event", "a 10 MB event", "at most 1 MB", none(),
                s -> event(s, "{\"eventType\":\"x\",\"pad\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}")));
        c.add(new Case("E07", "event", "JSON nested 10,000 levels deep", "nests deeper than", none(),
                s -> event(s, "[".repeat(10_000) + "]".repeat(10_000))));
        c.add(new Case("E08", "event", "a ResourceWriteSuccess without data.resourceUri", "has no data.resourceUri", none(), s -> {
            ObjectNode e = write(site, "Microsoft.Web/sites/write");
            ((ObjectNode) e.get("data")).remove("resourceUri");
            return event(s, e.toString());
        }));
        c.add(new Case("E09", "event", "a tags write whose resourceUri does not end in /providers/Microsoft.Resources/tags/default",
                "does not end in /providers/Microsoft.Resources/tags/default", none(), s -> event(s, write(site, "Microsoft.Resources/tags/write").toString())));
        c.add(new Case("E10", "event", "a resourceUri with ../ path segments", "has an invalid segment '..'", none(),
                s -> event(s, write(site + "/../../sites/other", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E11", "event", "a resourceUri with an encoded slash", "has an invalid segment", none(),
                s -> event(s, write(site + "%2Fother", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E12", "event", "a resourceUri whose subscription is not a GUID", "is not a GUID", none(),
                s -> event(s, write(site.replace(DemoWorld.SUB, "my-sub"), "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E13", "event", "a resource in a subscription outside TETHER_SUBSCRIPTIONS", "outside Tether's scope", none(),
                s -> event(s, write(foreign, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E14", "event", "a site that no longer exists", "no longer exists", none(),
                s -> event(s, write(site + "gone", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E15", "event", "a ResourceDeleteSuccess", "is not Microsoft.Resources.ResourceWriteSuccess", none(),
                s -> event(s, ReferenceEvents.retarget(ReferenceEvents.example("sdk-java.resource-delete-success.eventgrid.json"), site,
                        "Microsoft.Web/sites/delete", "d").toString())));
        c.add(new Case("E16", "event", "a ResourceWriteFailure", "is not Microsoft.Resources.ResourceWriteSuccess", none(),
                s -> event(s, ReferenceEvents.retarget(ReferenceEvents.example("sdk-java.resource-write-failure.eventgrid.json"), site,
                        "Microsoft.Web/sites/write", "f").toString())));
        c.add(new Case("E17", "event", "tag private-link with a value that is not a DNS label ('Shop Link!')", "is not a valid link name",
                siteTag("private-link", "Shop Link!"), s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E18", "event", "tag private-link in upper case ('Shop')", "lowercase", siteTag("private-link", "Shop"),
                s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E19", "event", "an Event Grid event whose eventTime is not a timestamp ('yesterday')", "eventTime 'yesterday' is not an RFC 3339 timestamp",
                none(), s -> event(s, write(site, "Microsoft.Web/sites/write").put("eventTime", "yesterday").toString())));
        c.add(new Case("E20", "event", "a CloudEvent whose time is not a timestamp ('2026-13-45T99:00:00Z')", "time '2026-13-45T99:00:00Z' is not an RFC 3339 timestamp",
                none(), s -> event(s, ReferenceEvents.asCloudEvent(write(site, "Microsoft.Web/sites/write")).put("time", "2026-13-45T99:00:00Z").toString())));
        c.add(new Case("E21", "event", "an envelope field of the wrong kind (metadataVersion an empty array, which hangs the Event Grid SDK's parser)",
                "the event's metadataVersion must be a string, not an array", none(), s -> {
                    ObjectNode e = write(site, "Microsoft.Web/sites/write");
                    e.putArray("metadataVersion");
                    return event(s, e.toString());
                }));
        c.add(new Case("E22", "event", "data.resourceUri of the wrong kind (an array)", "data.resourceUri must be a string, not an array",
                none(), s -> {
                    ObjectNode e = write(site, "Microsoft.Web/sites/write");
                    ((ObjectNode) e.get("data")).putArray("resourceUri");
                    return event(s, e.toString());
                }));
        // The resources topic (Azure Resource Notifications' CreatedOrUpdated, main.bicep eventSource=resourceNotifications).
        c.add(new Case("E25", "event", "a resources-topic CreatedOrUpdated without data.resourceInfo", "has no data.resourceInfo object", none(), s -> {
            ObjectNode e = notified(s, site);
            ((ObjectNode) e.get("data")).remove("resourceInfo");
            return event(s, e.toString());
        }));
        c.add(new Case("E26", "event", "a resources-topic data.resourceInfo.id of the wrong kind (a number)", "data.resourceInfo.id must be a string, not a number",
                none(), s -> {
                    ObjectNode e = notified(s, site);
                    ((ObjectNode) e.get("data").get("resourceInfo")).put("id", 42);
                    return event(s, e.toString());
                }));
        c.add(new Case("E27", "event", "a resources-topic data.resourceInfo.id with ../ path segments", "has an invalid segment '..'", none(), s -> {
            ObjectNode e = notified(s, site);
            ((ObjectNode) e.get("data").get("resourceInfo")).put("id", site + "/../../sites/other");
            return event(s, e.toString());
        }));
        c.add(new Case("E28", "event", "a resources-topic event whose tags carry private-link 'Shop Link!' (the app's own tag is valid)",
                "is not a valid link name", none(), s -> {
                    ObjectNode e = notified(s, site);
                    ((ObjectNode) e.get("data").get("resourceInfo").get("tags")).put("private-link", "Shop Link!");
                    return event(s, e.toString());
                }));
        c.add(new Case("E29", "event", "a resources-topic event for a site in a subscription outside TETHER_SUBSCRIPTIONS", "outside Tether's scope", none(), s -> {
            ObjectNode e = notified(s, site);
            ((ObjectNode) e.get("data").get("resourceInfo")).put("id", foreign);
            return event(s, e.toString());
        }));
    }

    /** The resources topic's CreatedOrUpdated for the site as the emulator holds it now. */
    private static ObjectNode notified(dev.tether.sandbox.Sandbox s, String site) {
        return ReferenceEvents.createdOrUpdated(s.arm().resource(site).orElseThrow(), "n-" + s.clock().now().toEpochMilli(), s.clock().now());
    }
}
