package dev.tether.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The exposure guard: a {@code ValidatingAdmissionPolicy} and its binding that make the cluster's API server refuse a
 * Service the cluster's policy wants internal while it would be public, before any public IP exists.
 * <p>API: {@code admissionregistration.k8s.io/v1}, stable since Kubernetes 1.30 (Kubernetes docs, "Validating Admission
 * Policy", https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/: "FEATURE STATE:
 * Kubernetes v1.30 [stable]"). AKS therefore has it from Kubernetes 1.30 on; an older cluster's discovery document
 * lacks both resources, and the cluster pre-flight refuses the pass before any write ({@link #preflight}).
 * <p>Checked against the API reference (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/validating-admission-policy-v1/):
 * <ul>
 * <li>{@code failurePolicy} "defines how to handle failures for the admission policy ... parse errors, type check errors,
 * runtime errors and invalid or mis-configured policy definitions or bindings ... Defaults to Fail". It does not decide
 * what a false validation does (the binding's {@code validationActions} do). Enforcing guards use {@code Fail}, so a
 * broken guard never lets a public Service through; the audit guard uses {@code Ignore}, so it can never block.</li>
 * <li>{@code matchConditions} filter requests already matched by {@code matchConstraints}; all must be true for the
 * validations to run (at most 64). They select LoadBalancer Services the policy covers; the validation then requires
 * the internal annotation.</li>
 * <li>{@code matchConstraints.resourceRules} name {@code services} in the core group for CREATE and UPDATE: the
 * {@code services/status} subresource (the cloud controller's IP writes) does not match {@code services}.</li>
 * <li>The binding's {@code validationActions}: {@code [Deny]}, or {@code [Warn, Audit]} under the audit policy ("Deny
 * and Warn may not be used together"; Warn returns the message as an HTTP warning to the client).</li>
 * </ul>
 * Tether writes every field the API server would default ({@code matchPolicy}, the empty selectors, the rule scope), so
 * what it reads back equals what it wrote and an unchanged guard costs no write.
 */
public final class ExposureGuardPlan {
    public static final String NAME = "tether-exposure-guard";
    public static final String API_VERSION = "admissionregistration.k8s.io/v1";

    private static final String ANN = "object.metadata.annotations";
    /** True when the Service carries the annotation with exactly this value (annotations may be absent altogether). */
    private static String annotationIs(String key, String value) {
        return "(has(" + ANN + ") && '" + key + "' in " + ANN + " && " + ANN + "['" + key + "'] == '" + value + "')";
    }

    private ExposureGuardPlan() {
    }

    /** Whether the cluster asks for the guard: tag private-link-guard {@code true}; absent or {@code false}: no guard. */
    public static boolean enabled(Map<String, String> clusterTags) {
        Optional<String> v = Tags.get(clusterTags, Conventions.TAG_GUARD).map(t -> t.toLowerCase(Locale.ROOT));
        if (v.isEmpty() || v.get().equals("false")) {
            return false;
        }
        if (v.get().equals("true")) {
            return true;
        }
        throw new InvalidInputException("tag " + Conventions.TAG_GUARD + "='" + ResourceId.abbreviate(v.get())
                + "' is not a guard setting: use true (the API server refuses public exposure) or false");
    }

    /** The policy's spec for a cluster policy. */
    public static Map<String, Object> policySpec(ClusterPolicy policy) {
        String covered = policy == ClusterPolicy.ANNOTATED
                ? annotationIs(Conventions.ANNOTATION_PRIVATE, "true")
                : "!" + annotationIs(Conventions.ANNOTATION_PRIVATE, "false");
        String what = policy == ClusterPolicy.ANNOTATED
                ? "is annotated " + Conventions.ANNOTATION_PRIVATE + ": \"true\""
                : "is a LoadBalancer in a cluster whose " + Conventions.TAG_POLICY + " covers every LoadBalancer";
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("apiGroups", List.of(""));
        rule.put("apiVersions", List.of("v1"));
        rule.put("operations", List.of("CREATE", "UPDATE"));
        rule.put("resources", List.of("services"));
        rule.put("scope", "*");
        Map<String, Object> constraints = new LinkedHashMap<>();
        constraints.put("matchPolicy", "Equivalent");
        constraints.put("namespaceSelector", Map.of());
        constraints.put("objectSelector", Map.of());
        constraints.put("resourceRules", List.of(rule));
        List<Map<String, Object>> conditions = new ArrayList<>();
        conditions.add(Map.of("name", "load-balancer", "expression", "has(object.spec.type) && object.spec.type == 'LoadBalancer'"));
        conditions.add(Map.of("name", policy == ClusterPolicy.ANNOTATED ? "opted-in" : "not-opted-out", "expression", covered));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("expression", annotationIs(Conventions.ANNOTATION_INTERNAL_LB, "true"));
        validation.put("messageExpression", "'Service ' + object.metadata.namespace + '/' + object.metadata.name + ' " + what
                + " and would get a public IP. Fix: add the annotation " + Conventions.ANNOTATION_INTERNAL_LB + ": \"true\""
                + (policy == ClusterPolicy.ANNOTATED ? "" : " (or " + Conventions.ANNOTATION_PRIVATE + ": \"false\" to keep it public)") + "'");
        validation.put("reason", "Invalid");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("failurePolicy", policy == ClusterPolicy.AUDIT ? "Ignore" : "Fail");
        spec.put("matchConstraints", constraints);
        spec.put("matchConditions", conditions);
        spec.put("validations", List.of(validation));
        return spec;
    }

    public static Map<String, Object> bindingSpec(ClusterPolicy policy) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("policyName", NAME);
        spec.put("validationActions", policy == ClusterPolicy.AUDIT ? List.of("Warn", "Audit") : List.of("Deny"));
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("matchPolicy", "Equivalent");
        match.put("namespaceSelector", Map.of());
        match.put("objectSelector", Map.of());
        spec.put("matchResources", match);
        return spec;
    }

    /** An object of the guard as observed: whether Tether's label is on it, and its spec as JSON values. */
    public record Observed(boolean tethers, Map<String, Object> spec) {
    }

    public enum Action { CREATE, PATCH, DELETE, NONE }

    /** What to do with one of the two objects; {@code error} when it exists and is not Tether's. */
    public record Decision(String kind, Action action, String error) {
    }

    /**
     * @param observed null when the object does not exist
     * @param desired  null when the guard is off
     */
    public static Decision decide(String kind, Observed observed, Map<String, Object> desired) {
        if (observed != null && !observed.tethers()) {
            // Someone else's object: never written, never removed. Only a guard Tether must write is stopped by it.
            return new Decision(kind, Action.NONE, desired == null ? null : nameTaken(kind).describe());
        }
        if (desired == null) {
            return new Decision(kind, observed == null ? Action.NONE : Action.DELETE, null);
        }
        if (observed == null) {
            return new Decision(kind, Action.CREATE, null);
        }
        return new Decision(kind, covers(observed.spec(), desired) ? Action.NONE : Action.PATCH, null);
    }

    /** A foreign object holds the guard's name: Tether would have to overwrite someone else's policy or binding. */
    static Finding nameTaken(String kind) {
        return Finding.error("GUARD_NAME_TAKEN", "a " + kind + " named " + NAME + " exists and is not labelled " + Conventions.LABEL_MANAGED_BY
                + ": " + Conventions.MANAGED_BY_TETHER + ", so Tether leaves it alone.", "delete or rename it, or remove the " + Conventions.TAG_GUARD + " tag");
    }

    /** The resources of {@value #API_VERSION} the guard needs its API server to serve (its discovery document). */
    public static final List<String> RESOURCES = List.of("validatingadmissionpolicies", "validatingadmissionpolicybindings");

    /**
     * The guard's pre-flight for a cluster pass that will write it, before anything in Azure or the cluster is written:
     * the API server must serve both kinds ({@code served}: the resource names of its {@value #API_VERSION} discovery
     * document, empty when the group version is not served at all), and neither name may be held by a foreign object
     * ({@code observed}: kind name to the object, null when absent; asked only when the API is served).
     */
    public static List<Finding> preflight(String clusterName, java.util.Collection<String> served, java.util.function.Function<String, Observed> observed) {
        if (!served.containsAll(RESOURCES)) {
            return List.of(Finding.error("GUARD_API_MISSING", "cluster " + clusterName + " does not serve " + API_VERSION
                    + " ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them).",
                    "upgrade the cluster to Kubernetes 1.30 or later, or remove the " + Conventions.TAG_GUARD + " tag"));
        }
        List<Finding> findings = new ArrayList<>();
        for (String kind : List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")) {
            Observed o = observed.apply(kind);
            if (o != null && !o.tethers()) {
                findings.add(nameTaken(kind));
            }
        }
        return findings;
    }

    /**
     * How the guard in a cluster differs from what its tags ask, one reason per object, for the drift scan: missing,
     * changed, or left behind after the guard tag was removed. A foreign object with the guard's name is not drift (a
     * repair would be refused the same way): it is a conflict, {@code GUARD_NAME_TAKEN}, when the guard is on.
     *
     * @param policy the cluster's policy; {@code enabled} false when the guard tag is absent or false
     */
    public static GuardDrift drift(boolean enabled, ClusterPolicy policy, Observed observedPolicy, Observed observedBinding) {
        List<String> reasons = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        Map<String, Observed> observed = new LinkedHashMap<>();
        observed.put("ValidatingAdmissionPolicy", observedPolicy);
        observed.put("ValidatingAdmissionPolicyBinding", observedBinding);
        observed.forEach((kind, o) -> {
            Map<String, Object> desired = !enabled ? null : kind.equals("ValidatingAdmissionPolicy") ? policySpec(policy) : bindingSpec(policy);
            Decision d = decide(kind, o, desired);
            if (d.error() != null) {
                conflicts.add(d.error());
                return;
            }
            switch (d.action()) {
                case CREATE -> reasons.add(kind + " " + NAME + " is missing (tag " + Conventions.TAG_GUARD + " is true)");
                case PATCH -> reasons.add(kind + " " + NAME + " differs from the guard of policy " + policy.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                case DELETE -> reasons.add(kind + " " + NAME + " is left behind (tag " + Conventions.TAG_GUARD + " is not true)");
                case NONE -> {
                }
            }
        });
        return new GuardDrift(reasons, conflicts);
    }

    /** {@code reasons}: what a guard pass would repair; {@code conflicts}: what it would refuse (a foreign object). */
    public record GuardDrift(List<String> reasons, List<String> conflicts) {
    }

    /** True when every field of {@code desired} has that value in {@code actual} (fields the server adds are ignored). */
    static boolean covers(Object actual, Object desired) {
        if (desired instanceof Map<?, ?> d) {
            if (!(actual instanceof Map<?, ?> a)) {
                return false;
            }
            return d.entrySet().stream().allMatch(e -> covers(a.get(e.getKey()), e.getValue()));
        }
        if (desired instanceof List<?> d) {
            if (!(actual instanceof List<?> a) || a.size() != d.size()) {
                return false;
            }
            for (int i = 0; i < d.size(); i++) {
                if (!covers(a.get(i), d.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return desired.equals(actual);
    }
}
