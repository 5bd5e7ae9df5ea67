package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bad-input catalog: every case, what goes in, and the message Tether answers. {@code docs/BAD-INPUT.md} is
 * generated from this table ({@code mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.e2e.BadInputCatalog})
 * and BadInputCatalogTest runs every case: the message, zero writes, and the process keeps serving.
 */
public final class BadInputCatalog {
    private static final ObjectMapper M = new ObjectMapper();
    public static final Path DOC = Path.of("docs", "BAD-INPUT.md");

    /** One case: build the world, act on the sandbox, return what Tether said. */
    public record Case(String id, String category, String input, String expected, Consumer<ObjectNode> world, Function<Sandbox, String> act) {
    }

    static String event(Sandbox s, String body) {
        s.deliver(body);
        s.runUntilIdle();
        List<String> lines = s.logLines();
        return lines.get(lines.size() - 1);
    }

    static String link(Sandbox s) {
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        var v = s.durable().instances().get(0);
        return v.status() + ": " + v.failure() + " " + v.output();
    }

    static String http(Sandbox s, String spec, String body) {
        var e = s.http(spec, body, Map.of("Accept", "application/json"));
        return e.status() + " " + e.body();
    }

    static String services(Sandbox s) {
        s.deliverAll(ServicesTest.events(ServicesTest.LB_ID, "Microsoft.Network/loadBalancers/write"));
        s.runUntilIdle();
        return s.durable().instances().get(0).output();
    }

    static ObjectNode write(String uri, String op) {
        return ReferenceEvents.writeSuccess(uri, op, "bad");
    }

    /** A cluster tag event, run to the end: the cluster pass's failure. */
    static String clusterPass(Sandbox s) {
        s.deliverAll(ClusterLinkTest.clusterTagEvent());
        s.runUntilIdle();
        return s.durable().instances().get(0).failure();
    }

    static Consumer<ObjectNode> none() {
        return w -> { };
    }

    static Consumer<ObjectNode> clusterTag(String name, String value) {
        return w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").get("tags")).put(name, value);
    }

    static Consumer<ObjectNode> siteTag(String name, String value) {
        return w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put(name, value);
    }

    static Consumer<ObjectNode> service(ObjectNode svc) {
        return w -> ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).add(svc);
    }

    static Consumer<ObjectNode> clusterAccess(Consumer<ObjectNode> edit) {
        return w -> edit.accept(((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").get("properties"))
                .putObject("apiServerAccessProfile"));
    }

    static Consumer<ObjectNode> corednsKey(String key, String value) {
        return w -> ((ObjectNode) ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).get(0).get("data")).put(key, value);
    }

    /** A tether-dns someone else created: no Tether label, selecting a pod set of its own. */
    static ObjectNode foreignDnsService() {
        ObjectNode svc = ServicesTest.service("kube-system", "tether-dns", "LoadBalancer",
                Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true"), null);
        ((ObjectNode) svc.get("spec")).putObject("selector").put("k8s-app", "kube-dns").put("team", "platform");
        return svc;
    }

    public static List<Case> cases() {
        String site = DemoWorld.SITE_ID;
        String foreign = site.replace(DemoWorld.SUB, "11111111-2222-3333-4444-555555555555");
        List<Case> c = new ArrayList<>();
        BadInputEventCases.add(c, site, foreign);
        BadInputLinkCases.add(c, site, foreign);
        BadInputHttpCases.add(c, site, foreign);
        BadInputClusterCases.add(c, site, foreign);
        return c;
    }

    interface KubeWrite {
        void run() throws Exception;
    }

    /** The API server's answer to a write the guard refuses: code, reason and message of the Status. */
    static String admission(Sandbox s, KubeWrite write) {
        try {
            write.run();
            return "allowed";
        } catch (io.kubernetes.client.openapi.ApiException e) {
            try {
                com.fasterxml.jackson.databind.JsonNode status = M.readTree(e.getResponseBody());
                return e.getCode() + " " + status.path("reason").asText() + ": " + status.path("message").asText();
            } catch (java.io.IOException bad) {
                return e.getCode() + " " + e.getResponseBody();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The guard as Tether writes it for {@code policy} (its policy and binding), and optionally a Service, in the cluster. */
    static Consumer<ObjectNode> guard(dev.tether.plan.ClusterPolicy policy, ObjectNode service) {
        return w -> {
            ArrayNode objects = (ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID);
            for (String kind : List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")) {
                ObjectNode o = objects.addObject();
                o.put("apiVersion", dev.tether.plan.ExposureGuardPlan.API_VERSION).put("kind", kind);
                o.putObject("metadata").put("name", dev.tether.plan.ExposureGuardPlan.NAME).putObject("labels").put("app.kubernetes.io/managed-by", "tether");
                o.set("spec", M.valueToTree(kind.equals("ValidatingAdmissionPolicy") ? dev.tether.plan.ExposureGuardPlan.policySpec(policy)
                        : dev.tether.plan.ExposureGuardPlan.bindingSpec(policy)));
            }
            if (service != null) {
                objects.add(service);
            }
        };
    }

    static ObjectNode headless() {
        ObjectNode h = ServicesTest.service("default", "headless", "ClusterIP", Map.of("tether.dev/private", "true"), null);
        ((ObjectNode) h.get("spec")).put("clusterIP", "None");
        return h;
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder("# Bad input: what Tether answers\n\n"
                + "Generated from `BadInputCatalog` (src/test/java/dev/tether/e2e); `BadInputCatalogTest` runs every case and checks the message,"
                + " that nothing was written to ARM or Kubernetes, and that Tether keeps serving. Event cases end in the `event.handled` log line"
                + " (the event is dropped, not retried); link cases end the orchestration as Failed; HTTP cases answer 400 (404 for a resource that does not exist); Service cases are"
                + " reported per Service in the reconcile output; admission cases are the cluster's API server refusing a Service write under the exposure"
                + " guard (a 422 Invalid Status, to whoever wrote the Service).\n\n| Case | Kind | Input | Message contains |\n|---|---|---|---|\n");
        for (Case c : cases()) {
            sb.append("| ").append(c.id()).append(" | ").append(c.category()).append(" | ").append(c.input().replace("|", "\\|"))
                    .append(" | `").append(c.expected()).append("` |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        Files.createDirectories(DOC.getParent());
        Files.writeString(DOC, markdown());
        System.out.println("wrote " + DOC.toAbsolutePath() + " (" + cases().size() + " cases)");
        Runtime.getRuntime().halt(0);
    }
}
