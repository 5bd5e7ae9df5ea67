package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.config.TetherConfig;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Faults;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faults at each step of a link, injected by the emulators. Transient ones (5xx, 429, a reset, a Kubernetes conflict)
 * must converge to the same world with no write beyond the retried one; permanent ones (an LRO that fails or never
 * ends) must end with a clear failure and no partial damage: the app never points at a DNS without an IP, and no
 * setting or ConfigMap key is lost.
 */
class FaultTest {
    static final String SUBNET = "/virtualNetworks/test-vnet/subnets/tether-DefaultAsp-148ff230$";
    static final String SITE = "/Microsoft.Web/sites/sitef6141$";

    static Stream<Arguments> transientFaults() {
        return Stream.of(
                Arguments.of(Faults.Rule.status("arm", "PUT", SUBNET, 503, 1)),
                Arguments.of(Faults.Rule.status("arm", "PATCH", SITE, 500, 1)),
                Arguments.of(Faults.Rule.status("arm", "PUT", "/config/appsettings$", 429, 1)),
                Arguments.of(Faults.Rule.of(Faults.Kind.RESET, "arm", "GET", SITE, 1)),
                Arguments.of(Faults.Rule.status("arm", "POST", "/config/appsettings/list$", 503, 5)),
                Arguments.of(Faults.Rule.status("arm", "GET", "/operations/", 500, 1)),
                Arguments.of(Faults.Rule.status("kubernetes", "POST", "/namespaces/kube-system/services$", 409, 1)),
                Arguments.of(Faults.Rule.status("kubernetes", "GET", "/services/tether-dns$", 500, 1)),
                Arguments.of(Faults.Rule.status("kubernetes", "PATCH", "/configmaps/coredns-custom$", 500, 1)),
                Arguments.of(Faults.Rule.status("kubernetes", "PATCH", "/deployments/coredns$", 429, 1)),
                Arguments.of(Faults.Rule.status("kubernetes", "PATCH", "/services/tether-dns$", 409, 2)));
    }

    static Sandbox sandbox(WorldFile world) {
        TetherConfig config = TetherConfig.fromEnvironment(Map.of("TETHER_SUBSCRIPTIONS", String.join(",", world.subscriptions()),
                "TETHER_ARM_LRO_TIMEOUT", "PT1S", "TETHER_RETRY_MAX_ATTEMPTS", "3"));
        return new Sandbox(world, new Sandbox.Options(Duration.ofSeconds(30), config));
    }

