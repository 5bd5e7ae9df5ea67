package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.Cidr;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Kubernetes Services become private by annotation or cluster policy, and public exposure is caught from Event Grid. */
class ServicesTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String NODE_RG = "MC_rg1_clustername1_location1";
    static final String LB_ID = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG + "/providers/Microsoft.Network/loadBalancers/kubernetes";

    static ObjectNode service(String ns, String name, String type, Map<String, String> annotations, String publicIp) {
        ObjectNode s = M.createObjectNode();
        s.put("apiVersion", "v1").put("kind", "Service");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", name).put("namespace", ns);
        if (!annotations.isEmpty()) {
            ObjectNode a = meta.putObject("annotations");
            annotations.forEach(a::put);
        }
        ObjectNode spec = s.putObject("spec");
        spec.put("type", type);
        if (!type.equals("ExternalName")) {
            spec.putObject("selector").put("app", name);
            spec.putArray("ports").addObject().put("port", 80).put("protocol", "TCP").put("targetPort", 8080);
        } else {
            spec.put("externalName", "db.example.org");
        }
        if (publicIp != null) {
            s.putObject("status").putObject("loadBalancer").putArray("ingress").addObject().put("ip", publicIp);
        }
        return s;
    }

    static ObjectNode world(String policy, ObjectNode... services) {
        ObjectNode w = DemoWorld.build();
        ArrayNode objects = (ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID);
        for (ObjectNode s : services) {
            objects.add(s);
        }
        for (JsonNode r : w.path("resources")) {
            if (r.path("type").asText().equals("Microsoft.ContainerService/managedClusters") && policy != null) {
                ((ObjectNode) r.get("tags")).put("private-link-policy", policy);
            }
        }
        return w;
    }

    /**
     * The public IP AKS's controller wrote for a public Service of the world (nothing is seeded by hand: a Service the
     * world starts with a public address has its public IP and its frontend on load balancer {@code kubernetes} in the
     * node resource group from the start).
     */
    static String publicIpId(Sandbox s, String ns, String name) {
        return s.publicIpId(DemoWorld.CLUSTER_ID, svc(s, ns, name).path("metadata").path("uid").asText());
    }

    /** ARM's write notification of that public IP, delivered by hand (a redelivery of the write the world began after). */
    static ArrayNode publicIpEvent(Sandbox s, String ns, String name) {
        return events(publicIpId(s, ns, name), "Microsoft.Network/publicIPAddresses/write");
    }

    static ArrayNode events(String resourceId, String operation) {
        ArrayNode a = M.createArrayNode();
        a.add(ReferenceEvents.writeSuccess(resourceId, operation, "e-" + Math.abs(resourceId.hashCode())));
        return a;
    }

    static JsonNode svc(Sandbox s, String ns, String name) {
        return s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", ns, name).orElseThrow();
    }

    static String ip(JsonNode svc) {
        return svc.path("status").path("loadBalancer").path("ingress").path(0).path("ip").asText(null);
    }

    static void assertInternalInNodeSubnet(JsonNode svc) {
        assertEquals("LoadBalancer", svc.path("spec").path("type").asText());
        assertEquals("true", svc.path("metadata").path("annotations").path("service.beta.kubernetes.io/azure-load-balancer-internal").asText());
        assertEquals("tether", svc.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
        String ip = ip(svc);
        assertNotNull(ip, "an IP: " + svc);
        assertTrue(Cidr.parse("10.0.1.0/24").contains(Cidr.parseAddress(ip)), ip);
    }

    static JsonNode output(DurableDriver.InstanceView v) {
        try {
            return M.readTree(v.output());
        } catch (Exception e) {
            throw new AssertionError(v.output(), e);
        }
    }

    static String step(JsonNode output, String name) {
        for (JsonNode s : output.path("steps")) {
            if (s.path("step").asText().equals(name)) {
                return s.path("outcome").asText("") + " " + s.path("detail").asText("") + " " + s.path("error").asText("");
            }
        }
        throw new AssertionError("no step " + name + " in " + output);
    }

    @Test
    void optedInClusterIpAndPublicLoadBalancerBecomeInternalAndOthersAreUntouched() {
        ObjectNode w = world(null,
                service("default", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null),
                service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "203.0.113.10"),
                service("shop", "untouched", "LoadBalancer", Map.of(), "203.0.113.11"));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "services"))) {
            JsonNode before = svc(s, "shop", "untouched");
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
            s.clock().advance(Duration.ofSeconds(31));
            DurableDriver.InstanceView cluster = s.durable().instances().get(0);
            assertEquals("Completed", cluster.status(), cluster.failure());
            JsonNode out = output(cluster);
            assertTrue(step(out, "service default/api").startsWith("UPDATED"), out.toString());
            String web = step(out, "service shop/web");
            assertTrue(web.startsWith("UPDATED") && web.contains("public LoadBalancer 203.0.113.10") && web.contains("callers of the public IP break"), web);
            assertInternalInNodeSubnet(svc(s, "default", "api"));
            assertInternalInNodeSubnet(svc(s, "shop", "web"));
            assertEquals("ClusterIP", svc(s, "default", "api").path("metadata").path("annotations").path("tether.dev/prior-type").asText());
            assertEquals("LoadBalancer", svc(s, "shop", "web").path("metadata").path("annotations").path("tether.dev/prior-type").asText());
            assertEquals(before, svc(s, "shop", "untouched"), "a Service without the annotation is untouched, byte for byte");

            int mark = s.calls().size();
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(c -> c.target().equals("kubernetes") && c.isWrite()).toList(),
                    "a second pass makes no Kubernetes write");
        }
    }

    /**
     * AKS reads azure-load-balancer-internal exactly (cloud-provider-azure compares with "true"): a Service annotated
     * "True" got a public IP. Tether must see it as public and repair it, not report it "already internal".
     */
    @Test
    void aServiceAnnotatedCapitalTrueIsPublicInAksAndIsRepaired() {
        ObjectNode w = world(null, service("shop", "web", "LoadBalancer",
                Map.of("tether.dev/private", "true", "service.beta.kubernetes.io/azure-load-balancer-internal", "True"), null));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "capital True"))) {
            int mark = s.calls().size();
            s.clock().advance(Duration.ofSeconds(30));
            assertEquals("203.0.113.4", ip(svc(s, "shop", "web")), "AKS gave it a public IP");
            // ...and wrote its public IP, whose write event Event Grid delivers 2 s later: Tether's trigger repairs the Service.
            s.clock().advance(Duration.ofSeconds(2));
            s.runUntilIdle();
            DurableDriver.InstanceView repair = s.durable().instance(dev.tether.durable.InstanceIds.forServices(
                    dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web")).orElseThrow();
            assertEquals("Completed", repair.status(), repair.failure());
            assertEquals("UPDATED opted in; public LoadBalancer 203.0.113.4 becomes internal LoadBalancer (IP from the node subnet)."
                    + " Its IP changes from the public 203.0.113.4 to a private one: callers of the public IP break ",
                    step(output(repair), "service shop/web"));
            s.clock().advance(Duration.ofSeconds(31));
            assertInternalInNodeSubnet(svc(s, "shop", "web"));
            assertEquals(List.of("PATCH /api/v1/namespaces/shop/services/web"), s.calls().since(mark).stream()
                    .filter(c -> c.target().equals("kubernetes") && c.isWrite()).map(c -> c.method() + " " + c.path()).toList());
        }
    }

    @Test
    void aPublicIpEventUnderAllLoadBalancersMakesThatServiceInternalInOneOrchestration() {
        ObjectNode w = world("all-loadbalancers", service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10"),
                service("shop", "kept-public", "LoadBalancer", Map.of("tether.dev/private", "false"), "203.0.113.12"));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "policy"))) {
            assertEquals(List.of("started"), s.deliverAll(publicIpEvent(s, "shop", "web")));
            s.runUntilIdle();
            s.clock().advance(Duration.ofSeconds(31));
            s.runUntilIdle(); // the pass the load balancer's write started
            List<DurableDriver.InstanceView> runs = s.durable().instances();
            // The event's pass for shop/web, then the pass over all Services that the write of the load balancer
            // kubernetes starts when shop/web's frontend leaves it (kept-public's stays): it finds nothing to change.
            assertEquals(List.of(dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web"),
                    dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), null)),
                    runs.stream().map(DurableDriver.InstanceView::instanceId).toList());
            for (DurableDriver.InstanceView run : runs) {
                assertEquals("ReconcileServices", run.name());
                assertEquals("Completed", run.status(), run.failure());
            }
            assertInternalInNodeSubnet(svc(s, "shop", "web"));
            assertEquals("203.0.113.12", ip(svc(s, "shop", "kept-public")), "opted out with \"false\"");
            List<CallLog.Call> writes = s.calls().writes();
            assertEquals(1, writes.size(), "one patch of shop/web: " + writes);
            assertTrue(writes.get(0).path().endsWith("/namespaces/shop/services/web"));
            assertEquals(2, s.calls().calls().stream().filter(c -> c.path().contains("/managedClusters?") || c.path().endsWith("/managedClusters")).count(),
                    "each of the two events is mapped to its cluster with one list call");
        }
    }

    @Test
    void auditReportsEveryServiceThatWouldChangeAndWritesNothing() {
        ObjectNode w = world("audit", service("default", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null),
                service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10"));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "audit"))) {
            s.deliverAll(events(LB_ID, "Microsoft.Network/loadBalancers/write"));
            s.runUntilIdle();
            JsonNode out = output(s.durable().instances().get(0));
            assertTrue(step(out, "service default/api").contains("audit: would change"), out.toString());
            assertTrue(step(out, "service shop/web").contains("audit: would change"), out.toString());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void badInputIsReportedPerServiceWithZeroWrites() {
        ObjectNode headless = service("default", "headless", "ClusterIP", Map.of("tether.dev/private", "true"), null);
        ((ObjectNode) headless.get("spec")).put("clusterIP", "None");
        ObjectNode w = world(null,
                service("default", "yes", "ClusterIP", Map.of("tether.dev/private", "yes"), null),
                headless,
                service("default", "external", "ExternalName", Map.of("tether.dev/private", "true"), null),
                service("default", "elsewhere", "ClusterIP", Map.of("tether.dev/private", "true",
                        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet", "not-in-this-vnet"), null));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "bad"))) {
            s.deliverAll(events(LB_ID, "Microsoft.Network/loadBalancers/write"));
            s.runUntilIdle();
            DurableDriver.InstanceView run = s.durable().instances().get(0);
            assertEquals("Completed", run.status(), run.failure());
            JsonNode out = output(run);
            assertTrue(step(out, "service default/yes").contains("INVALID_ANNOTATION") && step(out, "service default/yes").contains("Fix:"));
            assertTrue(step(out, "service default/headless").contains("HEADLESS_SERVICE"));
            assertTrue(step(out, "service default/external").contains("EXTERNALNAME_SERVICE"));
            assertTrue(step(out, "service default/elsewhere").contains("SUBNET_OUTSIDE_VNET") && step(out, "service default/elsewhere").contains("subnet1"));
            assertEquals(List.of(), s.calls().writes());
        }
    }

    @Test
    void aPublicIpEventForAServiceThatIsGoneAndAnUnlinkedClusterWriteNothing() {
        try (Sandbox s = new Sandbox(WorldFile.parse(world(null, service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10")), "gone"))) {
            // The event of shop/web's public IP arrives after the Service was deleted, before AKS removed the IP.
            ArrayNode event = publicIpEvent(s, "shop", "web");
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).services().inNamespace("shop").withName("web").delete();
            s.deliverAll(event);
            s.runUntilIdle();
            JsonNode out = output(s.durable().instances().get(0));
            assertTrue(out.path("message").asText().contains("shop/web no longer exists"), out.toString());
            assertEquals(List.of(), s.calls().writes());
        }
        ObjectNode unlinked = world(null, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "203.0.113.10"));
        for (JsonNode r : unlinked.path("resources")) {
            if (r.path("type").asText().equals("Microsoft.ContainerService/managedClusters")) {
                ((ObjectNode) r.get("tags")).remove("private-link");
            }
        }
        try (Sandbox s = new Sandbox(WorldFile.parse(unlinked, "unlinked"))) {
            assertEquals(List.of("ignored"), s.deliverAll(publicIpEvent(s, "shop", "web")));
            s.runUntilIdle();
            assertEquals(List.of(), s.durable().instances());
            assertEquals(List.of(), s.calls().writes());
            assertEquals(1, s.calls().size(), "ignored at the cost of a single read");
        }
        try (Sandbox s = new Sandbox(WorldFile.parse(world(null), "other rg"))) {
            String other = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/some-app-rg/providers/Microsoft.Network/publicIPAddresses/kubernetes-a1b2c3d4e5f6";
            assertEquals(List.of("ignored"), s.deliverAll(events(other, "Microsoft.Network/publicIPAddresses/write")));
            assertEquals(1, s.calls().size());
        }
    }

    @Test
    void namesResolveThroughWhatTetherConfigured() {
        ObjectNode w = world(null, service("shop", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "names"))) {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.settle();
            WorldView view = new WorldView(s);
            String dnsIp = ip(svc(s, "kube-system", "tether-dns"));
            assertEquals(dnsIp, view.appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText(), "the app asks tether-dns");
            // What CoreDNS's k8s_external answers the app, from the configuration its running pods loaded.
            var answer = dev.tether.sandbox.dns.ClusterDns.query(s.kubernetes(), DemoWorld.CLUSTER_ID, dnsIp, "api.shop.shop.internal", "A").answer();
            assertEquals(List.of("api.shop.shop.internal. 5 IN A " + ip(svc(s, "shop", "api"))), answer.answer());
            assertTrue(Cidr.parse("10.0.1.0/24").contains(Cidr.parseAddress(ip(svc(s, "shop", "api")))));
            assertEquals(dev.tether.sandbox.dns.K8sExternal.Rcode.NOT_IN_ZONE, dev.tether.sandbox.dns.ClusterDns.query(s.kubernetes(),
                    DemoWorld.CLUSTER_ID, dnsIp, "api.shop.other.zone", "A").answer().rcode(), "other zones go to the next plugin");
            assertTrue(dev.tether.sandbox.dns.ClusterDns.query(s.kubernetes(), DemoWorld.CLUSTER_ID, "10.0.1.200", "api.shop.shop.internal", "A")
                    .timedOut(), "no DNS server at an IP no load balancer holds");
        }
    }
}
