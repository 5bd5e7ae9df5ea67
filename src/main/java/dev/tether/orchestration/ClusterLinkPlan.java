package dev.tether.orchestration;

import dev.tether.plan.Finding;

import java.util.List;

/** The observed and checked state of a tagged cluster: its link, its zone, and any pre-flight findings. */
public record ClusterLinkPlan(String clusterId, String link, String domain, Status status, String message, List<Finding> findings) {
    public enum Status { READY, REJECTED, GONE, NOT_TAGGED }
}
