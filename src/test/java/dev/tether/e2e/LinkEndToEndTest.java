package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A tagged app and a tagged cluster, linked end to end through the real SDKs and the real replay engine. */
class LinkEndToEndTest {

    static Sandbox linked() {
        Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"));
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        return s;
    }

    @Test
    void freshLinkProducesTheWholeManualRecipe() {
        ObjectNode before = DemoWorld.build();
        try (Sandbox s = linked()) {
            List<DurableDriver.InstanceView> runs = s.durable().instances();
            assertEquals(1, runs.size());
            assertEquals("Completed", runs.get(0).status(), runs.get(0).failure());
            WorldView w = new WorldView(s);

            // 1. A delegated /27 in the cluster's VNet, overlapping nothing.
            JsonNode subnet = w.subnets(DemoWorld.VNET_ID).stream().filter(n -> n.path("name").asText().equals("tether-DefaultAsp-148ff230"))
                    .findFirst().orElseThrow(() -> new AssertionError("no integration subnet in " + w.subnets(DemoWorld.VNET_ID)));
            Cidr cidr = Cidr.parse(subnet.path("properties").path("addressPrefix").asText());
            assertEquals(27, cidr.prefixLength());
            assertFalse(cidr.overlaps(Cidr.parse("10.0.1.0/24")));
            assertEquals("Microsoft.Web/serverFarms", subnet.path("properties").path("delegations").get(0).path("properties").path("serviceName").asText());

            // 2. The site joined; route-all stays off: the cluster's DNS range 10.0.1.0/24 is RFC 1918 (RouteAllTest).
            JsonNode site = w.resource(DemoWorld.SITE_ID).orElseThrow();
            assertTrue(site.path("properties").path("virtualNetworkSubnetId").asText().equalsIgnoreCase(subnet.path("id").asText()));
            assertFalse(site.path("properties").path("outboundVnetRouting").path("applicationTraffic").asBoolean(true), "route-all not needed");
            assertFalse(site.path("properties").path("siteConfig").path("vnetRouteAllEnabled").asBoolean(true), "and its siteConfig mirror");

            // 3. tether-dns: internal LB for kube-dns with its IP pinned.
            JsonNode dns = w.kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow();
            String ip = dns.path("status").path("loadBalancer").path("ingress").get(0).path("ip").asText();
            assertTrue(Cidr.parse("10.0.1.0/24").contains(Cidr.parseAddress(ip)), ip);
            assertEquals(ip, dns.path("metadata").path("annotations").path("service.beta.kubernetes.io/azure-load-balancer-ipv4").asText());
            assertEquals("true", dns.path("metadata").path("annotations").path("service.beta.kubernetes.io/azure-load-balancer-internal").asText());
            assertEquals("tether", dns.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());
            assertEquals("kube-dns", dns.path("spec").path("selector").path("k8s-app").asText());

            // 4. coredns-custom carries tether.override, every other key byte for byte.
            JsonNode cm = w.kube(DemoWorld.CLUSTER_ID, "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
            assertEquals("k8s_external shop.internal\n", cm.path("data").path("tether.override").asText());
            Map<String, String> original = DemoWorld.corednsCustomExamples();
            assertEquals(6, original.size(), "the six keys of the AKS docs' coredns-custom examples");
            original.forEach((k, v) -> assertEquals(v, cm.path("data").path(k).asText(), "coredns-custom key " + k));
            assertEquals(original.size() + 1, cm.path("data").size());

            // 5. WEBSITE_DNS_SERVER is that IP; all 50+ other settings kept.
            JsonNode settings = w.appSettings(DemoWorld.SITE_ID);
            assertEquals(ip, settings.path("WEBSITE_DNS_SERVER").asText());
            JsonNode seeded = before.path("appSettings").path(DemoWorld.SITE_ID);
            assertEquals(54, seeded.size(), "the reference app's settings");
            for (Iterator<Map.Entry<String, JsonNode>> it = seeded.fields(); it.hasNext(); ) {
                var e = it.next();
                assertEquals(e.getValue().asText(), settings.path(e.getKey()).asText(), "setting " + e.getKey());
            }
            // and the ownership record (docs/UNLINK.md) in the same PUT.
            assertEquals("v1;link=shop;ip=" + ip + ";subnet=tether-DefaultAsp-148ff230;subnetCreated=true;routeAll=user;slotMark=WEBSITE_DNS_SERVER",
                    settings.path("TETHER_LINK").asText(), "the record names the slot-setting mark this link added");
            assertEquals(seeded.size() + 2, settings.size());

            // The result reports each step's outcome.
            JsonNode out = w.result().path("orchestrations").get(0).path("output");
            assertEquals("LINKED", out.path("status").asText());
            assertEquals("CREATED", stepOutcome(out, "subnet"));
            assertEquals("UPDATED", stepOutcome(out, "site"));
            assertEquals("CREATED", stepOutcome(out, "dns-service"));
            assertEquals("CREATED", stepOutcome(out, "app-settings"));
        }
    }

    static String stepOutcome(JsonNode output, String step) {
        for (JsonNode s : output.path("steps")) {
            if (s.path("step").asText().equals(step)) {
                return s.path("outcome").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + output);
    }

    @Test
    void freshLinkWritesNoMoreThanTheMinimum() {
        try (Sandbox s = linked()) {
            List<CallLog.Call> writes = s.calls().writes();
            assertEquals(1, count(writes, "arm", "PUT", "/subnets/"), writes.toString());
            assertEquals(1, count(writes, "arm", "PATCH", "/sites/sitef6141"), writes.toString());
            assertEquals(1, count(writes, "arm", "PUT", "/config/appsettings"), writes.toString());
            // The DNS setting's slot-setting mark (issue 9 point 3): written for a site without slots too, so that a slot
            // created and swapped later cannot carry the setting away from the site's VNet integration.
            assertEquals(1, count(writes, "arm", "PUT", "/config/slotConfigNames"), writes.toString());
            assertEquals(1, count(writes, "kubernetes", "POST", "/services"), writes.toString());
            assertEquals(1, count(writes, "kubernetes", "PATCH", "/services/tether-dns"), "the IP pin: " + writes);
            assertEquals(1, count(writes, "kubernetes", "PATCH", "/configmaps/coredns-custom"), writes.toString());
            assertEquals(1, count(writes, "kubernetes", "PATCH", "/deployments/coredns"), writes.toString());
            assertEquals(8, writes.size(), "no other write: " + writes);
        }
    }

    @Test
    void tetherWaitsForTheSubnetOperationThroughItsInProgressPoll() {
        try (Sandbox s = linked()) {
            List<String> arm = s.calls().calls().stream().filter(c -> c.target().equals("arm"))
                    .map(c -> c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")).toList();
            int put = arm.indexOf("PUT 201 " + DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230");
            String op = "GET 200 /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-1";
            assertEquals(List.of("PUT 201 " + DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230", op, op,
                            "GET 200 " + DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230"),
                    arm.subList(put, put + 4), "EnsureSubnet's poller: InProgress (Retry-After 1 s), Succeeded, then the final GET: " + arm);
            assertEquals(17, arm.stream().filter(c -> c.startsWith("GET ") || c.startsWith("POST ")).count(),
                    "a fresh link's ARM reads: 16 before operations took time, one more for the InProgress poll (docs/ARM-READS.md): " + arm);
        }
    }

    static long count(List<CallLog.Call> calls, String target, String method, String pathPart) {
        return calls.stream().filter(c -> c.target().equals(target) && c.method().equals(method) && c.path().contains(pathPart)).count();
    }

    @Test
    void appSettingsPutAnsweredAsALongRunningOperationIsWaitedFor() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            s.arm().setAppSettingsPutLongRunning(true);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            List<String> settings = s.calls().calls().stream().filter(c -> c.target().equals("arm")
                            && (c.path().contains("/config/appsettings?") || c.path().contains("/operationResults/")))
                    .map(c -> c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")).toList();
            String op = "GET 200 /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Web/locations/eastus/operationResults/op-2";
            assertEquals(List.of("PUT 202 " + DemoWorld.SITE_ID + "/config/appsettings", op, op), settings,
                    "the PUT's operation (after the subnet's op-1) is InProgress at the first poll and Succeeded at the second; Tether only waits"
                            + " for the end and never asks for the final result, so no final GET");
            assertEquals("10.0.1.4", new WorldView(s).appSettings(DemoWorld.SITE_ID).path("WEBSITE_DNS_SERVER").asText());
            assertEquals(8, s.calls().writes().size(), "the minimum, with the slot-setting mark: " + s.calls().writes());
        }
    }

    @Test
    void aSecondIdenticalEventIsCoveredByThePassThatFollowedIt() {
        try (Sandbox s = linked()) {
            int mark = s.calls().size();
            assertEquals(List.of("ignored"), s.deliverAll(DemoWorld.events()));
            s.runUntilIdle();
            assertEquals(List.of(), s.calls().since(mark), "a redelivery of a write the last pass already saw costs no call");
            assertTrue(s.logLines().stream().anyMatch(l -> l.contains("already covered")), "the log says why");
        }
    }

    @Test
    void aRunningPassAbsorbsOlderEventsAndIsToldOfNewerOnes() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            s.clock().advance(java.time.Duration.ofMinutes(1));
            ObjectNode first = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a05",
                    s.clock().now());
            assertEquals("started", s.deliver(first.toString()));
            s.clock().advance(java.time.Duration.ofSeconds(10));
            assertTrue(s.durable().step(), "the pass begins and says when");
            assertEquals("Running", s.durable().instances().get(0).status());
            assertEquals("ignored", s.deliver(first.toString()), "a redelivery raised before the running pass began: it will see that write");
            ObjectNode newer = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a06",
                    s.clock().now());
            assertEquals("signaled", s.deliver(newer.toString()), "raised after the pass began: it may have read too early");
            s.runUntilIdle();
            assertEquals(2, s.durable().instances().get(0).executions(), "one more pass for the newer event");
        }
    }

