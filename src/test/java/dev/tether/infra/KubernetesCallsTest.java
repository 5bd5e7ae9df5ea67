package dev.tether.infra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.e2e.ClusterLinkAccess;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every Kubernetes call Tether makes in the end-to-end runs is allowed by infra/kubernetes/tether-rbac.yaml and by the
 * Azure-RBAC data-plane role in infra/modules/aksAzureRbac.bicep, and every grant of both is used by some call: they
 * cover exactly what Tether does, as the ARM role test does for ARM.
 */
class KubernetesCallsTest {
    /** {@code /api/v1/...} (the core group) or {@code /apis/<group>/v1/...}: namespace, resource, name, status subresource. */
    private static final Pattern PATH = Pattern.compile("^/(?:api|apis/([^/]+))/v1/(?:namespaces/([^/]+)/)?([a-z]+)(?:/([^/?]+))?(/status)?(?:\\?.*)?$");

    /** One Kubernetes request as RBAC sees it. {@code name} is null for create and list. */
    record Request(String group, String resource, String namespace, String name, String verb) {
    }

    /**
     * A discovery read ({@code GET /apis/<group>/<version>/}: the exposure guard's pre-flight asks whether the API server
     * serves ValidatingAdmissionPolicy). A non-resource URL that no role of Tether's needs to grant: Kubernetes RBAC's
     * default ClusterRole {@code system:discovery} allows it to every authenticated user ("Default roles and role
     * bindings", https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles), and AKS's Azure RBAC
     * authorization runs after Kubernetes RBAC, which already allows it.
     */
    static boolean discovery(CallLog.Call c) {
        boolean discovery = c.path().replaceAll("\\?.*", "").matches("^/apis/[^/]+/v1/?$");
        assertTrue(!discovery || c.method().equals("GET"), "discovery is only ever read: " + c.method() + " " + c.path());
        return discovery;
    }

    static Request request(CallLog.Call c) {
        Matcher m = PATH.matcher(c.path());
        assertTrue(m.matches(), "a Kubernetes call RBAC cannot be checked for: " + c.method() + " " + c.path());
        String group = m.group(1) == null ? "" : m.group(1);
        assertNull(m.group(5), "Tether never writes a status subresource: " + c.path());
        String name = m.group(4);
        String verb = switch (c.method()) {
            case "GET" -> name == null ? "list" : "get";
            case "POST" -> "create";
            case "PATCH" -> "patch";
            case "PUT" -> "update";
            case "DELETE" -> "delete";
            default -> throw new AssertionError("unexpected method " + c.method());
        };
        return new Request(group, m.group(3), m.group(2), "create".equals(verb) ? null : name, verb);
    }

