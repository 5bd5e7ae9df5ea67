package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code bench-exposure}: how long a Service annotated {@code tether.dev/private: "true"} but created as a public
 * LoadBalancer is reachable from the internet, in virtual time, without and with the exposure guard.
 * <p>Assumptions (stated in the output): the AKS load-balancer controller gives the Service its public frontend, and
 * later moves it to the internal load balancer, {@code lbDelay} after the write (the sandbox's controller; 30 s by
 * default); Event Grid delivers the public IP's ResourceWriteSuccess {@code delivery} after ARM wrote it (Microsoft does
 * not publish a latency figure; a few seconds is typical, retries after a failed delivery take minutes). Tether's own
 * processing takes no virtual time (its activities run between clock ticks), so the figures are the platform's delays
 * that Tether's reaction cannot remove, and that the guard removes.
 * <p>The path is the real one, end to end in one world: the controller's public frontend writes the Service's public
 * IP into ARM (node resource group, AKS's tags), ARM's write event goes through the sandbox's Event Grid path to
 * Tether's trigger, which finds the Service from the IP's tags and patches it. Nothing is seeded.
 */
final class ExposureBench {
    static final String PUBLIC_POOL_PREFIX = "203.0.113.";
    /** Event Grid delivery latencies measured by default: a typical few seconds, and a delivery that needed a retry. */
    static final List<Integer> DELIVERY_SECONDS = List.of(2, 10, 60);

    private ExposureBench() {
    }

    /** One run's timeline, seconds after the Service was created; -1 when it never happened. */
    record Timeline(long publicIp, long patched, long private_, boolean refused) {
    }

    static int run(PrintStream out, List<Integer> deliverySeconds, int lbDelaySeconds) {
        out.println("Tether exposure bench: an opted-in Service (tether.dev/private: \"true\") created as a public LoadBalancer in a linked cluster");
        out.println("Assumptions: load-balancer controller delay " + lbDelaySeconds + " s (public IP assigned, and later the frontend moved to the"
                + " internal LB, that long after the write); Event Grid delivery latency as listed; Tether's processing takes no virtual time.");
        out.println("Path: the controller's public frontend creates the Service's public IP in the node resource group (AKS's tags); ARM's"
                + " write event reaches Tether's Event Grid trigger after the delivery latency; Tether reads the IP's tags and patches the Service.");
        Table t = new Table("GUARD", "EVENT GRID DELIVERY", "PUBLIC IP AT", "TETHER'S PATCH AT", "PRIVATE AT", "EXPOSED UNTIL PATCH", "EXPOSED IN ALL");
        for (int delivery : deliverySeconds) {
            Timeline w = measure(false, delivery, lbDelaySeconds);
            t.row("off", delivery + " s", w.publicIp() + " s", w.patched() + " s", w.private_() + " s",
                    (w.patched() - w.publicIp()) + " s", (w.private_() - w.publicIp()) + " s");
        }
        Timeline g = measure(true, deliverySeconds.get(0), lbDelaySeconds);
        t.row("on", "-", g.publicIp() < 0 ? "never" : g.publicIp() + " s", "-", "-", g.refused() ? "0 s (refused: 422)" : "NOT REFUSED",
                g.publicIp() < 0 ? "0 s" : "EXPOSED");
        t.print(out);
        out.println("  Without the guard the window is the controller delay plus Event Grid's delivery until Tether's patch, and one more");
        out.println("  controller delay until AKS has moved the frontend; with the guard the API server refuses the Service before it exists.");
        return g.refused() && g.publicIp() < 0 ? 0 : 1;
    }

    static Timeline measure(boolean guard, int deliverySeconds, int lbDelaySeconds) {
        ObjectNode world = DemoWorld.build();
        for (JsonNode r : world.path("resources")) {
            if (r.path("id").asText().equals(DemoWorld.CLUSTER_ID) && guard) {
                ((ObjectNode) r.get("tags")).put("private-link-guard", "true");
            }
        }
        WorldFile wf = WorldFile.parse(world, "exposure");
        Sandbox.Options options = new Sandbox.Options(Duration.ofSeconds(lbDelaySeconds), Sandbox.Options.defaults(wf).config());
        try (Sandbox s = new Sandbox(wf, options)) {
            // One world: nothing is seeded in ARM. The controller's public frontend creates the Service's public IP in the
            // node resource group, and its write event reaches Tether's Event Grid trigger this long after ARM raised it.
            s.setEventGridLatency(Duration.ofSeconds(deliverySeconds));
            s.deliverAll(DemoWorld.events());
            ArrayNode tagged = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
            tagged.add(ReferenceEvents.writeSuccess(DemoWorld.CLUSTER_ID + "/providers/Microsoft.Resources/tags/default",
                    "Microsoft.Resources/tags/write", "tag-cluster", s.clock().now()));
            s.deliverAll(tagged); // the cluster's own pass writes (or, without the tag, checks for) the guard
            s.runUntilIdle();
            Instant t0 = s.clock().now();
            V1Service svc = new V1Service().apiVersion("v1").kind("Service")
                    .metadata(new V1ObjectMeta().name("web").namespace("shop").annotations(Map.of("tether.dev/private", "true")))
                    .spec(new V1ServiceSpec().type("LoadBalancer").selector(Map.of("app", "web"))
                            .ports(List.of(new V1ServicePort().port(80).protocol("TCP").targetPort(new IntOrString(8080)))));
            try {
                new CoreV1Api(s.kubernetes().userClient(DemoWorld.CLUSTER_ID)).createNamespacedService("shop", svc).execute();
            } catch (ApiException e) {
                if (e.getCode() != 422) {
                    throw new IllegalStateException("create answered " + e.getCode() + ": " + e.getResponseBody(), e);
                }
                s.clock().advance(Duration.ofSeconds(lbDelaySeconds * 3L));
                boolean ipInArm = s.arm().resources().stream().anyMatch(r -> "shop/web".equals(r.path("tags").path("k8s-azure-service").asText()));
                return new Timeline(publicSince(s, t0) >= 0 || ipInArm ? publicSince(s, t0) : -1, -1, -1, true);
            }
            String uid = service(s).path("metadata").path("uid").asText();
            String ipId = s.publicIpId(DemoWorld.CLUSTER_ID, uid);
            long publicAt = waitFor(s, t0, lbDelaySeconds * 3, true);
            if (s.arm().resource(ipId).isEmpty()) {
                throw new IllegalStateException("the controller gave shop/web a public address but wrote no public IP " + ipId);
            }
            // Time runs on a second at a time: the event is delivered when it is due, and Tether's work runs as it comes.
            long patchedAt = -1;
            for (int i = 0; i <= deliverySeconds + 5 && patchedAt < 0; i++) {
                while (!internal(service(s)) && s.durable().step()) {
                    // Tether's work, one step at a time: the first step after its patch has landed stops the loop
                }
                if (internal(service(s))) {
                    patchedAt = Duration.between(t0, s.clock().now()).toSeconds();
                } else {
                    s.clock().advance(Duration.ofSeconds(1));
                }
            }
            if (patchedAt < 0) {
                throw new IllegalStateException("Tether did not make shop/web internal after the public IP's event: " + service(s));
            }
            s.runUntilIdle();
            long privateAt = waitFor(s, t0, lbDelaySeconds * 3, false);
            if (s.arm().resource(ipId).isPresent()) {
                throw new IllegalStateException("the public IP " + ipId + " outlived the public frontend");
            }
            return new Timeline(publicAt, patchedAt, privateAt, false);
        }
    }

    private static JsonNode service(Sandbox s) {
        return s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElse(null);
    }

    private static boolean internal(JsonNode svc) {
        return "true".equals(svc.path("metadata").path("annotations").path("service.beta.kubernetes.io/azure-load-balancer-internal").asText());
    }

    private static boolean isPublic(JsonNode svc) {
        return svc != null && svc.path("status").path("loadBalancer").path("ingress").path(0).path("ip").asText("").startsWith(PUBLIC_POOL_PREFIX);
    }

    /** Advances the clock a second at a time until the Service is (or is no longer) public; seconds after t0. */
    private static long waitFor(Sandbox s, Instant t0, int maxSeconds, boolean wantPublic) {
        for (int i = 0; i <= maxSeconds; i++) {
            if (isPublic(service(s)) == wantPublic) {
                return Duration.between(t0, s.clock().now()).toSeconds();
            }
            s.clock().advance(Duration.ofSeconds(1));
        }
        throw new IllegalStateException("shop/web was still " + (wantPublic ? "not public" : "public") + " after " + maxSeconds + " s: " + service(s));
    }

    /** Seconds after t0 the Service became public, or -1 if it never existed publicly. */
    private static long publicSince(Sandbox s, Instant t0) {
        return isPublic(service(s)) ? Duration.between(t0, s.clock().now()).toSeconds() : -1;
    }
}
