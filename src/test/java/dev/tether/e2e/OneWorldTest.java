package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.durable.InstanceIds;
import dev.tether.plan.ResourceId;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One world, not two: a Service exposed in Kubernetes reaches Tether the way it does in Azure. Nothing is seeded in ARM:
 * the simulated AKS controller gives the Service a public address after its delay, writes the Service's public IP in
 * the node resource group with AKS's tags, ARM raises the write event, Event Grid delivers it after its latency, and
 * Tether's trigger reconciles that one Service.
 */
class OneWorldTest {
    static final String NODE_RG = "MC_rg1_clustername1_location1";
    static final String LB_PREFIX = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG + "/providers/Microsoft.Network/loadBalancers/";

    static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    @Test
    void aPublicServiceGetsItsPublicIpInArmAndItsEventReachesTetherWhichMakesItInternal() throws Exception {
        try (Sandbox s = ExposureGuardTest.linked(Map.of())) {
            assertEquals(201, ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")))
                    .getStatusCode());
            String uid = s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow().path("metadata").path("uid").asText();
            String ipName = "kubernetes-" + ("a" + uid.replace("-", "")).substring(0, Math.min(32, 1 + uid.replace("-", "").length()));
            String ipId = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG + "/providers/Microsoft.Network/publicIPAddresses/" + ipName;
            assertEquals(ipId, s.publicIpId(DemoWorld.CLUSTER_ID, uid));
            assertTrue(s.arm().resource(ipId).isEmpty(), "no public IP before the controller acts");
            int mark = s.calls().size();

            s.clock().advance(Duration.ofSeconds(30)); // the controller's delay: the public frontend exists now
            JsonNode ip = s.arm().resource(ipId).orElseThrow();
            assertEquals(ipName, ip.path("name").asText());
            assertEquals("Microsoft.Network/publicIPAddresses", ip.path("type").asText());
            assertEquals("eastus", ip.path("location").asText());
            assertEquals("{\"k8s-azure-service\":\"shop/web\",\"k8s-azure-cluster-name\":\"kubernetes\"}", ip.path("tags").toString());
            assertEquals("{\"name\":\"Standard\",\"tier\":\"Regional\"}", ip.path("sku").toString());
            String address = s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow()
                    .path("status").path("loadBalancer").path("ingress").path(0).path("ip").asText();
            assertEquals("203.0.113.4", address, "the first usable public address");
            assertEquals(address, ip.path("properties").path("ipAddress").asText());
            assertEquals("Static", ip.path("properties").path("publicIPAllocationMethod").asText());
            assertEquals("Succeeded", ip.path("properties").path("provisioningState").asText());
            assertEquals("/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG + "/providers/Microsoft.Network/loadBalancers/kubernetes"
                    + "/frontendIPConfigurations/" + ipName.substring("kubernetes-".length()), ip.path("properties").path("ipConfiguration").path("id").asText());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(c -> c.target().equals("arm")).toList(),
                    "the event is still on its way: Tether has not been told");
            // ...and its frontend on the load balancer "kubernetes", which AKS created with it.
            String fe = ipName.substring("kubernetes-".length());
            String lbId = LB_PREFIX + "kubernetes";
            assertEquals(lbId, s.loadBalancerId(DemoWorld.CLUSTER_ID, "kubernetes"));
            JsonNode lb = s.arm().resource(lbId).orElseThrow();
            assertEquals("Microsoft.Network/loadBalancers", lb.path("type").asText());
            assertEquals("{\"name\":\"Standard\",\"tier\":\"Regional\"}", lb.path("sku").toString());
            assertEquals("eastus", lb.path("location").asText());
            JsonNode frontend = lb.path("properties").path("frontendIPConfigurations");
            assertEquals(1, frontend.size(), frontend.toString());
            assertEquals(fe, frontend.get(0).path("name").asText());
            assertEquals(lbId + "/frontendIPConfigurations/" + fe, frontend.get(0).path("id").asText());
            assertEquals("{\"id\":\"" + ipId + "\"}", frontend.get(0).path("properties").path("publicIPAddress").toString());
            assertFalse(frontend.get(0).path("properties").has("privateIPAddress"));
            assertEquals(List.of(fe + "-TCP-80"), names(lb.path("properties").path("loadBalancingRules")));
            JsonNode rule = lb.path("properties").path("loadBalancingRules").get(0).path("properties");
            assertEquals(List.of(80, 80, "Tcp"), List.of(rule.path("frontendPort").asInt(), rule.path("backendPort").asInt(), rule.path("protocol").asText()));
            assertEquals(lbId + "/backendAddressPools/kubernetes", rule.path("backendAddressPool").path("id").asText());
            assertEquals(List.of("kubernetes"), names(lb.path("properties").path("backendAddressPools")));
            int events = s.armEvents().size();
            assertEquals(List.of("ResourceWriteSuccess Microsoft.Network/publicIPAddresses/write " + ipId,
                    "ResourceWriteSuccess Microsoft.Network/loadBalancers/write " + lbId), s.armEvents().subList(events - 2, events),
                    "cloud-provider-azure's order: the public IP, then the load balancer that uses it");

            s.clock().advance(Duration.ofSeconds(2)); // Event Grid's delivery
            s.runUntilIdle();
            String instance = InstanceIds.forServices(ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web");
            DurableDriver.InstanceView reconcile = s.durable().instance(instance).orElseThrow(() -> new AssertionError("the event did not reach Tether"));
            assertEquals("ReconcileServices", reconcile.name());
            assertEquals("Completed", reconcile.status(), reconcile.failure());
            assertEquals(List.of("GET " + ipId), s.calls().since(mark).stream().filter(c -> c.target().equals("arm") && c.path().contains("publicIPAddresses"))
                    .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList(), "the trigger read the IP's tags to find the Service");
            assertEquals(List.of("PATCH /api/v1/namespaces/shop/services/web"), s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                    .map(c -> c.method() + " " + c.path()).toList());
            // The load balancer's write reached the trigger too: a load balancer write reconciles every Service of the
            // cluster (a frontend's public IP may live outside the node resource group, where no event of its own comes).
            // Here it finds nothing left to do: the one PATCH above is the Service pass's.
            DurableDriver.InstanceView all = s.durable().instance(InstanceIds.forServices(ResourceId.parse(DemoWorld.CLUSTER_ID), null)).orElseThrow();
            assertEquals("Completed", all.status(), all.failure());
            assertEquals("UNCHANGED already an internal load balancer ", ServicesTest.step(ServicesTest.output(all), "service shop/web"));

            s.clock().advance(Duration.ofSeconds(31)); // the controller moves the frontend to the internal load balancer
            s.runUntilIdle();
            String internalLb = LB_PREFIX + "kubernetes-internal";
            assertEquals(List.of("ResourceDeleteSuccess Microsoft.Network/loadBalancers/delete " + lbId,
                    "ResourceWriteSuccess Microsoft.Network/loadBalancers/write " + internalLb,
                    "ResourceDeleteSuccess Microsoft.Network/publicIPAddresses/delete " + ipId), s.armEvents().subList(events, s.armEvents().size()),
                    "the last public frontend left: AKS deleted the load balancer kubernetes, moved the frontend to kubernetes-internal, then deleted the IP");
            assertTrue(s.arm().resource(lbId).isEmpty());
            JsonNode internal = s.arm().resource(internalLb).orElseThrow();
            String dnsUid = s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow().path("metadata").path("uid").asText();
            String dnsFe = "a" + dnsUid.replace("-", "");
            assertEquals(List.of(dnsFe.substring(0, Math.min(32, dnsFe.length())), fe), names(internal.path("properties").path("frontendIPConfigurations")),
                    "kube-system/tether-dns and shop/web");
            JsonNode webFe = internal.path("properties").path("frontendIPConfigurations").get(1).path("properties");
            assertEquals(ServicesTest.ip(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow()), webFe.path("privateIPAddress").asText());
            assertEquals("Dynamic", webFe.path("privateIPAllocationMethod").asText());
            assertEquals(DemoWorld.VNET_ID + "/subnets/subnet1", webFe.path("subnet").path("id").asText());
            assertEquals("Static", internal.path("properties").path("frontendIPConfigurations").get(0).path("properties").path("privateIPAllocationMethod").asText(),
                    "tether-dns is pinned (azure-load-balancer-ipv4)");

            ServicesTest.assertInternalInNodeSubnet(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow());
            assertTrue(s.arm().resource(ipId).isEmpty(), "AKS deleted the public IP once the frontend was internal");
        }
    }

