package dev.tether.e2e;

import dev.tether.sandbox.CallLog;
import java.util.List;

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

    /**
     * A world that makes Tether use every action of its role: the site and its slot (one plan), the site naming an
     * existing, undelegated subnet with {@code private-link-subnet} (so the subnet is read before the delegation is
     * added; it references an NSG, a route table and a NAT gateway, so their join actions are checked), and the public Service shop/web, whose public IP AKS's controller wrote in the node resource group (see {@link #publicIpEvent}).
     */
    public static ObjectNode roleCoverageWorld() {
        ObjectNode world = ServicesTest.world(null, ServicesTest.service("shop", "web", "LoadBalancer",
                java.util.Map.of("tether.dev/private", "true"), "203.0.113.10"));
        ObjectNode slot = ClusterLinkTest.worldWithSlot();
        for (var r : slot.path("resources")) {
            if (r.path("type").asText().equals("Microsoft.Web/sites/slots")) {
                ((ArrayNode) world.get("resources")).add(r);
            }
        }
        slot.path("appSettings").fields().forEachRemaining(e -> ((ObjectNode) world.get("appSettings")).set(e.getKey(), e.getValue()));
        for (var r : world.path("resources")) {
            if (r.path("id").asText().equals(dev.tether.sandbox.DemoWorld.SITE_ID)) {
                ((ObjectNode) r.get("tags")).put("private-link-subnet", "apps");
            }
        }
        ObjectNode subnet = ((ArrayNode) world.get("resources")).addObject();
        subnet.put("id", dev.tether.sandbox.DemoWorld.VNET_ID + "/subnets/apps").put("name", "apps")
                .put("type", "Microsoft.Network/virtualNetworks/subnets");
        ObjectNode props = subnet.putObject("properties").put("addressPrefix", "10.0.2.0/27").put("provisioningState", "Succeeded");
        // A secured subnet, as platform teams build them: delegating it re-sends these references (linked access checks).
        String rg = "/subscriptions/" + dev.tether.sandbox.DemoWorld.SUB + "/resourceGroups/rg1/providers/Microsoft.Network/";
        props.putObject("networkSecurityGroup").put("id", rg + "networkSecurityGroups/apps-nsg");
        props.putObject("routeTable").put("id", rg + "routeTables/apps-udr");
        props.putObject("natGateway").put("id", rg + "natGateways/apps-nat");
        return world;
    }

    /** The Event Grid notification of the public IP AKS wrote for Service shop/web of {@link #roleCoverageWorld()}. */
    public static ArrayNode publicIpEvent(dev.tether.sandbox.Sandbox s) {
        return ServicesTest.publicIpEvent(s, "shop", "web");
    }

    /** ServicesTest's world (the demo world, linked) with these Services. */
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

    /** The exposure guard's whole life in one cluster: written with the link, changed with the policy tag, removed with its tag. */
    public static List<CallLog.Call> guardLifecycleCalls() {
        try (dev.tether.sandbox.Sandbox s = ExposureGuardTest.linked(java.util.Map.of("private-link-guard", "true"))) {
            ExposureGuardTest.setClusterTag(s, "private-link-policy", "all-loadbalancers");
            ExposureGuardTest.clusterEvent(s);
            ExposureGuardTest.setClusterTag(s, "private-link-policy", "audit");
            ExposureGuardTest.clusterEvent(s);
            ExposureGuardTest.setClusterTag(s, "private-link-guard", null);
            ExposureGuardTest.clusterEvent(s);
            return s.calls().calls();
        }
    }
}
