package dev.tether.orchestration;

/** Input of the site and cluster orchestrations: the resource, why it runs (event, rerun, fan-out), and the timings. */
public record LinkRequest(String resourceId, String reason, LinkOptions options) {
}
