package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.GsonBuilder;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.ApiResponse;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.PatchUtils;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The exposure guard: Tether writes a ValidatingAdmissionPolicy and its binding, and the API server (the sandbox's,
 * evaluating the policy with a real CEL engine) refuses public Services before any IP exists. Services are created the
 * way a team would, through client-java.
 */
class ExposureGuardTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal";
    static final String POLICIES = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies";
    static final String BINDINGS = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings";
    static final String DISCOVERY = "/apis/admissionregistration.k8s.io/v1/";
    /** The pre-flight of a cluster pass with the guard on: discovery, then each object (found with {@code status}). */
    static List<String> preflight(int policy, int binding) {
        return List.of("GET " + DISCOVERY + " 200", "GET " + POLICIES + "/tether-exposure-guard " + policy, "GET " + BINDINGS + "/tether-exposure-guard " + binding);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
    static final String DENIED = "ValidatingAdmissionPolicy 'tether-exposure-guard' with binding 'tether-exposure-guard' denied request: ";
    static final String ANNOTATED_FIX = " is annotated tether.dev/private: \"true\" and would get a public IP. Fix: add the annotation"
            + " service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"";

    static ObjectNode world(Map<String, String> clusterTags) {
        ObjectNode w = DemoWorld.build();
        for (JsonNode r : w.path("resources")) {
            if (r.path("id").asText().equals(DemoWorld.CLUSTER_ID)) {
                clusterTags.forEach(((ObjectNode) r.get("tags"))::put);
            }
        }
        return w;
    }

    static Sandbox linked(Map<String, String> clusterTags) {
        Sandbox s = new Sandbox(WorldFile.parse(world(clusterTags), "guard"));
        s.deliverAll(ClusterLinkTest.clusterTagEvent());
        s.runUntilIdle();
        DurableDriver.InstanceView cluster = s.durable().instances().get(0);
        assertEquals("Completed", cluster.status(), cluster.failure());
        return s;
    }

    /** The guard's calls (method and path) since {@code mark}. */
    static List<String> guardCalls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(c -> c.path().contains("admissionregistration.k8s.io"))
                .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList();
    }

    static V1Service service(String ns, String name, String type, Map<String, String> annotations) {
        return new V1Service().apiVersion("v1").kind("Service")
                .metadata(new V1ObjectMeta().name(name).namespace(ns).annotations(annotations.isEmpty() ? null : new HashMap<>(annotations)))
                .spec(new V1ServiceSpec().type(type).selector(Map.of("app", name))
                        .ports(List.of(new V1ServicePort().port(80).protocol("TCP").targetPort(new IntOrString(8080)))));
    }

    static ApiResponse<V1Service> create(Sandbox s, V1Service svc) throws ApiException {
        ApiClient user = s.kubernetes().userClient(DemoWorld.CLUSTER_ID);
        return new CoreV1Api(user).createNamespacedService(svc.getMetadata().getNamespace(), svc).executeWithHttpInfo();
    }

    /** The API server's answer to a refused create: the status code and the Status body. */
    static JsonNode refused(Sandbox s, V1Service svc) throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> create(s, svc));
        JsonNode status = M.readTree(e.getResponseBody());
        assertEquals(e.getCode(), status.path("code").asInt());
        return status;
    }

    static void patch(Sandbox s, String ns, String name, Map<String, Object> mergePatch) throws ApiException {
        ApiClient user = s.kubernetes().userClient(DemoWorld.CLUSTER_ID);
        CoreV1Api core = new CoreV1Api(user);
        PatchUtils.patch(V1Service.class, () -> core.patchNamespacedService(name, ns,
                        new V1Patch(new GsonBuilder().serializeNulls().create().toJson(mergePatch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, user);
    }

    static boolean exists(Sandbox s, String ns, String name) {
        return s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", ns, name).isPresent();
    }

    static String guardStep(Sandbox s) throws Exception {
        return ServicesTest.step(clusterOutput(s), "exposure-guard");
    }

    static JsonNode clusterOutput(Sandbox s) throws Exception {
        String id = dev.tether.durable.LinkStarter.linkInstanceId(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID));
        return M.readTree(s.durable().instance(id).orElseThrow().output());
    }

    @Test
    void underAnnotatedTheApiServerRefusesAPublicOptedInServiceOnCreateAndUpdate() throws Exception {
        try (Sandbox s = linked(Map.of("private-link-guard", "true"))) {
            assertEquals(concat(preflight(404, 404), List.of("GET " + POLICIES + "/tether-exposure-guard 404", "GET " + BINDINGS + "/tether-exposure-guard 404",
                    "POST " + POLICIES + " 201", "POST " + BINDINGS + " 201")), guardCalls(s, 0),
                    "the pre-flight (API served, names free), then the step reads each once and writes a policy and its binding");
            assertTrue(guardStep(s).startsWith("CREATED ValidatingAdmissionPolicy create, ValidatingAdmissionPolicyBinding create; guard"
                    + " tether-exposure-guard denies under policy annotated"), guardStep(s));
            JsonNode binding = M.readTree(M.writeValueAsString(s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1()
                    .validatingAdmissionPolicyBindings().withName("tether-exposure-guard").get()));
            assertEquals("[\"Deny\"]", binding.path("spec").path("validationActions").toString());
            assertEquals("tether", binding.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText());

            JsonNode status = refused(s, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")));
            assertEquals(422, status.path("code").asInt());
            assertEquals("Invalid", status.path("reason").asText());
            assertEquals("Failure", status.path("status").asText());
            assertEquals("services \"web\" is forbidden: " + DENIED + "Service shop/web" + ANNOTATED_FIX, status.path("message").asText());
            assertEquals("{\"name\":\"web\",\"kind\":\"services\",\"causes\":[{\"message\":\"" + (DENIED + "Service shop/web" + ANNOTATED_FIX).replace("\"", "\\\"")
                    + "\"}]}", status.path("details").toString());
            assertFalse(exists(s, "shop", "web"), "refused before it exists: no public IP ever");

            assertEquals(201, create(s, service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true", INTERNAL, "true"))).getStatusCode());
            assertEquals(201, create(s, service("shop", "public-on-purpose", "LoadBalancer", Map.of())).getStatusCode(), "not opted in");
            assertEquals(201, create(s, service("shop", "api", "ClusterIP", Map.of("tether.dev/private", "true"))).getStatusCode(),
                    "a ClusterIP gets no public IP: Tether makes it internal");

            Map<String, Object> flip = new LinkedHashMap<>();
            Map<String, Object> annotations = new HashMap<>();
            annotations.put(INTERNAL, null);
            flip.put("metadata", Map.of("annotations", annotations));
            ApiException e = assertThrows(ApiException.class, () -> patch(s, "shop", "web", flip));
            assertEquals(422, e.getCode());
            assertEquals("services \"web\" is forbidden: " + DENIED + "Service shop/web" + ANNOTATED_FIX, M.readTree(e.getResponseBody()).path("message").asText());
            assertEquals("true", s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow()
                    .path("metadata").path("annotations").path(INTERNAL).asText(), "the update was refused: still internal");
            ApiException toPublic = assertThrows(ApiException.class, () -> patch(s, "shop", "web", Map.of("metadata", Map.of("annotations", Map.of(INTERNAL, "false")))));
            assertEquals(422, toPublic.getCode());

            int mark = s.calls().size();
            clusterEvent(s);
            assertEquals(concat(preflight(200, 200), List.of("GET " + POLICIES + "/tether-exposure-guard 200", "GET " + BINDINGS + "/tether-exposure-guard 200")),
                    guardCalls(s, mark));
            assertTrue(guardStep(s).startsWith("UNCHANGED ValidatingAdmissionPolicy none, ValidatingAdmissionPolicyBinding none"), guardStep(s));
        }
    }

    @Test
    void underAllLoadBalancersEveryPublicLoadBalancerIsRefusedUnlessOptedOut() throws Exception {
        try (Sandbox s = linked(Map.of("private-link-guard", "true", "private-link-policy", "all-loadbalancers"))) {
            JsonNode status = refused(s, service("shop", "web", "LoadBalancer", Map.of()));
            assertEquals(422, status.path("code").asInt());
            assertEquals("services \"web\" is forbidden: " + DENIED + "Service shop/web is a LoadBalancer in a cluster whose private-link-policy"
                    + " covers every LoadBalancer and would get a public IP. Fix: add the annotation service.beta.kubernetes.io/azure-load-balancer-internal:"
                    + " \"true\" (or tether.dev/private: \"false\" to keep it public)", status.path("message").asText());
            assertEquals(201, create(s, service("shop", "kept-public", "LoadBalancer", Map.of("tether.dev/private", "false"))).getStatusCode());
            assertEquals(201, create(s, service("shop", "internal", "LoadBalancer", Map.of(INTERNAL, "true"))).getStatusCode());
            assertEquals(201, create(s, service("shop", "cluster-only", "ClusterIP", Map.of())).getStatusCode());
            assertEquals(List.of(), create(s, service("shop", "internal-2", "LoadBalancer", Map.of(INTERNAL, "true"))).getHeaders()
                    .getOrDefault("warning", List.of()));
        }
    }

    @Test
    void underAuditTheApiServerWarnsAndStoresTheService() throws Exception {
        try (Sandbox s = linked(Map.of("private-link-guard", "true", "private-link-policy", "audit"))) {
            JsonNode binding = M.readTree(M.writeValueAsString(s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1()
                    .validatingAdmissionPolicyBindings().withName("tether-exposure-guard").get()));
            assertEquals("[\"Warn\",\"Audit\"]", binding.path("spec").path("validationActions").toString());
            ApiResponse<V1Service> r = create(s, service("shop", "web", "LoadBalancer", Map.of()));
            assertEquals(201, r.getStatusCode());
            assertEquals(List.of("299 - \"Validation failed for ValidatingAdmissionPolicy 'tether-exposure-guard' with binding 'tether-exposure-guard':"
                    + " Service shop/web is a LoadBalancer in a cluster whose private-link-policy covers every LoadBalancer and would get a public IP."
                    + " Fix: add the annotation service.beta.kubernetes.io/azure-load-balancer-internal: \\\"true\\\" (or tether.dev/private:"
                    + " \\\"false\\\" to keep it public)\""), r.getHeaders().get("warning"));
            assertTrue(exists(s, "shop", "web"));
        }
    }

    @Test
    void changingThePolicyPatchesOnlyThePolicyAndRemovingTheTagOrTheLinkRemovesBoth() throws Exception {
        try (Sandbox s = linked(Map.of("private-link-guard", "true"))) {
            setClusterTag(s, "private-link-policy", "all-loadbalancers");
            int mark = s.calls().size();
            clusterEvent(s);
            assertEquals(concat(preflight(200, 200), List.of("GET " + POLICIES + "/tether-exposure-guard 200", "GET " + BINDINGS + "/tether-exposure-guard 200",
                    "PATCH " + POLICIES + "/tether-exposure-guard 200")), guardCalls(s, mark), "the binding (Deny either way) is unchanged");
            assertEquals(422, refused(s, service("shop", "web", "LoadBalancer", Map.of())).path("code").asInt(), "the new policy is in force");

            setClusterTag(s, "private-link-guard", null);
            mark = s.calls().size();
            clusterEvent(s);
            assertEquals(List.of("GET " + BINDINGS + "/tether-exposure-guard 200", "GET " + POLICIES + "/tether-exposure-guard 200",
                    "DELETE " + BINDINGS + "/tether-exposure-guard 200", "DELETE " + POLICIES + "/tether-exposure-guard 200"), guardCalls(s, mark),
                    "the binding goes first, so it never names a missing policy");
            assertEquals(201, create(s, service("shop", "web", "LoadBalancer", Map.of())).getStatusCode(), "no guard any more");

            mark = s.calls().size();
            clusterEvent(s);
            assertEquals(List.of("GET " + BINDINGS + "/tether-exposure-guard 404", "GET " + POLICIES + "/tether-exposure-guard 404"), guardCalls(s, mark));
            assertEquals(List.of("PATCH /api/v1/namespaces/shop/services/web"), s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                    .map(c -> c.method() + " " + c.path()).toList(), "without the guard the public Service existed until Tether made it internal");

            mark = s.calls().size();
            clusterEvent(s);
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "a second pass writes nothing");
        }
    }

    @Test
    void unlinkingTheClusterRemovesItsGuard() throws Exception {
        try (Sandbox s = linked(Map.of("private-link-guard", "true"))) {
            setClusterTag(s, "private-link", null);
            int mark = s.calls().size();
            assertEquals(List.of("started"), clusterEvent(s));
            assertEquals(List.of("GET " + BINDINGS + "/tether-exposure-guard 200", "GET " + POLICIES + "/tether-exposure-guard 200",
                    "DELETE " + BINDINGS + "/tether-exposure-guard 200", "DELETE " + POLICIES + "/tether-exposure-guard 200"), guardCalls(s, mark));
            assertEquals("NOT_TAGGED", clusterOutput(s).path("status").asText());

            mark = s.calls().size();
            assertEquals(List.of("ignored"), clusterEvent(s), "once removed, an untagged cluster costs no pass");
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
        }
    }

    @Test
    void aPolicyWithTheGuardsNameThatIsNotTethersIsLeftAloneAndThePassFailsWithTheFix() throws Exception {
        ObjectNode w = world(Map.of("private-link-guard", "true"));
        ObjectNode theirs = ((com.fasterxml.jackson.databind.node.ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).addObject();
        theirs.put("apiVersion", "admissionregistration.k8s.io/v1").put("kind", "ValidatingAdmissionPolicy");
        theirs.putObject("metadata").put("name", "tether-exposure-guard");
        ObjectNode rule = theirs.putObject("spec").putObject("matchConstraints").putArray("resourceRules").addObject();
        rule.putArray("apiGroups").add("apps");
        rule.putArray("apiVersions").add("v1");
        rule.putArray("operations").add("CREATE");
        rule.putArray("resources").add("deployments");
        ((ObjectNode) theirs.get("spec")).putArray("validations").addObject().put("expression", "object.spec.replicas <= 5");
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "taken"))) {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
            String id = dev.tether.durable.LinkStarter.linkInstanceId(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID));
            DurableDriver.InstanceView cluster = s.durable().instance(id).orElseThrow();
            assertEquals("Failed", cluster.status());
            assertEquals("GUARD_NAME_TAKEN: a ValidatingAdmissionPolicy named tether-exposure-guard exists"
                    + " and is not labelled app.kubernetes.io/managed-by: tether, so Tether leaves it alone. Fix: delete or rename it, or remove"
                    + " the private-link-guard tag", cluster.failure());
            assertEquals(preflight(200, 404), guardCalls(s, 0), "checked in the pre-flight, before the DNS");
            assertPreflightOnly(s);
            assertEquals("object.spec.replicas <= 5", s.kubernetes().list(DemoWorld.CLUSTER_ID, "ValidatingAdmissionPolicy").get(0)
                    .path("spec").path("validations").get(0).path("expression").asText(), "theirs, untouched");
        }
    }

    /**
     * A cluster on Kubernetes 1.29 serves no ValidatingAdmissionPolicy: the pre-flight's discovery read finds it, and the
     * pass is refused before anything is written (no tether-dns, no CoreDNS override, no guard).
     */
    @Test
    void aClusterWithoutTheAdmissionPolicyApiIsRefusedInThePreflightWithZeroWrites() throws Exception {
        ObjectNode w = onKubernetes(world(Map.of("private-link-guard", "true")), "1.29.9");
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "old cluster"))) {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
            String id = dev.tether.durable.LinkStarter.linkInstanceId(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID));
            DurableDriver.InstanceView cluster = s.durable().instance(id).orElseThrow();
            assertEquals("Failed", cluster.status());
            assertEquals("GUARD_API_MISSING: cluster clustername1 does not serve admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and"
                    + " ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them). Fix: upgrade the cluster to Kubernetes 1.30 or later,"
                    + " or remove the private-link-guard tag", cluster.failure());
            assertEquals(List.of("GET " + DISCOVERY + " 200"), guardCalls(s, 0), "one discovery read, nothing more of the guard's");
            assertPreflightOnly(s);

            // The same cluster without the tag links as before: the guard is not asked for, so nothing checks for it.
            setClusterTag(s, "private-link-guard", null);
            clusterEvent(s);
            assertEquals("Completed", s.durable().instance(id).orElseThrow().status());
        }
    }

    /** The exact calls of a refused cluster pass: the pre-flight's reads, and not one write to ARM or Kubernetes. */
    static void assertPreflightOnly(Sandbox s) {
        assertEquals(List.of(), s.calls().calls().stream().filter(CallLog.Call::isWrite).map(c -> c.method() + " " + c.path()).toList(), "zero writes");
        assertEquals(List.of("GET /api/v1/namespaces/kube-system/services/tether-dns 404", "GET /api/v1/namespaces/kube-system/configmaps/coredns-custom 200"),
                s.calls().calls().stream().filter(c -> c.target().equals("kubernetes") && !c.path().contains("admissionregistration"))
                        .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList(), "the DNS half of the pre-flight");
    }

    /** A tag write on the cluster, raised by ARM now (so no earlier pass covers it). */
    static List<String> clusterEvent(Sandbox s) {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.CLUSTER_ID + "/providers/Microsoft.Resources/tags/default",
                "Microsoft.Resources/tags/write", "tag-" + s.clock().now().toEpochMilli(), s.clock().now()));
        List<String> actions = s.deliverAll(events);
        s.runUntilIdle();
        return actions;
    }

    static void setClusterTag(Sandbox s, String name, String value) {
        ObjectNode cluster = s.arm().resource(DemoWorld.CLUSTER_ID).orElseThrow().deepCopy();
        ObjectNode tags = (ObjectNode) cluster.get("tags");
        if (value == null) {
            tags.remove(name);
        } else {
            tags.put(name, value);
        }
        s.arm().putResource(cluster);
    }

    /** {@code w} with the demo cluster on Kubernetes {@code version} (below 1.30 its API server has no ValidatingAdmissionPolicy). */
    static ObjectNode onKubernetes(ObjectNode w, String version) {
        for (JsonNode r : w.path("resources")) {
            if (r.path("id").asText().equals(DemoWorld.CLUSTER_ID)) {
                ((ObjectNode) r.get("properties")).put("kubernetesVersion", version).put("currentKubernetesVersion", version);
            }
        }
        return w;
    }
}
