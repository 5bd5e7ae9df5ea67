package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Crash after every history event, for the other orchestrations: the cluster link (DNS, Services, fan-out to its
 * apps), the Service reconcile after a public IP event, and the drift scan with its repairs. Each run must reach the
 * same world with the same writes as the run without a crash.
 */
class CrashEverywhereTest {

    /**
     * @param writes exactly the writes the run makes (method and path, sorted), known from what the scenario asks for
     * @param check  the world the run must end in
     */
    record Scenario(ObjectNode world, Consumer<Sandbox> drive, List<String> writes, Consumer<Sandbox> check) {
    }

    static final String SUBNET = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230";
    /** A fresh link's writes; the slotConfigNames PUT is the DNS setting's slot-setting mark (issue 9 point 3). */
    static final List<String> LINK_WRITES = List.of("PUT " + SUBNET, "PATCH " + DemoWorld.SITE_ID, "PUT " + DemoWorld.SITE_ID + "/config/slotConfigNames",
            "PUT " + DemoWorld.SITE_ID + "/config/appsettings",
            "POST /api/v1/namespaces/kube-system/services", "PATCH /api/v1/namespaces/kube-system/services/tether-dns",
            "PATCH /api/v1/namespaces/kube-system/configmaps/coredns-custom", "PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns");

    static List<String> plus(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(more));
        return out.stream().sorted().toList();
    }

    /** The app is linked: joined to the Tether subnet (route-all stays off: the DNS IP is in RFC 1918), its DNS setting on tether-dns's IP. */
    static void assertAppLinked(Sandbox s) {
        WorldView w = new WorldView(s);
        var site = w.resource(DemoWorld.SITE_ID).orElseThrow();
        assertEquals(SUBNET, site.path("properties").path("virtualNetworkSubnetId").asText());
        assertFalse(site.path("properties").path("outboundVnetRouting").path("applicationTraffic").asBoolean(false), "route-all not needed");
        String ip = w.kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow()
                .path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
        assertEquals("10.0.1.4", ip, "the first usable address of the node subnet");
        assertEquals(ip, w.appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText());
    }

    /** {@link #crashEverywhere(Prepared, Consumer, List, Consumer)} from a world file; returns the drive's history events. */
    static int crashEverywhere(Scenario scenario) throws Exception {
        WorldFile world = WorldFile.parse(scenario.world(), "crash");
        return crashEverywhere(() -> new Sandbox(world), scenario.drive(), scenario.writes(), scenario.check());
    }

    /** Makes the sandbox a run starts from: the same world and the same durable history every time it is called. */
    @FunctionalInterface
    interface Prepared {
        Sandbox open() throws Exception;
    }

    /**
     * Crash after every history event that {@code drive} appends to a {@code prepared} sandbox: first one run without a
     * crash, which must make exactly {@code writes} (sorted) and leave every instance Completed; then, for each of its
     * history events, a run from a fresh prepared sandbox that crashes once right after it and must reach the same
     * world with the same writes. {@code check} runs after every run. Returns the history events of the drive.
     */
    static int crashEverywhere(Prepared prepared, Consumer<Sandbox> drive, List<String> writes, Consumer<Sandbox> check) throws Exception {
        ObjectNode expected;
        int first;
        int last;
        try (Sandbox s = prepared.open()) {
            first = s.durable().totalHistoryEvents();
            int mark = s.calls().size();
            drive.accept(s);
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.instanceId() + ": " + v.failure()));
            expected = new WorldView(s).comparableWorld();
            assertEquals(writes, writes(s, mark).stream().sorted().toList(), "the run without a crash makes exactly these writes");
            check.accept(s);
            last = s.durable().totalHistoryEvents();
        }
        for (int n = first + 1; n <= last; n++) {
            try (Sandbox s = prepared.open()) {
                assertEquals(first, s.durable().totalHistoryEvents(), "the prepared history");
                s.durable().crashAfterEvent(n);
                int mark = s.calls().size();
                drive.accept(s);
                assertEquals(1, s.durable().crashes(), "crash after event " + n);
                for (DurableDriver.InstanceView v : s.durable().instances()) {
                    assertEquals("Completed", v.status(), "crash after event " + n + ", " + v.instanceId() + ": " + v.failure());
                }
                String diff = WorldView.firstDifference(expected, new WorldView(s).comparableWorld(), "");
                assertNull(diff, "crash after event " + n + ": " + diff);
                assertEquals(writes, writes(s, mark).stream().sorted().toList(), "crash after event " + n + ": no extra writes");
                check.accept(s);
            }
        }
        return last - first;
    }

    /** The writes (method and path) since call {@code mark}. */
    static List<String> writes(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(dev.tether.sandbox.CallLog.Call::isWrite)
                .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    @Test
    void clusterLinkWithServicesAndItsApp() throws Exception {
        ObjectNode w = ServicesTest.world(null, ServicesTest.service("shop", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null));
        int events = crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
        }, plus(LINK_WRITES, "PATCH /api/v1/namespaces/shop/services/api"), s -> {
            assertAppLinked(s);
            var api = ServicesTest.svc(s, "shop", "api");
            assertEquals("LoadBalancer", api.path("spec").path("type").asText());
            assertEquals("true", api.path("metadata").path("annotations").path("service.beta.kubernetes.io/azure-load-balancer-internal").asText());
            assertEquals("ClusterIP", api.path("metadata").path("annotations").path("tether.dev/prior-type").asText());
            assertEquals("tether", api.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
        }));
        assertEquals(132, events, "history events of the drive, each one a crash point (measured)");
    }

    @Test
    void serviceReconcileAfterAPublicIpEvent() throws Exception {
        ObjectNode w = ServicesTest.world("all-loadbalancers", ServicesTest.service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10"));
        int events = crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(ServicesTest.publicIpEvent(s, "shop", "web"));
            s.runUntilIdle();
            s.clock().advance(java.time.Duration.ofSeconds(31));
        }, List.of("PATCH /api/v1/namespaces/shop/services/web"),
                s -> ServicesTest.assertInternalInNodeSubnet(ServicesTest.svc(s, "shop", "web"))));
        assertEquals(36, events, "history events of the drive, each one a crash point (measured)");
    }

    @Test
    void driftScanAndItsRepair() throws Exception {
        ObjectNode w = DemoWorld.build();
        int events = crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            settings.remove("WEBSITE_DNS_SERVER");
            s.arm().putAppSettings(DemoWorld.SITE_ID, settings);
            s.timer();
            s.runUntilIdle();
        }, plus(LINK_WRITES, "PUT " + DemoWorld.SITE_ID + "/config/appsettings"), CrashEverywhereTest::assertAppLinked));
        assertEquals(120, events, "history events of the drive, each one a crash point (measured)");
    }
}
