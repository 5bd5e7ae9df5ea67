package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.durable.Json;
import dev.tether.orchestration.Steps;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.FleetWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.Storm;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 1,000 Event Grid deliveries for 100 apps (each on its own plan) and 10 clusters, with duplicates, late and
 * out-of-order redeliveries and ids in other letter case. One link instance per resource at any time, every app linked,
 * nothing of anyone else's lost, and exactly the minimum writes: per app one subnet PUT, one site PATCH and one app
 * settings PUT; per cluster the tether-dns create and pin, one coredns-custom patch and one CoreDNS restart.
 */
class EventStormTest {
    static final int APPS = 100;
    static final int CLUSTERS = 10;

    @Test
    void aThousandEventsLinkEveryAppOnceWithTheMinimumWrites() {
        storm(42, false);
    }

    /**
     * The same storm with apps' and clusters' writes from the resources topic (tags in the event; tag writes still from the
     * subscription topic): the same world, writes and guarantees. Its out-of-order deliveries carry stale snapshots, which
     * the passes' own reads make harmless.
     */
    @Test
    void theSameStormFromTheResourcesTopicEndsTheSame() {
        storm(42, true);
    }

    /** The same storm in other orders and timings. Slow (about a minute each): run with -Dtether.test.excludedGroups=none. */
    @Tag("slow")
    @ParameterizedTest
    @ValueSource(longs = {7, 1234, 20261202})
    void otherSeeds(long seed) {
        storm(seed, false);
    }

    private static void storm(long seed, boolean resourcesTopic) {
        WorldFile world = WorldFile.parse(FleetWorld.unlinked(APPS, CLUSTERS), "storm");
        try (Sandbox s = new Sandbox(world)) {
            Storm.Report report = Storm.run(s, new Storm.Spec(APPS, CLUSTERS, 1_000, seed, resourcesTopic));
            System.out.println("storm: " + report);
            assertEquals(List.of(), report.violations(), "never two active link instances for one resource");
            assertEquals(0, report.redeliveries(), "no delivery threw, so Event Grid redelivered nothing because of an exception");
            assertEquals(null, report.actions().get("failed, redelivered"), report.actions().toString());

            List<DurableDriver.InstanceView> links = s.durable().instances().stream()
                    .filter(v -> v.name().equals(Steps.LINK_SITE_ORCHESTRATION) || v.name().equals(Steps.LINK_CLUSTER_ORCHESTRATION)).toList();
            assertEquals(APPS + CLUSTERS, links.size(), "one link instance per resource, whatever the letter case of the event");
            for (DurableDriver.InstanceView v : links) {
                assertEquals("Completed", v.status(), v.instanceId() + ": " + v.failure());
                assertEquals("LINKED", Json.tree(v.output()).path("status").asText(), v.instanceId() + ": " + v.output());
            }

            WorldView w = new WorldView(s);
            for (int i = 0; i < APPS; i++) {
                String site = FleetWorld.siteId(i, CLUSTERS);
                JsonNode props = w.resource(site).orElseThrow().path("properties");
                assertTrue(props.path("virtualNetworkSubnetId").asText().contains("/virtualNetworks/vnet" + (i % CLUSTERS) + "/subnets/"), site);
                assertFalse(props.path("outboundVnetRouting").path("applicationTraffic").asBoolean(false), site + ": route-all not needed (10.x cluster)");
                JsonNode settings = w.appSettings(site);
                assertEquals("app" + i, settings.path("APP_NAME").asText());
                assertEquals("a=1;b=2", settings.path("FEATURE_FLAGS").asText());
            }
            for (int c = 0; c < CLUSTERS; c++) {
                JsonNode data = w.kube(FleetWorld.clusterId(c), "ConfigMap", "kube-system", "coredns-custom").orElseThrow().path("data");
                assertTrue(data.has("team.server"), "the team's key survives");
                assertTrue(data.path("tether.override").asText().contains("link" + c + ".internal"), data.toString());
                String ip = w.kube(FleetWorld.clusterId(c), "Service", "kube-system", "tether-dns").orElseThrow()
                        .path("status").path("loadBalancer").path("ingress").path(0).path("ip").asText();
                assertTrue(ip.startsWith("10." + (c + 1) + ".1."), "tether-dns takes its IP from the cluster's node subnet: " + ip);
                for (int i = c; i < APPS; i += CLUSTERS) {
                    assertEquals(ip, w.appSettings(FleetWorld.siteId(i, CLUSTERS)).path("WEBSITE_DNS_SERVER").asText(),
                            "app" + i + " points at its cluster's DNS");
                }
            }

            Map<String, Long> armWrites = writesByKind(s.calls().calls(), "arm");
            assertEquals(Map.of("PATCH site", (long) APPS, "PUT appsettings", (long) APPS, "PUT slotConfigNames", (long) APPS, "PUT subnet", (long) APPS),
                    armWrites, "ARM writes: the per-app minimum (with the DNS setting's slot-setting mark), 100 times");
            Map<String, Long> kubeWrites = writesByKind(s.calls().calls(), "kubernetes");
            assertEquals(Map.of("POST services", (long) CLUSTERS, "PATCH tether-dns", (long) CLUSTERS, "PATCH coredns-custom", (long) CLUSTERS,
                    "PATCH coredns", (long) CLUSTERS), kubeWrites, "Kubernetes writes: the per-cluster minimum, 10 times");
            assertEquals(0, report.armFailedWrites() + report.kubeFailedWrites(), "no write was refused");
            // The read governor keeps every step within Tether's share of ARM's read bucket: ARM never throttles.
            assertEquals(0, report.throttled(), "429s from ARM's read bucket");

            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "a drift scan afterwards finds nothing to fix");
        }
    }

    /** Successful writes, keyed by method and the last path segment (the kind of object written). */
    static Map<String, Long> writesByKind(List<CallLog.Call> calls, String target) {
        return calls.stream().filter(c -> c.target().equals(target) && c.isWrite() && c.status() > 0 && c.status() < 400)
                .collect(Collectors.groupingBy(c -> c.method() + " " + kind(c.path()), Collectors.counting()));
    }

    private static String kind(String path) {
        String p = path.replaceAll("\\?.*", "");
        if (p.contains("/subnets/")) {
            return "subnet";
        }
        if (p.endsWith("/config/appsettings")) {
            return "appsettings";
        }
        if (p.endsWith("/config/slotConfigNames")) {
            return "slotConfigNames";
        }
        if (p.contains("/Microsoft.Web/sites/")) {
            return "site";
        }
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
