package dev.tether.kubernetes;

import dev.tether.plan.ServiceShape;

/** A Service as observed: its managed shape and the load balancer IP it was given (null while pending). */
public record ServiceView(ServiceShape shape, String ingressIp) {
}
