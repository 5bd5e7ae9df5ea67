package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Tagging the cluster links every app and slot with the same link; Entra ID clusters work without kubelogin. */
class ClusterLinkTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String SLOT_ID = DemoWorld.SITE_ID + "/slots/staging";

    static ObjectNode worldWithSlot() {
        ObjectNode world = DemoWorld.build();
        ObjectNode slot = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        slot.put("id", SLOT_ID).put("name", "sitef6141/staging").put("type", "Microsoft.Web/sites/slots");
        slot.putObject("tags").put("private-link", DemoWorld.LINK);
        ((ArrayNode) world.get("resources")).add(slot);
        ((ObjectNode) world.get("appSettings")).putObject(SLOT_ID).put("SLOT_ONLY", "kept");
        return world;
    }

    static ArrayNode clusterTagEvent() {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.asCloudEvent(ReferenceEvents.writeSuccess(
                DemoWorld.CLUSTER_ID + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags/write", "tag-cluster")));
        return events;
    }

    @Test
    void taggingTheClusterLinksTheAppAndItsSlot() {
        try (Sandbox s = new Sandbox(WorldFile.parse(worldWithSlot(), "slot world"))) {
            assertEquals(List.of("started"), s.deliverAll(clusterTagEvent()));
            s.runUntilIdle();
            List<DurableDriver.InstanceView> runs = s.durable().instances();
            assertEquals(List.of("LinkCluster", "LinkSite", "LinkSite"), runs.stream().map(DurableDriver.InstanceView::name).toList());
            runs.forEach(r -> assertEquals("Completed", r.status(), r.instanceId() + ": " + r.failure()));
            WorldView w = new WorldView(s);
            String ip = w.kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                    .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
            assertEquals(ip, w.appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText());
            assertEquals(ip, w.appSettings(SLOT_ID).path("WEBSITE_DNS_SERVER").asText());
            assertEquals("kept", w.appSettings(SLOT_ID).path("SLOT_ONLY").asText());
            JsonNode slot = w.resource(SLOT_ID).orElseThrow();
            JsonNode site = w.resource(DemoWorld.SITE_ID).orElseThrow();
            assertEquals(site.path("properties").path("virtualNetworkSubnetId"), slot.path("properties").path("virtualNetworkSubnetId"),
                    "one integration subnet per plan");
            List<CallLog.Call> writes = s.calls().writes();
            assertEquals(1, writes.stream().filter(c -> c.method().equals("PUT") && c.path().contains("/subnets/")).count(), writes.toString());
            assertEquals(2, writes.stream().filter(c -> c.method().equals("PATCH") && c.path().contains("/Microsoft.Web/sites/")).count());
            assertEquals(2, writes.stream().filter(c -> c.path().contains("/config/appsettings")).count());
            assertEquals(4, writes.stream().filter(c -> c.target().equals("kubernetes")).count(), "create, pin, override, restart once: " + writes);

            int mark = s.calls().size();
            s.deliverAll(clusterTagEvent());
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "converged: no writes");
        }
    }

    @Test
    void entraIdClusterIsReachedWithAnAzureIdentityTokenNotKubelogin() {
        ObjectNode world = DemoWorld.build();
        for (JsonNode r : world.path("resources")) {
            if (r.path("type").asText().equals("Microsoft.ContainerService/managedClusters")) {
                ObjectNode props = (ObjectNode) r.get("properties");
                props.putObject("aadProfile").put("managed", true).put("enableAzureRBAC", true);
                props.put("disableLocalAccounts", true);
            }
        }
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "entra world"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            assertTrue(s.calls().calls().stream().anyMatch(c -> c.path().contains("listClusterUserCredential") && c.path().contains("format=exec")));
            assertTrue(s.calls().calls().stream().noneMatch(c -> c.path().contains("listClusterAdminCredential")));
        }
    }

    @Test
    void logsCarryNoTokenOrKubeconfig() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            String token = s.kubernetes().token(DemoWorld.CLUSTER_ID);
            List<String> logs = s.logLines();
            assertTrue(logs.stream().anyMatch(l -> l.contains("\"event\":\"event.handled\"")), "the logs this test scans: " + logs);
            for (String line : logs) {
                assertFalse(line.contains(token), line);
                assertFalse(line.contains("eyJ"), line); // an Entra token (a JWT) in any form
                assertFalse(line.contains("apiVersion: v1") || line.contains("client-certificate") || line.contains("users:"), line);
            }
        }
    }

    @Test
    void credentialsResetAfterALinkAre401ThenTetherFetchesThemAgain() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            s.deliverAll(clusterTagEvent());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            s.kubernetes().rotateUserCredentials(DemoWorld.CLUSTER_ID);

            int mark = s.calls().size();
            s.deliverAll(tagEvent(s, "tag-after-reset"));
            s.runUntilIdle();
            DurableDriver.InstanceView refused = s.durable().instances().get(s.durable().instances().size() - 1);
            assertEquals("Failed", refused.status());
            assertTrue(refused.failure().endsWith("get Service kube-system/tether-dns in cluster " + DemoWorld.CLUSTER_ID + " failed with 401: the API"
                    + " server did not accept Tether's credential. Fix: if the cluster's credentials were just rotated, rerun the link (Tether"
                    + " fetches them again); for an Entra ID cluster, check that it is integrated with the tenant of Tether's identity"), refused.failure());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "a refused credential writes nothing");
            assertEquals(List.of("kubernetes GET /api/v1/namespaces/kube-system/services/tether-dns 401"), s.calls().since(mark).stream()
                    .filter(c -> c.target().equals("kubernetes")).map(c -> c.target() + " " + c.method() + " " + c.path() + " " + c.status()).toList(),
                    "the cached client's first call is refused, and Tether stops there");

            mark = s.calls().size();
            s.deliverAll(tagEvent(s, "tag-after-refusal"));
            s.runUntilIdle();
            DurableDriver.InstanceView again = s.durable().instances().get(s.durable().instances().size() - 1);
            assertEquals("Completed", again.status(), again.failure());
            assertEquals(1, s.calls().since(mark).stream().filter(c -> c.path().contains("listClusterUserCredential")).count(),
                    "the refused client was dropped: the next pass fetches the new credentials once");
            assertEquals(List.of(), s.calls().since(mark).stream().filter(c -> c.target().equals("kubernetes") && c.status() == 401).toList());
        }
    }

    /** A newer tag write on the cluster (an event as old as the last one would be a redelivery). */
    private static ArrayNode tagEvent(Sandbox s, String id) {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.CLUSTER_ID + "/providers/Microsoft.Resources/tags/default",
                "Microsoft.Resources/tags/write", id, s.clock().now()));
        return events;
    }
}
