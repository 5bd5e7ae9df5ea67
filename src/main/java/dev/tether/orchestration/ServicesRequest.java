package dev.tether.orchestration;

/**
 * Reconcile the Services of a cluster: all of them, or the one named {@code service} ({@code namespace/name}).
 * {@code ensureGuard}: the pass also writes or removes the exposure guard first (a cluster pass, or a drift repair of it).
 */
public record ServicesRequest(String clusterId, String service, String reason, LinkOptions options, boolean ensureGuard) {
    public ServicesRequest(String clusterId, String service, String reason, LinkOptions options) {
        this(clusterId, service, reason, options, false);
    }
}
