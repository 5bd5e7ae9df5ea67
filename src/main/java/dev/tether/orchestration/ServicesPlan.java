package dev.tether.orchestration;

import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.ServiceDecision;

import java.util.List;

/** The observed Services of a cluster and what Tether would do with each managed one. */
public record ServicesPlan(String clusterId, Status status, String message, ClusterPolicy policy, List<ServiceDecision> decisions,
                           boolean guard) {
    public ServicesPlan(String clusterId, Status status, String message, ClusterPolicy policy, List<ServiceDecision> decisions) {
        this(clusterId, status, message, policy, decisions, false);
    }

    public enum Status { READY, NOT_LINKED, GONE, REJECTED }
}
