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

    record Scenario(ObjectNode world, Consumer<Sandbox> drive) {
    }

    static void crashEverywhere(Scenario scenario) {
        WorldFile world = WorldFile.parse(scenario.world(), "crash");
        ObjectNode expected;
        List<String> expectedWrites;
        int events;
        try (Sandbox s = new Sandbox(world)) {
            scenario.drive().accept(s);
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.instanceId() + ": " + v.failure()));
            expected = new WorldView(s).comparableWorld();
            expectedWrites = writes(s);
            events = s.durable().totalHistoryEvents();
        }
        assertTrue(events > 10, "history events: " + events);
        for (int n = 1; n <= events; n++) {
            try (Sandbox s = new Sandbox(world, Sandbox.Options.defaults(world).crashingAfter(n))) {
                scenario.drive().accept(s);
                assertEquals(1, s.durable().crashes(), "crash after event " + n);
                for (DurableDriver.InstanceView v : s.durable().instances()) {
                    assertEquals("Completed", v.status(), "crash after event " + n + ", " + v.instanceId() + ": " + v.failure());
                }
                String diff = WorldView.firstDifference(expected, new WorldView(s).comparableWorld(), "");
                assertNull(diff, "crash after event " + n + ": " + diff);
                assertEquals(expectedWrites.stream().sorted().toList(), writes(s).stream().sorted().toList(), "crash after event " + n + ": no extra writes");
            }
        }
    }

    static List<String> writes(Sandbox s) {
        return s.calls().writes().stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    @Test
    void clusterLinkWithServicesAndItsApp() {
        ObjectNode w = ServicesTest.world(null, ServicesTest.service("shop", "api", "ClusterIP", Map.of("tether.dev/private", "true"), null));
        crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
        }));
    }

    @Test
    void serviceReconcileAfterAPublicIpEvent() {
        ObjectNode w = ServicesTest.world("all-loadbalancers", ServicesTest.service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10"));
        crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(ServicesTest.events(ServicesTest.PUBLIC_IP_ID, "Microsoft.Network/publicIPAddresses/write"));
            s.runUntilIdle();
        }));
    }

    @Test
    void driftScanAndItsRepair() {
        ObjectNode w = DemoWorld.build();
        crashEverywhere(new Scenario(w, s -> {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(s.arm().appSettings().get(DemoWorld.SITE_ID));
            settings.remove("WEBSITE_DNS_SERVER");
            s.arm().putAppSettings(DemoWorld.SITE_ID, settings);
            s.timer();
            s.runUntilIdle();
        }));
    }
}
