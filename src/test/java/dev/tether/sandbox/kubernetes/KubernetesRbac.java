package dev.tether.sandbox.kubernetes;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes RBAC as the API server's RBAC authorizer evaluates it, over the Roles, ClusterRoles and their bindings of
 * one manifest (infra/kubernetes/tether-rbac.yaml). Sources: kubernetes.io "Using RBAC Authorization"
 * (docs/reference/access-authn-authz/rbac: a Role's rules apply in its namespace through a RoleBinding, a ClusterRole's
 * everywhere through a ClusterRoleBinding; rules are additive; {@code resourceNames} restricts by name, and a request
 * without a name, create, list or deletecollection, never matches a rule that names resources; subresources are
 * written {@code resource/subresource}; {@code *} matches all) and "Authorization" (docs/reference/access-authn-authz/
 * authorization#determine-the-request-verb: GET of a named object is get, of a collection list, or watch with
 * {@code watch=true}; POST create; PUT update; PATCH patch; DELETE of a named object delete, of a collection
 * deletecollection).
 */
final class KubernetesRbac {
    /** What the authorizer decides on: the request's verb, API group, resource (and subresource), namespace and name. */
    record Attributes(String verb, String group, String resource, String subresource, String namespace, String name) {
        String resourcePath() {
            return subresource == null ? resource : resource + "/" + subresource;
        }
    }

    record Rule(List<String> apiGroups, List<String> resources, List<String> resourceNames, List<String> verbs) {
        boolean matches(Attributes a) {
            return (apiGroups.contains("*") || apiGroups.contains(a.group()))
                    && (resources.contains("*") || resources.contains(a.resourcePath()))
                    && (verbs.contains("*") || verbs.contains(a.verb()))
                    && (resourceNames.isEmpty() || (a.name() != null && resourceNames.contains(a.name())));
        }
    }

    /** A rule as bound to one user: {@code namespace} null for a ClusterRole through a ClusterRoleBinding. */
    record Grant(String user, String namespace, String role, Rule rule) {
    }

    /** The manifest Tether's deployment applies to every Entra ID cluster (docs/DEPLOY.md, "Rights in the clusters"). */
    static final Path TETHER_MANIFEST = Path.of("infra", "kubernetes", "tether-rbac.yaml");
    static final String PRINCIPAL_PLACEHOLDER = "<TETHER_IDENTITY_PRINCIPAL_ID>";

    private final List<Grant> grants;

    private KubernetesRbac(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    private static KubernetesRbac tether;

    /** infra/kubernetes/tether-rbac.yaml's grants to Tether's identity, loaded once. */
    static synchronized KubernetesRbac tether() {
        if (tether == null) {
            tether = load(TETHER_MANIFEST, dev.tether.sandbox.EntraTokens.TETHER_OBJECT_ID);
        }
        return tether;
    }

    /** The manifest's grants, with the placeholder for Tether's identity replaced by {@code principalId}, as the deployment does. */
    static KubernetesRbac load(Path manifest, String principalId) {
        try {
            return parse(Files.readString(manifest).replace(PRINCIPAL_PLACEHOLDER, principalId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static KubernetesRbac parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(d -> {
            if (d != null) {
                docs.add((Map<String, Object>) d);
            }
        });
        List<Grant> grants = new ArrayList<>();
        for (Map<String, Object> binding : docs) {
            String kind = String.valueOf(binding.get("kind"));
            if (!kind.equals("RoleBinding") && !kind.equals("ClusterRoleBinding")) {
                continue;
            }
            Map<String, Object> meta = (Map<String, Object>) binding.get("metadata");
            Map<String, Object> ref = (Map<String, Object>) binding.get("roleRef");
            String namespace = kind.equals("RoleBinding") ? (String) meta.get("namespace") : null;
            Map<String, Object> role = docs.stream().filter(d -> ref.get("kind").equals(d.get("kind"))
                    && ref.get("name").equals(((Map<String, Object>) d.get("metadata")).get("name"))
                    && (!"Role".equals(d.get("kind")) || java.util.Objects.equals(namespace, ((Map<String, Object>) d.get("metadata")).get("namespace"))))
                    .findFirst().orElse(null);
            if (role == null) {
                continue; // a binding to a role that does not exist grants nothing
            }
            for (Map<String, Object> subject : (List<Map<String, Object>>) binding.get("subjects")) {
                if (!"User".equals(subject.get("kind"))) {
                    continue;
                }
                for (Map<String, Object> r : (List<Map<String, Object>>) role.getOrDefault("rules", List.of())) {
                    Rule rule = new Rule(strings(r.get("apiGroups")), strings(r.get("resources")), strings(r.get("resourceNames")), strings(r.get("verbs")));
                    grants.add(new Grant((String) subject.get("name"), namespace, (String) ref.get("name"), rule));
                }
            }
        }
        return new KubernetesRbac(grants);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? List.of() : List.copyOf((List<String>) o);
    }

    /** The grant that allows the request, if any (a RoleBinding's rules only in its namespace). */
    Optional<Grant> allowing(String user, Attributes a) {
        return grants.stream().filter(g -> g.user().equals(user) && (g.namespace() == null || g.namespace().equals(a.namespace()))
                && g.rule().matches(a)).findFirst();
    }

    List<Grant> grants() {
        return grants;
    }

    /**
     * The request's attributes from its method and path, as the API server's request-info resolver derives them
     * ({@code /api/v1/...} is the core group ""; {@code /apis/{group}/{version}/...}); empty for non-resource paths
     * ({@code /api}, {@code /apis}, {@code /version}), which every authenticated user may read (system:discovery).
     */
    static Optional<Attributes> of(String method, String pathAndQuery) {
        String path = ApiServerDispatcher.pathOnly(pathAndQuery);
        String query = pathAndQuery.length() > path.length() ? pathAndQuery.substring(path.length() + 1) : "";
        List<String> parts = new ArrayList<>(List.of(path.replaceAll("^/+|/+$", "").split("/")));
        String group;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return Optional.empty();
        }
        String namespace = null;
        if (parts.size() >= 2 && parts.get(0).equals("namespaces") && parts.size() != 2) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        String subresource = parts.size() > 2 ? parts.get(2) : null;
        if (resource.equals("namespaces") && name != null) {
            namespace = name; // a namespace is read in its own namespace
        }
        boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
        String verb = switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return Optional.of(new Attributes(verb, group, resource, subresource, namespace, name));
    }

    /**
     * The API server's Forbidden message, as its RBAC refusals read: e.g. {@code configmaps "coredns-custom" is
     * forbidden: User "..." cannot patch resource "configmaps" in API group "" in the namespace "kube-system"}
     * (the body of a real refusal: run-ai/fake-gpu-operator#93, kubeshop/helm-charts#850; cluster-scoped requests end
     * "at the cluster scope", and a request without a name names only the resource, as in eclipse-che/che#12485).
     */
    static String forbiddenMessage(String user, Attributes a) {
        String subject = a.name() == null ? a.resource() : a.resource() + " \"" + a.name() + "\"";
        String scope = a.namespace() == null ? "at the cluster scope" : "in the namespace \"" + a.namespace() + "\"";
        return subject + " is forbidden: User \"" + user + "\" cannot " + a.verb() + " resource \"" + a.resourcePath()
                + "\" in API group \"" + a.group() + "\" " + scope;
    }
}