    @Test
    void aNewerEventObservesAgainAndWritesNothing() {
        try (Sandbox s = linked()) {
            int mark = s.calls().size();
            ObjectNode newer = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a02",
                    s.clock().now());
            assertEquals("started", s.deliver(newer.toString()));
            s.runUntilIdle();
            List<CallLog.Call> again = s.calls().since(mark);
            String settings = "arm POST " + DemoWorld.SITE_ID + "/config/appsettings/list";
            String dns = "kubernetes GET /api/v1/namespaces/kube-system/services/tether-dns";
            String custom = "kubernetes GET /api/v1/namespaces/kube-system/configmaps/coredns-custom";
            String coredns = "kubernetes GET /apis/apps/v1/namespaces/kube-system/deployments/coredns";
            assertEquals(List.of("arm GET " + DemoWorld.SITE_ID, "arm GET " + DemoWorld.SITE_ID,
                    "arm GET /subscriptions/" + DemoWorld.SUB + "/resources", "arm GET " + DemoWorld.CLUSTER_ID, "arm GET " + DemoWorld.VNET_ID,
                    "arm GET " + DemoWorld.PLAN_ID,
                    // the pre-flight: tether-dns and coredns-custom (cluster), the app settings (a foreign DNS server), tether-dns's
                    // IP (the app names a DNS server), the site's slot settings (the mark is there: the step is skipped)
                    dns, custom, settings, dns, "arm GET " + DemoWorld.SITE_ID + "/config/slotConfigNames",
                    // the cluster DNS steps, then one readiness check (Services, tether-dns's EndpointSlices, CoreDNS)
                    dns, custom, coredns, "kubernetes GET /api/v1/services", "kubernetes GET /apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices",
                    coredns),
                    again.stream().map(c -> c.target() + " " + c.method() + " " + c.path().replaceAll("\\?.*", "")).toList(),
                    "the second pass only observes: 8 ARM reads (the trigger's site read among them; the app settings once, as the"
                            + " pre-flight already read them naming tether-dns's IP; the slot settings once) and 9 Kubernetes reads (docs/PERFORMANCE.md: no-op pass)");
            assertEquals(List.of(), again.stream().filter(CallLog.Call::isWrite).toList());
            assertEquals("Completed", s.durable().instances().get(0).status());
        }
    }

    @Test
    void anEventWithinTheClockSkewOfThePassIsNotTakenAsCovered() {
        try (Sandbox s = linked()) {
            String passStart = dev.tether.durable.Json.tree(s.durable().instances().get(0).output()).path("passStartedAt").asText();
            java.time.Instant justBefore = java.time.Instant.parse(passStart).minus(dev.tether.durable.LinkStarter.CLOCK_SKEW);
            ObjectNode close = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a03", justBefore);
            assertEquals("started", s.deliver(close.toString()), "raised within the skew of the pass's start: the pass may not have seen it");
            ObjectNode older = ReferenceEvents.writeSuccess(DemoWorld.SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-0000-4a49-9d55-7c2f3e1b6a04",
                    justBefore.minusMillis(1));
            s.runUntilIdle();
            String second = dev.tether.durable.Json.tree(s.durable().instances().get(0).output()).path("passStartedAt").asText();
            assertEquals("2026-01-01T00:00:00Z", passStart);
            assertEquals("2026-01-01T00:00:47.004Z", second, "the second pass starts once the first has finished (its DNS readiness wait: the IP at 30 s,"
                    + " CoreDNS rolled out at 35 s, seen by the check at 45 s; the subnet PUT's operation, InProgress for one 1 s Retry-After; and the 1 s recheck window)");
            assertEquals("ignored", s.deliver(older.toString()), "older than the newest pass by more than the skew");
        }
    }

    @Test
    void fiveDuplicateEventsGiveOneOrchestration() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            ArrayNode five = DemoWorld.events();
            for (int i = 0; i < 4; i++) {
                five.add(five.get(0).deepCopy());
            }
            List<String> actions = s.deliverAll(five);
            assertEquals(List.of("started", "signaled", "signaled", "signaled", "signaled"), actions);
            s.runUntilIdle();
            assertEquals(1, s.durable().instances().size());
            assertEquals("Completed", s.durable().instances().get(0).status());
            assertEquals(8, s.calls().writes().size(), "duplicates add no writes (the minimum is 8, the slot-setting mark included): " + s.calls().writes());
        }
    }
}
