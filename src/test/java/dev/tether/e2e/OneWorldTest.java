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
            assertTrue(address.startsWith("203.0.113."), address);
            assertEquals(address, ip.path("properties").path("ipAddress").asText());
            assertEquals("Static", ip.path("properties").path("publicIPAllocationMethod").asText());
            assertEquals("Succeeded", ip.path("properties").path("provisioningState").asText());
            assertEquals("/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG + "/providers/Microsoft.Network/loadBalancers/kubernetes"
                    + "/frontendIPConfigurations/" + ipName.substring("kubernetes-".length()), ip.path("properties").path("ipConfiguration").path("id").asText());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(c -> c.target().equals("arm")).toList(),
                    "the event is still on its way: Tether has not been told");

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

            s.clock().advance(Duration.ofSeconds(31)); // the controller moves the frontend to the internal load balancer
            s.runUntilIdle();
            ServicesTest.assertInternalInNodeSubnet(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow());
            assertTrue(s.arm().resource(ipId).isEmpty(), "AKS deleted the public IP once the frontend was internal");
        }
    }

    @Test
    void anInternalServiceGetsNoPublicIpAndRaisesNoEvent() throws Exception {
        try (Sandbox s = ExposureGuardTest.linked(Map.of())) {
            ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "db", "LoadBalancer", Map.of("tether.dev/private", "true",
                    "service.beta.kubernetes.io/azure-load-balancer-internal", "true")));
            int instances = s.durable().instances().size();
            int resources = s.arm().resources().size();
            s.clock().advance(Duration.ofSeconds(40));
            s.runUntilIdle();
            String ip = ServicesTest.ip(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "db").orElseThrow());
            assertTrue(dev.tether.plan.Cidr.parse("10.0.1.0/24").contains(dev.tether.plan.Cidr.parseAddress(ip)), "an internal frontend: " + ip);
            assertEquals(resources, s.arm().resources().size(), "no public IP in Azure");
            assertEquals(instances, s.durable().instances().size(), "no event, no orchestration");
            assertEquals(java.util.Optional.empty(), s.nextEventDelivery());
        }
    }
}