    /**
     * An internal Service gets its frontend on the load balancer kubernetes-internal, no public IP; ARM's write event of
     * that load balancer reaches the trigger, which ignores it without a read: internal frontends are not an exposure.
     */
    @Test
    void anInternalServiceGetsNoPublicIpAndItsInternalLoadBalancerEventIsIgnoredWithoutARead() throws Exception {
        try (Sandbox s = ExposureGuardTest.linked(Map.of())) {
            ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "db", "LoadBalancer", Map.of("tether.dev/private", "true",
                    "service.beta.kubernetes.io/azure-load-balancer-internal", "true")));
            int instances = s.durable().instances().size();
            int events = s.armEvents().size();
            java.util.Set<String> before = new java.util.TreeSet<>(s.arm().resources().stream().map(r -> r.path("id").asText()).toList());
            int mark = s.calls().size();
            s.clock().advance(Duration.ofSeconds(30));
            String ip = ServicesTest.ip(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "db").orElseThrow());
            assertTrue(dev.tether.plan.Cidr.parse("10.0.1.0/24").contains(dev.tether.plan.Cidr.parseAddress(ip)), "an internal frontend: " + ip);
            String internalLb = LB_PREFIX + "kubernetes-internal";
            assertEquals(List.of("ResourceWriteSuccess Microsoft.Network/loadBalancers/write " + internalLb), s.armEvents().subList(events, s.armEvents().size()));
            assertEquals(before, new java.util.TreeSet<>(s.arm().resources().stream().map(r -> r.path("id").asText()).toList()),
                    "no public IP in Azure: the same resources (kubernetes-internal was already there for tether-dns)");
            assertEquals(2, s.arm().resource(internalLb).orElseThrow().path("properties").path("frontendIPConfigurations").size(), "tether-dns, shop/db");
            s.clock().advance(Duration.ofSeconds(2)); // Event Grid delivers the load balancer's write
            s.runUntilIdle();
            assertEquals(instances, s.durable().instances().size(), "ignored: no orchestration");
            assertEquals(List.of(), s.calls().since(mark), "ignored without a single read");
            assertTrue(s.logLines().stream().anyMatch(l -> l.contains("\"action\":\"ignored\"") && l.contains("kubernetes-internal is AKS's internal load balancer")));
            assertEquals(java.util.Optional.empty(), s.nextEventDelivery());
        }
    }
}