    static List<String> successfulWrites(Sandbox s) {
        return s.calls().writes().stream().filter(c -> c.status() > 0 && c.status() < 400)
                .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).sorted().toList();
    }

    /** The world and the successful writes of the same link without faults: what a faulted run must end as. */
    record FaultFree(ObjectNode world, List<String> writes) {
    }

    static FaultFree faultFree(WorldFile world) {
        try (Sandbox s = sandbox(world)) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            return new FaultFree(new WorldView(s).comparableWorld(), successfulWrites(s));
        }
    }

    @ParameterizedTest
    @MethodSource("transientFaults")
    void transientFaultsConvergeWithNoExtraWrite(Faults.Rule fault) {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        FaultFree baseline = faultFree(world);
        ObjectNode expected = baseline.world();
        List<String> expectedWrites = baseline.writes();
        try (Sandbox s = sandbox(world)) {
            Faults faults = Faults.none().add(fault);
            s.faults(faults);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals(fault.times(), faults.fired(), "the fault fired as often as it was set to: " + fault);
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), fault + ": " + v.failure());
            String diff = WorldView.firstDifference(expected, new WorldView(s).comparableWorld(), "");
            assertNull(diff, fault + ": " + diff);
            assertEquals(expectedWrites, successfulWrites(s), fault + ": no write beyond the retried one");
        }
    }

    /**
     * Someone edits coredns-custom between Tether's read and its write: adds a key, deletes one, and scribbles over
     * Tether's own key. Tether's write is a merge patch of its own keys only, so their add and delete stand (nothing
     * stale from Tether's read comes back), Tether's key ends as Tether wants it, and no extra write is made.
     */
    @org.junit.jupiter.api.Test
    void configMapEditedBetweenReadAndWriteKeepsTheirChangesAndOurs() {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        FaultFree baseline = faultFree(world);
        ObjectNode expected = baseline.world();
        List<String> expectedWrites = baseline.writes();
        String teamServer = "team.example:53 {\n    forward . 10.1.0.4\n}\n";
        ObjectNode edit = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        edit.putObject("data").put("team.server", teamServer).putNull("log.override").put("tether.override", "k8s_external stale.example\n");
        Faults faults = Faults.none().add(Faults.Rule.concurrentEdit("PATCH", "/configmaps/coredns-custom$", edit.toString(), 1));
        try (Sandbox s = sandbox(world)) {
            s.faults(faults);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals(1, faults.fired(), "the edit happened between Tether's read and its write");
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), String.valueOf(v.failure()));
            ObjectNode data = (ObjectNode) new WorldView(s).kube(DemoWorld.CLUSTER_ID, "ConfigMap", "kube-system", "coredns-custom")
                    .orElseThrow().path("data");
            assertEquals(teamServer, data.path("team.server").asText(), "their new key stands");
            assertFalse(data.has("log.override"), "their delete stands: Tether wrote back nothing it read");
            expected.path("kubernetes").forEach(objects -> objects.forEach(o -> {
                if (o.path("kind").asText().equals("ConfigMap") && o.path("metadata").path("name").asText().equals("coredns-custom")) {
                    ObjectNode d = (ObjectNode) o.path("data");
                    d.remove("log.override");
                    d.put("team.server", teamServer);
                }
            }));
            String diff = WorldView.firstDifference(expected, new WorldView(s).comparableWorld(), "");
            assertNull(diff, "Tether's key as Tether wants it, the rest as they left it: " + diff);
            assertEquals(expectedWrites, successfulWrites(s), "no write beyond the one Tether always makes");
        }
    }

    static Stream<Arguments> permanentFaults() {
        return Stream.of(
                Arguments.of(Faults.Rule.of(Faults.Kind.LRO_FAILED, "arm", "GET", "/operations/", 1), "ended FAILED"),
                Arguments.of(Faults.Rule.of(Faults.Kind.LRO_STUCK, "arm", "GET", "/operations/", 1_000_000), "still Updating"),
                Arguments.of(Faults.Rule.status("kubernetes", "PATCH", "/configmaps/coredns-custom$", 500, 1_000), "patch ConfigMap"));
    }

    @ParameterizedTest
    @MethodSource("permanentFaults")
    void permanentFaultsFailClearlyWithoutPartialDamage(Faults.Rule fault, String message) {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        try (Sandbox s = sandbox(world)) {
            s.faults(Faults.none().add(fault));
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status(), fault.toString());
            assertTrue(v.failure().contains(message), v.failure());
            WorldView w = new WorldView(s);
            JsonNode settings = w.appSettings(DemoWorld.SITE_ID);
            assertFalse(settings.has("WEBSITE_DNS_SERVER"), "no app points at a DNS that is not ready");
            assertEquals(DemoWorld.build().path("appSettings").path(DemoWorld.SITE_ID).size(), settings.size(), "no setting lost");
            JsonNode cm = w.kube(DemoWorld.CLUSTER_ID, "ConfigMap", "kube-system", "coredns-custom").orElseThrow().path("data");
            DemoWorld.corednsCustomExamples().forEach((k, val) -> assertEquals(val, cm.path(k).asText(), "ConfigMap key " + k));
            assertTrue(s.calls().writes().stream().noneMatch(c -> c.path().contains("/config/appsettings") && c.method().equals("PUT")));
        }
    }
}
