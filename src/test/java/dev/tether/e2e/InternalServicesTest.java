package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.cli.SandboxMainAccess;
import dev.tether.sandbox.dns.ClusterDns;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.tether.e2e.ServicesTest.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A Service made internal is waited for until the load balancer gives it an IP in the subnet it must come from, and
 * reported with the name linked apps use; one that never gets one fails the reconcile with a clear message. After a
 * public-IP event, the world that {@code simulate} writes shows the Service internal, and the app's DNS resolves it.
 */
class InternalServicesTest {
    private static final ObjectMapper M = new ObjectMapper();

    /**
     * Nothing seeded in ARM and no hand-made event: the controller gives the new Service its public frontend at 30 s,
     * which writes its public IP in the node resource group; ARM's write event reaches the trigger 2 s later.
     */
    @Test
    void aPublicIpEventWaitsForTheInternalIpAndReportsTheNameAppsUse() {
        ObjectNode w = world(null, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), null));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "event"))) {
            s.clock().advance(java.time.Duration.ofSeconds(30));
            assertEquals("203.0.113.4", ip(svc(s, "shop", "web")), "the controller's public frontend: the first usable public address");
            assertEquals(List.of(), s.durable().instances(), "Event Grid has not delivered yet");
            s.clock().advance(java.time.Duration.ofSeconds(2));
            // Two events reached the trigger: the public IP's (that Service's pass) and the write of the load balancer
            // kubernetes that AKS created with the frontend (a pass over all Services, which finds nothing left to do).
            assertEquals(List.of(dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web"),
                    dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), null)),
                    s.durable().instances().stream().map(DurableDriver.InstanceView::instanceId).toList());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals(dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web"), v.instanceId());
            assertEquals("Completed", v.status(), v.failure());
            // The old public frontend serves until the internal one is provisioned (30 s): two checks 15 s apart, then the IP.
            assertEquals("UNCHANGED web.shop.shop.internal -> 10.0.1.4 (in 10.0.1.0/24) ", step(output(v), "service-ip shop/web"));
            assertInternalInNodeSubnet(svc(s, "shop", "web"));
            List<String> writes = s.calls().writes().stream().map(c -> c.method() + " " + c.path()).toList();
            assertEquals(List.of("PATCH /api/v1/namespaces/shop/services/web"), writes);
            assertEquals(7, s.calls().calls().stream().filter(c -> (c.method() + " " + c.path()).equals("GET /api/v1/services?limit=500")).count(),
                    "one Services list per check: three checks of the Service's pass; the plan and three checks of the pass over all Services,"
                    + " which runs beside it and waits for the same internal IP");
        }
    }

    @Test
    void aServiceThatNeverGetsAnInternalIpFailsTheReconcileClearly() {
        ObjectNode w = world(null, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "203.0.113.10"));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "never"))) {
            s.kubernetes().controllerFaults().neverAssignIp("shop/web");
            s.deliverAll(publicIpEvent(s, "shop", "web"));
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertEquals("service-ips: no internal IP within 600s for shop/web (still 203.0.113.10, outside 10.0.1.0/24 (the old frontend until the"
                    + " internal one is provisioned), expected from 10.0.1.0/24). Fix: see kubectl describe service for the load balancer's events (a full"
                    + " subnet, or an azure-load-balancer-internal-subnet annotation naming a bad subnet), fix it, then rerun the link", v.failure());
            assertEquals(List.of("PATCH /api/v1/namespaces/shop/services/web"),
                    s.calls().writes().stream().map(c -> c.method() + " " + c.path()).toList(), "nothing but the Service patch");
        }
    }

    @Test
    void theSimulatedResultWorldShowsTheServiceInternalAndTheAppResolvesIt(@TempDir Path dir) throws Exception {
        // No hand-made event for the Service: the controller gives it a public frontend after 30 s, and the write events
        // of its public IP and of the load balancer reach the trigger while simulate runs the world to rest.
        ObjectNode w = world(null, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), null));
        com.fasterxml.jackson.databind.node.ArrayNode events = M.createArrayNode();
        DemoWorld.events().forEach(events::add);
        Path world = dir.resolve("world.json");
        Path ev = dir.resolve("events.json");
        Path out = dir.resolve("result.json");
        M.writeValue(world.toFile(), w);
        M.writeValue(ev.toFile(), events);
        assertEquals(0, SandboxMainAccess.run("simulate", "--world", world.toString(), "--events", ev.toString(), "--out", out.toString()));
        JsonNode result = M.readTree(Files.readString(out));
        JsonNode web = null;
        for (JsonNode o : result.path("world").path("kubernetes").path(DemoWorld.CLUSTER_ID)) {
            if (o.path("kind").asText().equals("Service") && o.path("metadata").path("name").asText().equals("web")) {
                web = o;
            }
        }
        assertNotNull(web);
        assertInternalInNodeSubnet(web);
        assertFalse(web.toString().contains("203.0.113."), "no public IP left: " + web);
        // The app's DNS server (its WEBSITE_DNS_SERVER) answers the Service's name with that internal IP.
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "again"))) {
            s.deliverAll(events);
            s.settle();
            String dns = new WorldView(s).appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText();
            assertEquals(java.util.Optional.of(ip(svc(s, "shop", "web"))),
                    ClusterDns.query(s.kubernetes(), DemoWorld.CLUSTER_ID, dns, "web.shop.shop.internal", "A").answer().address());
        }
    }
}
