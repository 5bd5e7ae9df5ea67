package dev.tether.events;

import dev.tether.plan.ResourceId;

/** Where an event leads: a site/slot or cluster link, or nowhere (with the reason, logged at debug). */
public record Route(Kind kind, ResourceId target, String reason) {
    public enum Kind { SITE, CLUSTER, IGNORE }

    static Route ignore(String reason) {
        return new Route(Kind.IGNORE, null, reason);
    }
}
