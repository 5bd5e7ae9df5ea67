package dev.tether.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.Conventions;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;
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

import static org.junit.jupiter.api.Assertions.*;

/**
 * infra/kubernetes/tether-rbac.yaml against the calls Tether really makes: end-to-end runs on an Entra ID cluster, whose
 * API server authorizes every request of Tether's identity with Kubernetes RBAC over that manifest, exercise every path
 * that talks to Kubernetes (create tether-dns and coredns-custom, restart CoreDNS, the readiness lists, an opted-in
 * Service elsewhere, the exposure guard created, changed and removed, then the app's and the cluster's unlink). No request may be refused, and every grant of
 * the manifest must be used by one of them: a missing verb fails the runs with 403, an unused one fails here.
 */
class KubernetesRbacTest {
    private static final ObjectMapper M = new ObjectMapper();

    @Test
    void everyCallTetherMakesIsGrantedAndEveryGrantIsUsed() throws IOException {
        List<KubernetesSandbox.RbacDecision> decisions = new ArrayList<>();
        try (Sandbox s = new Sandbox(WorldFile.parse(entraWorld(), "entra rbac world"))) {
            // AKS always has coredns-custom; without it, Tether creates it
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).configMaps().inNamespace("kube-system").withName("coredns-custom").delete();
            clusterEvent(s);
            completed(s);
            setClusterTag(s, Conventions.TAG_POLICY, "all-loadbalancers"); // the guard's policy changes: patch
            setClusterTag(s, Conventions.TAG_DOMAIN, "other.internal");     // a new override: CoreDNS restarts
            clusterEvent(s);
            completed(s);
            setClusterTag(s, Conventions.TAG_POLICY, "audit");              // the binding's actions change: patch
            clusterEvent(s);
            completed(s);
            setClusterTag(s, Conventions.TAG_GUARD, null);                   // the guard goes: delete
            clusterEvent(s);
            completed(s);
            // The app's unlink, then the cluster's: tether.override patched away, CoreDNS restarted, tether-dns deleted.
            ObjectNode site = s.arm().resource(DemoWorld.SITE_ID).orElseThrow().deepCopy();
            ((ObjectNode) site.get("tags")).remove(Conventions.TAG_LINK);
            s.arm().putResource(site);
            assertEquals(202, s.http("POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            setClusterTag(s, Conventions.TAG_LINK, null);
            assertEquals(202, s.http("POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.CLUSTER_ID + "\"}", Map.of()).status());
            s.runUntilIdle();
            completed(s);
            assertTrue(s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).services().inNamespace("kube-system").withName("tether-dns").get() == null,
                    "the unlink deleted tether-dns");
            decisions.addAll(s.kubernetes().rbacDecisions(DemoWorld.CLUSTER_ID));
        }
        assertEquals(List.of(), decisions.stream().filter(d -> d.allowedBy() == null).toList(), "no call of Tether's is refused");

        Set<String> used = new TreeSet<>();
        for (KubernetesSandbox.RbacDecision d : decisions) {
            assertEquals(dev.tether.sandbox.EntraTokens.TETHER_OBJECT_ID, d.user(), "Tether calls as its managed identity");
            boolean named = d.allowedBy().contains("resourceNames=[") && !d.allowedBy().contains("resourceNames=[]");
            used.add(d.group() + "/" + d.resource() + "/" + (named ? d.name() : "*") + ":" + d.verb());
        }
        assertEquals(manifestGrants(), used, "the manifest grants exactly what Tether calls");
    }

