package dev.tether.events;

import dev.tether.plan.ResourceId;

/** Where an event leads: a site/slot or cluster link, or nowhere (with the reason, logged at debug). */
public record Route(Kind kind, ResourceId target, String reason) {
    /** NODE_NETWORK: a public IP or load balancer written in some resource group, maybe an AKS node resource group. */
    public enum Kind { SITE, CLUSTER, NODE_NETWORK, IGNORE }

    static Route ignore(String reason) {
        return new Route(Kind.IGNORE, null, reason);
    }
}
