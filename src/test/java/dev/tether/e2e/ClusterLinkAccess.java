package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lets other test packages build the slot world and the cluster tag event of {@link ClusterLinkTest}. */
public final class ClusterLinkAccess {
    private ClusterLinkAccess() {
    }

    public static ObjectNode worldWithSlot() {
        return ClusterLinkTest.worldWithSlot();
    }

    public static ArrayNode clusterTagEvent() {
        return ClusterLinkTest.clusterTagEvent();
    }

    /** ServicesTest's world (a public LoadBalancer Service's public IP in the node resource group) with these Services. */
    public static ObjectNode servicesWorld(ObjectNode... services) {
        return ServicesTest.world(null, services);
    }

    public static ObjectNode service(String ns, String name, String type, java.util.Map<String, String> annotations, String publicIp) {
        return ServicesTest.service(ns, name, type, annotations, publicIp);
    }

    /** The Event Grid notification of AKS writing the cluster's load balancer. */
    public static ArrayNode loadBalancerWriteEvent() {
        return ServicesTest.events(ServicesTest.LB_ID, "Microsoft.Network/loadBalancers/write");
    }
}
