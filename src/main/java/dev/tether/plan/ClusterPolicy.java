package dev.tether.plan;

import java.util.Locale;
import java.util.Map;

/**
 * Which Services of a linked cluster Tether makes internal, from the cluster tag {@code private-link-policy}:
 * {@code annotated} (default, only Services annotated tether.dev/private: "true"), {@code all-loadbalancers} (every
 * LoadBalancer Service except those annotated "false"), or {@code audit} (report what would change, never change).
 */
public enum ClusterPolicy {
    ANNOTATED, ALL_LOADBALANCERS, AUDIT;

    public static ClusterPolicy of(Map<String, String> clusterTags) {
        String v = Tags.get(clusterTags, Conventions.TAG_POLICY).orElse("annotated");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "annotated" -> ANNOTATED;
            case "all-loadbalancers" -> ALL_LOADBALANCERS;
            case "audit" -> AUDIT;
            default -> throw new InvalidInputException("tag " + Conventions.TAG_POLICY + "='" + ResourceId.abbreviate(v)
                    + "' is not a policy: use annotated, all-loadbalancers or audit");
        };
    }
}
