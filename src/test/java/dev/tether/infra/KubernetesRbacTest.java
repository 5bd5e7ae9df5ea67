package dev.tether.infra;

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

/** The cluster Role grants exactly the Kubernetes calls KubeGateway makes, in kube-system, and nothing more. */
class KubernetesRbacTest {

    @Test
    @SuppressWarnings("unchecked")
    void roleGrantsExactlyWhatTetherCalls() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(Files.readString(Path.of("infra/kubernetes/tether-rbac.yaml"))).forEach(d -> docs.add((Map<String, Object>) d));
        Map<String, Object> role = docs.stream().filter(d -> "Role".equals(d.get("kind"))).findFirst().orElseThrow();
        assertEquals("kube-system", ((Map<String, Object>) role.get("metadata")).get("namespace"));
        Set<String> grants = new TreeSet<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
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
        assertEquals(new TreeSet<>(List.of(
                "/services/tether-dns:get", "/services/tether-dns:patch", "/services/*:create",
                "/configmaps/coredns-custom:get", "/configmaps/coredns-custom:patch", "/configmaps/*:create",
                "apps/deployments/coredns:get", "apps/deployments/coredns:patch",
                "discovery.k8s.io/endpointslices/*:list", "/pods/*:list")), grants);
        Map<String, Object> binding = docs.stream().filter(d -> "RoleBinding".equals(d.get("kind"))).findFirst().orElseThrow();
        assertEquals("tether", ((Map<String, Object>) binding.get("roleRef")).get("name"));
        Map<String, Object> clusterRole = docs.stream().filter(d -> "ClusterRole".equals(d.get("kind"))
                && "tether-services".equals(((Map<String, Object>) d.get("metadata")).get("name"))).findFirst().orElseThrow();
        List<Map<String, Object>> rules = (List<Map<String, Object>>) clusterRole.get("rules");
        assertEquals(1, rules.size());
        assertEquals(List.of("services"), rules.get(0).get("resources"));
        assertEquals(List.of("get", "list", "patch"), rules.get(0).get("verbs"), "opted-in Services anywhere: no create, no delete");

        Map<String, Object> guard = docs.stream().filter(d -> "ClusterRole".equals(d.get("kind"))
                && "tether-exposure-guard".equals(((Map<String, Object>) d.get("metadata")).get("name"))).findFirst().orElseThrow();
        assertEquals(new TreeSet<>(List.of(
                        "admissionregistration.k8s.io/validatingadmissionpolicies/tether-exposure-guard:get",
                        "admissionregistration.k8s.io/validatingadmissionpolicies/tether-exposure-guard:patch",
                        "admissionregistration.k8s.io/validatingadmissionpolicies/tether-exposure-guard:delete",
                        "admissionregistration.k8s.io/validatingadmissionpolicies/*:create",
                        "admissionregistration.k8s.io/validatingadmissionpolicybindings/tether-exposure-guard:get",
                        "admissionregistration.k8s.io/validatingadmissionpolicybindings/tether-exposure-guard:patch",
                        "admissionregistration.k8s.io/validatingadmissionpolicybindings/tether-exposure-guard:delete",
                        "admissionregistration.k8s.io/validatingadmissionpolicybindings/*:create")),
                grants((List<Map<String, Object>>) guard.get("rules")), "the exposure guard: exactly the calls EnsureExposureGuard makes");
        Map<String, Object> guardBinding = docs.stream().filter(d -> "ClusterRoleBinding".equals(d.get("kind"))
                && "tether-exposure-guard".equals(((Map<String, Object>) d.get("metadata")).get("name"))).findFirst().orElseThrow();
        assertEquals("tether-exposure-guard", ((Map<String, Object>) guardBinding.get("roleRef")).get("name"));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> grants(List<Map<String, Object>> rules) {
        Set<String> grants = new TreeSet<>();
        for (Map<String, Object> rule : rules) {
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
        return grants;
    }
}
