package dev.tether.orchestration;

/** Input of one DNS readiness check: the cluster and the zone its k8s_external serves. */
public record DnsCheck(String clusterId, String domain) {
}
