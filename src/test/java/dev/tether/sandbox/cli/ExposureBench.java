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
 * <p>Assumptions (stated in the output): the AKS load-balancer controller gives the Service its public IP, and later
 * moves its frontend to the internal load balancer, {@code lbDelay} after the write (the sandbox's controller; 30 s by
 * default); Event Grid delivers the public IP's ResourceWriteSuccess {@code delivery} after ARM wrote it (Microsoft does
 * not publish a latency figure; a few seconds is typical, retries after a failed delivery take minutes). Tether's own
 * processing takes no virtual time (its activities run between clock ticks), so the figures are the platform's delays
 * that Tether's reaction cannot remove, and that the guard removes.
 */
final class ExposureBench {
    static final String NODE_RG = "MC_rg1_clustername1_location1";
    static final String PUBLIC_IP_ID = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/" + NODE_RG
            + "/providers/Microsoft.Network/publicIPAddresses/kubernetes-a1b2c3d4e5f6";
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
        // The public IP AKS's cloud provider creates for shop/web in the node resource group (the sandbox's controller
        // assigns addresses in Kubernetes only; ARM's resource is seeded, as AKS would write it).
        ObjectNode ip = ((ArrayNode) world.get("resources")).addObject();
        ip.put("id", PUBLIC_IP_ID).put("name", "kubernetes-a1b2c3d4e5f6").put("type", "Microsoft.Network/publicIPAddresses").put("location", "eastus");
        ip.putObject("tags").put("k8s-azure-service", "shop/web").put("k8s-azure-cluster-name", "kubernetes");
        ip.putObject("sku").put("name", "Standard").put("tier", "Regional");
        ip.putObject("properties").put("ipAddress", PUBLIC_POOL_PREFIX + "1").put("publicIPAllocationMethod", "Static").put("provisioningState", "Succeeded");
        WorldFile wf = WorldFile.parse(world, "exposure");
        Sandbox.Options options = new Sandbox.Options(Duration.ofSeconds(lbDelaySeconds), Sandbox.Options.defaults(wf).config());
        try (Sandbox s = new Sandbox(wf, options)) {
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
                return new Timeline(publicSince(s, t0), -1, -1, true);
            }
            long publicAt = waitFor(s, t0, lbDelaySeconds * 3, true);
            s.clock().advance(Duration.ofSeconds(deliverySeconds));
            ArrayNode events = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
            events.add(ReferenceEvents.writeSuccess(PUBLIC_IP_ID, "Microsoft.Network/publicIPAddresses/write", "public-ip-web", t0.plusSeconds(publicAt)));
            s.deliverAll(events);
            while (!internal(service(s)) && s.durable().step()) {
                // step the durable work until Tether's patch has landed: its virtual time is the patch's
            }
            if (!internal(service(s))) {
                throw new IllegalStateException("Tether did not make shop/web internal: " + service(s));
            }
            long patchedAt = Duration.between(t0, s.clock().now()).toSeconds();
            s.runUntilIdle();
            long privateAt = waitFor(s, t0, lbDelaySeconds * 3, false);
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