    /** Every (API group, resource, name or *, verb) the manifest grants to Tether's identity, from its Roles and ClusterRoles. */
    @SuppressWarnings("unchecked")
    private static Set<String> manifestGrants() throws IOException {
        Set<String> grants = new TreeSet<>();
        for (Object d : new Yaml().loadAll(Files.readString(Path.of("infra/kubernetes/tether-rbac.yaml")))) {
            Map<String, Object> doc = (Map<String, Object>) d;
            if (!"Role".equals(doc.get("kind")) && !"ClusterRole".equals(doc.get("kind"))) {
                continue;
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) doc.get("rules")) {
                List<String> names = (List<String>) rule.getOrDefault("resourceNames", List.of("*"));
                for (String group : (List<String>) rule.get("apiGroups")) {
                    for (String res : (List<String>) rule.get("resources")) {
                        for (String verb : (List<String>) rule.get("verbs")) {
                            for (String n : names) {
                                grants.add(group + "/" + res + "/" + n + ":" + verb);
                            }
                        }
                    }
                }
            }
        }
        return grants;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRoleIsNamespacedToKubeSystemAndEveryBindingNamesTethersIdentity() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(Files.readString(Path.of("infra/kubernetes/tether-rbac.yaml"))).forEach(d -> docs.add((Map<String, Object>) d));
        Map<String, Object> role = docs.stream().filter(d -> "Role".equals(d.get("kind"))).findFirst().orElseThrow();
        assertEquals("kube-system", ((Map<String, Object>) role.get("metadata")).get("namespace"));
        List<String> bindings = new ArrayList<>();
        for (Map<String, Object> d : docs) {
            if (String.valueOf(d.get("kind")).endsWith("Binding")) {
                Map<String, Object> subject = ((List<Map<String, Object>>) d.get("subjects")).get(0);
                bindings.add(d.get("kind") + " " + ((Map<String, Object>) d.get("roleRef")).get("name") + " -> " + subject.get("kind") + " " + subject.get("name"));
            }
        }
        assertEquals(List.of("RoleBinding tether -> User <TETHER_IDENTITY_PRINCIPAL_ID>",
                "ClusterRoleBinding tether-services -> User <TETHER_IDENTITY_PRINCIPAL_ID>",
                "ClusterRoleBinding tether-exposure-guard -> User <TETHER_IDENTITY_PRINCIPAL_ID>"), bindings);
    }

    /** The demo world with its cluster on Entra ID, the exposure guard on, and a Service opted in outside kube-system. */
    static ObjectNode entraWorld() {
        ObjectNode w = DemoWorld.build();
        for (JsonNode r : w.path("resources")) {
            if (r.path("type").asText().equals("Microsoft.ContainerService/managedClusters")) {
                ObjectNode props = (ObjectNode) r.get("properties");
                props.putObject("aadProfile").put("managed", true).put("enableAzureRBAC", false);
                props.put("enableRBAC", true).put("disableLocalAccounts", true);
                ((ObjectNode) r.get("tags")).put(Conventions.TAG_GUARD, "true");
            }
        }
        ObjectNode svc = M.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", "web").put("namespace", "shop").putObject("annotations").put("tether.dev/private", "true");
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP");
        spec.putObject("selector").put("app", "web");
        spec.putArray("ports").addObject().put("port", 80).put("protocol", "TCP").put("targetPort", 8080);
        ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).add(svc);
        return w;
    }

    private static void clusterEvent(Sandbox s) {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(DemoWorld.CLUSTER_ID + "/providers/Microsoft.Resources/tags/default",
                "Microsoft.Resources/tags/write", "tag-" + s.clock().now().toEpochMilli(), s.clock().now()));
        s.deliverAll(events);
        s.runUntilIdle();
    }

    private static void completed(Sandbox s) {
        for (DurableDriver.InstanceView v : s.durable().instances()) {
            assertEquals("Completed", v.status(), v.name() + ": " + v.failure());
        }
    }

    private static void setClusterTag(Sandbox s, String name, String value) {
        ObjectNode cluster = s.arm().resource(DemoWorld.CLUSTER_ID).orElseThrow().deepCopy();
        ObjectNode tags = (ObjectNode) cluster.get("tags");
        if (value == null) {
            tags.remove(name);
        } else {
            tags.put(name, value);
        }
        s.arm().putResource(cluster);
    }
}