    /**
     * The end-to-end runs: link with a slot, cluster tag, drift scan, a Service reconcile, a cluster without
     * coredns-custom, the exposure guard's life (written, changed, removed), and a link undone: the app's unlink, then the
     * cluster's (tether.override patched away, CoreDNS restarted, tether-dns deleted).
     */
    static List<CallLog.Call> calls() {
        List<CallLog.Call> out = new ArrayList<>(ClusterLinkAccess.guardLifecycleCalls());
        try (Sandbox s = new Sandbox(WorldFile.parse(ClusterLinkAccess.worldWithSlot(), "slot world"))) {
            s.deliverAll(DemoWorld.events());
            s.deliverAll(ClusterLinkAccess.clusterTagEvent());
            s.runUntilIdle();
            s.timer();
            s.runUntilIdle();
            out.addAll(s.calls().calls());
        }
        ObjectNode web = ClusterLinkAccess.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"), "203.0.113.10");
        try (Sandbox s = new Sandbox(WorldFile.parse(ClusterLinkAccess.servicesWorld(web), "services world"))) {
            s.deliverAll(ClusterLinkAccess.loadBalancerWriteEvent());
            s.runUntilIdle();
            out.addAll(s.calls().calls());
        }
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "no coredns-custom"))) {
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).configMaps().inNamespace("kube-system").withName("coredns-custom").delete();
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            out.addAll(s.calls().calls());
        }
        out.addAll(dev.tether.e2e.ClusterUnlinkAccess.linkThenUnlinkCalls());
        List<CallLog.Call> kube = out.stream().filter(c -> c.target().equals("kubernetes")).toList();
        assertEquals(List.of("GET /apis/admissionregistration.k8s.io/v1/"), kube.stream().filter(KubernetesCallsTest::discovery)
                .map(c -> c.method() + " " + c.path()).distinct().toList(), "the one discovery read: the guard's pre-flight");
        return kube.stream().filter(c -> !discovery(c)).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesRolesAllowEveryCallAndNothingMore() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(Files.readString(Path.of("infra/kubernetes/tether-rbac.yaml"))).forEach(d -> docs.add((Map<String, Object>) d));
        record Grant(String namespace, String group, String resource, String name, String verb) {
        }
        List<Grant> grants = new ArrayList<>();
        for (Map<String, Object> d : docs) {
            if (!List.of("Role", "ClusterRole").contains(d.get("kind"))) {
                continue;
            }
            String ns = "Role".equals(d.get("kind")) ? (String) ((Map<String, Object>) d.get("metadata")).get("namespace") : null;
            for (Map<String, Object> rule : (List<Map<String, Object>>) d.get("rules")) {
                List<String> names = (List<String>) rule.getOrDefault("resourceNames", java.util.Arrays.asList((String) null));
                for (String group : (List<String>) rule.get("apiGroups")) {
                    for (String res : (List<String>) rule.get("resources")) {
                        for (String verb : (List<String>) rule.get("verbs")) {
                            for (String n : names) {
                                grants.add(new Grant(ns, group, res, n, verb));
                            }
                        }
                    }
                }
            }
        }
        List<CallLog.Call> calls = calls();
        Set<Grant> used = new java.util.HashSet<>();
        Set<String> kinds = new TreeSet<>();
        for (CallLog.Call c : calls) {
            Request r = request(c);
            kinds.add(r.group() + "/" + r.resource() + ":" + r.verb());
            Grant g = grants.stream().filter(x -> (x.namespace() == null || x.namespace().equals(r.namespace())) && x.group().equals(r.group())
                            && x.resource().equals(r.resource()) && x.verb().equals(r.verb()) && (x.name() == null || x.name().equals(r.name())))
                    .findFirst().orElseThrow(() -> new AssertionError("tether-rbac.yaml does not allow " + c.method() + " " + c.path() + " (" + r + ")"));
            used.add(g);
        }
        assertEquals(new TreeSet<>(List.of("/configmaps:create", "/configmaps:get", "/configmaps:patch", "/pods:list", "/services:create", "/services:delete",
                "/services:get", "/services:list", "/services:patch", "admissionregistration.k8s.io/validatingadmissionpolicies:create",
                "admissionregistration.k8s.io/validatingadmissionpolicies:delete", "admissionregistration.k8s.io/validatingadmissionpolicies:get",
                "admissionregistration.k8s.io/validatingadmissionpolicies:patch", "admissionregistration.k8s.io/validatingadmissionpolicybindings:create",
                "admissionregistration.k8s.io/validatingadmissionpolicybindings:delete", "admissionregistration.k8s.io/validatingadmissionpolicybindings:get",
                "admissionregistration.k8s.io/validatingadmissionpolicybindings:patch", "apps/deployments:get", "apps/deployments:patch", "discovery.k8s.io/endpointslices:list")), kinds, "what the runs exercised");
        List<Grant> unused = grants.stream().filter(g -> !used.contains(g)).toList();
        assertEquals(List.of(), unused, "grants no end-to-end call needs");
    }

    @Test
    void theAzureRbacDataPlaneRoleHoldsExactlyTheDataActionsOfTheCalls() throws IOException {
        String bicep = Files.readString(Path.of("infra/modules/aksAzureRbac.bicep"));
        Set<String> role = new TreeSet<>();
        Matcher m = Pattern.compile("'(Microsoft\\.ContainerService/managedClusters/[^']+)'").matcher(bicep);
        while (m.find()) {
            role.add(m.group(1));
        }
        Set<String> needed = new TreeSet<>();
        for (CallLog.Call c : calls()) {
            Request r = request(c);
            String action = switch (r.verb()) {
                case "get", "list", "watch" -> "read";
                case "create", "update", "patch" -> "write";
                default -> r.verb();
            };
            needed.add("Microsoft.ContainerService/managedClusters/" + (r.group().isEmpty() ? "" : r.group() + "/") + r.resource() + "/" + action);
        }
        assertEquals(needed, role);
    }
}
