package dev.tether.orchestration;

/** Reconcile the Services of a cluster: all of them, or the one named {@code service} ({@code namespace/name}). */
public record ServicesRequest(String clusterId, String service, String reason, LinkOptions options) {
}
