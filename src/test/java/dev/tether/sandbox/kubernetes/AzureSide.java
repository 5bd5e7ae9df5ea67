package dev.tether.sandbox.kubernetes;

import java.util.List;

/**
 * What AKS's cloud controller writes in Azure for LoadBalancer Services, besides their status: after each pass over a
 * cluster it is told every frontend the cluster's Services hold, and writes what differs in the node resource group
 * (public IPs, the load balancers {@code kubernetes} and {@code kubernetes-internal}).
 */
public interface AzureSide {
    AzureSide NONE = (clusterId, frontends) -> {
    };

    /** One port of a Service ({@code protocol} as Kubernetes spells it: TCP, UDP, SCTP). */
    record Port(String protocol, int port) {
    }

    /**
     * A Service's load-balancer frontend: {@code service} "namespace/name", its UID, its address, whether it is
     * internal, the subnet named by {@code azure-load-balancer-internal-subnet} (null for the node subnet or a public
     * frontend), whether the address was pinned ({@code azure-load-balancer-ipv4}), and its ports.
     */
    record Frontend(String service, String uid, String ip, boolean internal, String subnet, boolean pinned, List<Port> ports) {
    }

    /**
     * Every frontend the cluster's Services hold now, in the Services' order; called after each controller pass, and on
     * an advance of the clock that needs no pass with the last pass's frontends ({@link ControllerLoop}).
     */
    void frontends(String clusterId, List<Frontend> frontends);
}
