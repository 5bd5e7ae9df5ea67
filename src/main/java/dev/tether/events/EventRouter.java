package dev.tether.events;

import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;

import java.util.List;
import java.util.Locale;

/**
 * Decides what an ARM notification means for Tether. Pure. Only successful writes of sites, slots and managed
 * clusters, and tag writes on them, lead anywhere; deletes, actions and failures never cause a write.
 */
public final class EventRouter {
    public static final String WRITE_SUCCESS = "Microsoft.Resources.ResourceWriteSuccess";
    /**
     * Azure Resource Notifications' resources system topic (Microsoft.ResourceNotifications.Resources, preview): raised
     * when a resource is created or updated, with the resource's payload, tags included
     * (learn.microsoft.com/azure/event-grid/event-schema-resources).
     */
    public static final String RESOURCE_CREATED_OR_UPDATED = "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated";
    /** Its delete event: like ResourceDeleteSuccess, it never leads to a write. */
    public static final String RESOURCE_DELETED = "Microsoft.ResourceNotifications.Resources.Deleted";
    private static final String TAGS_SUFFIX = "/providers/microsoft.resources/tags/default";
    /** cloud-provider-azure's InternalLoadBalancerNameSuffix: AKS's internal load balancer is "kubernetes-internal". */
    static final String INTERNAL_LB_SUFFIX = "-internal";

    /** The ARM operations Tether handles. The Event Grid subscription's filter is built from this same list. */
    public static final List<String> HANDLED_OPERATIONS = List.of(
            "Microsoft.Web/sites/write",
            "Microsoft.Web/sites/slots/write",
            "Microsoft.ContainerService/managedClusters/write",
            "Microsoft.Resources/tags/write",
            "Microsoft.Network/publicIPAddresses/write",
            "Microsoft.Network/loadBalancers/write");

    /**
     * The resource types whose {@value #RESOURCE_CREATED_OR_UPDATED} events Tether handles: the types of
     * {@link #HANDLED_OPERATIONS} but the tags extension. Tag writes through Microsoft.Resources/tags stay on the
     * subscription topic (Microsoft documents no resources-topic event for them). The event subscription's
     * {@code data.resourceInfo.type} filter is built from this same list.
     */
    public static final List<String> NOTIFIED_TYPES = List.of(
            Conventions.TYPE_SITE,
            Conventions.TYPE_SLOT,
            Conventions.TYPE_CLUSTER,
            Conventions.TYPE_PUBLIC_IP,
            Conventions.TYPE_LOAD_BALANCER);

    /** The subscription topic's operations when the resources topic carries the rest: tag writes only. */
    public static final List<String> TAG_OPERATIONS = List.of("Microsoft.Resources/tags/write");

    private EventRouter() {
    }

    public static Route route(ResourceEvent event) {
        if (RESOURCE_CREATED_OR_UPDATED.equalsIgnoreCase(event.eventType())) {
            return routeNotified(event);
        }
        if (!WRITE_SUCCESS.equalsIgnoreCase(event.eventType())) {
            return Route.ignore("event type " + event.eventType() + " is not " + WRITE_SUCCESS + " or " + RESOURCE_CREATED_OR_UPDATED);
        }
        String op = event.operationName();
        if (op != null && HANDLED_OPERATIONS.stream().noneMatch(op::equalsIgnoreCase)) {
            return Route.ignore("operation " + op + " is not one Tether handles");
        }
        String uri = event.resourceUri();
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException("event " + event.id() + " has no data.resourceUri");
        }
        boolean tagWrite = uri.toLowerCase(Locale.ROOT).endsWith(TAGS_SUFFIX);
        if (tagWrite) {
            uri = uri.substring(0, uri.length() - TAGS_SUFFIX.length());
        } else if ("Microsoft.Resources/tags/write".equalsIgnoreCase(op)) {
            throw new InvalidInputException("event " + event.id() + " is a tags write but its resourceUri does not end in "
                    + "/providers/Microsoft.Resources/tags/default");
        }
        if (uri.toLowerCase(Locale.ROOT).matches("/subscriptions/[^/]+(/resourcegroups/[^/]+)?")) {
            return Route.ignore("tags of a subscription or resource group are not Tether's concern");
        }
        return byType(ResourceId.parse(uri), tagWrite, tagWrite ? "tags written" : "resource written");
    }

    /** A resources-topic CreatedOrUpdated: the resource it names, routed as a write of it, its tags in the event or not. */
    private static Route routeNotified(ResourceEvent event) {
        String uri = event.resourceUri();
        if (uri.toLowerCase(Locale.ROOT).matches("/subscriptions/[^/]+(/resourcegroups/[^/]+)?/?")) {
            return Route.ignore("a subscription or resource group is not Tether's concern");
        }
        return byType(ResourceId.parse(uri), false, event.carriesTags() ? "resource written (tags from the event)" : "resource written");
    }

    private static Route byType(ResourceId target, boolean tagWrite, String reason) {
        if (target.isType(Conventions.TYPE_SITE) || target.isType(Conventions.TYPE_SLOT)) {
            return new Route(Route.Kind.SITE, target, reason);
        }
        if (target.isType(Conventions.TYPE_CLUSTER)) {
            return new Route(Route.Kind.CLUSTER, target, reason);
        }
        if (!tagWrite && target.isType(Conventions.TYPE_LOAD_BALANCER) && target.name().toLowerCase(Locale.ROOT).endsWith(INTERNAL_LB_SUFFIX)) {
            // AKS writes its internal load balancer ("kubernetes-internal") whenever a Service gets, changes or loses an
            // internal frontend: including each Service Tether makes internal. Its frontends are private addresses, so
            // it never means public exposure: ignored without a read.
            return Route.ignore("load balancer " + target.name() + " is AKS's internal load balancer: its frontends are private, not an exposure");
        }
        if (!tagWrite && (target.isType(Conventions.TYPE_PUBLIC_IP) || target.isType(Conventions.TYPE_LOAD_BALANCER))) {
            return new Route(Route.Kind.NODE_NETWORK, target, target.type() + " written");
        }
        return Route.ignore("resource type " + target.type() + " is not one Tether links");
    }
}
