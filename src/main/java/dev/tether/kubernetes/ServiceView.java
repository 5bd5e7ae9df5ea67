package dev.tether.kubernetes;

import dev.tether.plan.ServiceFacts;
import dev.tether.plan.ServiceShape;

/** A Service as observed: where it is, its managed shape, its cluster IP and the load balancer IP it was given (null while pending). */
public record ServiceView(String namespace, String name, String clusterIp, ServiceShape shape, String ingressIp) {
    public ServiceFacts facts() {
        return new ServiceFacts(namespace, name, shape.type(), clusterIp, shape.annotations(), shape.labels(), ingressIp);
    }
}
