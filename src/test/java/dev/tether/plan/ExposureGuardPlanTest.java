package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The guard's pure plan: the tag, what each policy writes, and when an observed object needs a write. */
class ExposureGuardPlanTest {

    @Test
    void theTagIsTrueFalseOrRefused() {
        assertFalse(ExposureGuardPlan.enabled(Map.of()));
        assertFalse(ExposureGuardPlan.enabled(Map.of("private-link-guard", "false")));
        assertTrue(ExposureGuardPlan.enabled(Map.of("Private-Link-Guard", "TRUE")), "tag names and this value are case-insensitive");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExposureGuardPlan.enabled(Map.of("private-link-guard", "on")));
        assertEquals("tag private-link-guard='on' is not a guard setting: use true (the API server refuses public exposure) or false", e.getMessage());
    }

    @Test
    void enforcingGuardsFailClosedAndDenyTheAuditGuardFailsOpenAndWarns() {
        assertEquals("Fail", ExposureGuardPlan.policySpec(ClusterPolicy.ANNOTATED).get("failurePolicy"));
        assertEquals("Fail", ExposureGuardPlan.policySpec(ClusterPolicy.ALL_LOADBALANCERS).get("failurePolicy"));
        assertEquals("Ignore", ExposureGuardPlan.policySpec(ClusterPolicy.AUDIT).get("failurePolicy"));
        assertEquals(List.of("Deny"), ExposureGuardPlan.bindingSpec(ClusterPolicy.ANNOTATED).get("validationActions"));
        assertEquals(List.of("Warn", "Audit"), ExposureGuardPlan.bindingSpec(ClusterPolicy.AUDIT).get("validationActions"));
        assertEquals(ExposureGuardPlan.bindingSpec(ClusterPolicy.ANNOTATED), ExposureGuardPlan.bindingSpec(ClusterPolicy.ALL_LOADBALANCERS),
                "the binding does not depend on which Services are covered: a policy change patches the policy only");
    }

    @Test
    void anObjectIsWrittenOnlyWhenItDiffersAndNeverWhenItIsNotTethers() {
        Map<String, Object> desired = ExposureGuardPlan.policySpec(ClusterPolicy.ANNOTATED);
        Map<String, Object> served = new LinkedHashMap<>(desired);
        served.put("variables", List.of()); // a field the server may add
        assertEquals(ExposureGuardPlan.Action.NONE, ExposureGuardPlan.decide("P", new ExposureGuardPlan.Observed(true, served), desired).action());
        assertEquals(ExposureGuardPlan.Action.PATCH, ExposureGuardPlan.decide("P", new ExposureGuardPlan.Observed(true,
                ExposureGuardPlan.policySpec(ClusterPolicy.ALL_LOADBALANCERS)), desired).action());
        assertEquals(ExposureGuardPlan.Action.CREATE, ExposureGuardPlan.decide("P", null, desired).action());
        assertEquals(ExposureGuardPlan.Action.DELETE, ExposureGuardPlan.decide("P", new ExposureGuardPlan.Observed(true, served), null).action());
        assertEquals(ExposureGuardPlan.Action.NONE, ExposureGuardPlan.decide("P", null, null).action());
        ExposureGuardPlan.Decision taken = ExposureGuardPlan.decide("ValidatingAdmissionPolicy", new ExposureGuardPlan.Observed(false, served), desired);
        assertEquals(ExposureGuardPlan.Action.NONE, taken.action());
        assertEquals("GUARD_NAME_TAKEN: a ValidatingAdmissionPolicy named tether-exposure-guard exists and is not labelled"
                + " app.kubernetes.io/managed-by: tether, so Tether leaves it alone. Fix: delete or rename it, or remove the private-link-guard tag", taken.error());
    }

    @Test
    void aForeignObjectStopsOnlyAGuardTetherMustWriteAndThePreflightFindsBothRefusals() {
        Map<String, Object> served = ExposureGuardPlan.policySpec(ClusterPolicy.ANNOTATED);
        ExposureGuardPlan.Decision off = ExposureGuardPlan.decide("ValidatingAdmissionPolicy", new ExposureGuardPlan.Observed(false, served), null);
        assertEquals(new ExposureGuardPlan.Decision("ValidatingAdmissionPolicy", ExposureGuardPlan.Action.NONE, null), off,
                "guard off: someone else's object is neither removed nor in the way");
        List<String> resources = List.of("mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings");
        assertEquals(List.of(), ExposureGuardPlan.preflight("c1", resources, kind -> null));
        assertEquals(List.of(), ExposureGuardPlan.preflight("c1", resources, kind -> new ExposureGuardPlan.Observed(true, served)));
        assertEquals(List.of("GUARD_NAME_TAKEN: a ValidatingAdmissionPolicyBinding named tether-exposure-guard exists and is not labelled"
                        + " app.kubernetes.io/managed-by: tether, so Tether leaves it alone. Fix: delete or rename it, or remove the private-link-guard tag"),
                ExposureGuardPlan.preflight("c1", resources, kind -> kind.endsWith("Binding") ? new ExposureGuardPlan.Observed(false, Map.of()) : null)
                        .stream().map(Finding::describe).toList());
        int[] asked = {0};
        assertEquals(List.of("GUARD_API_MISSING: cluster c1 does not serve admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and"
                        + " ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them). Fix: upgrade the cluster to Kubernetes 1.30 or later,"
                        + " or remove the private-link-guard tag"),
                ExposureGuardPlan.preflight("c1", List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"), kind -> {
                    asked[0]++;
                    return null;
                }).stream().map(Finding::describe).toList());
        assertEquals(0, asked[0], "no object is read from an API the server does not serve");
    }

    @Test
    void guardDriftIsMissingChangedOrLeftBehindAndAForeignObjectIsAConflict() {
        ExposureGuardPlan.Observed policy = new ExposureGuardPlan.Observed(true, ExposureGuardPlan.policySpec(ClusterPolicy.ANNOTATED));
        ExposureGuardPlan.Observed binding = new ExposureGuardPlan.Observed(true, ExposureGuardPlan.bindingSpec(ClusterPolicy.ANNOTATED));
        assertEquals(new ExposureGuardPlan.GuardDrift(List.of(), List.of()), ExposureGuardPlan.drift(true, ClusterPolicy.ANNOTATED, policy, binding));
        assertEquals(new ExposureGuardPlan.GuardDrift(List.of(), List.of()), ExposureGuardPlan.drift(false, ClusterPolicy.ANNOTATED, null, null));
        assertEquals(List.of("ValidatingAdmissionPolicy tether-exposure-guard differs from the guard of policy all-loadbalancers"),
                ExposureGuardPlan.drift(true, ClusterPolicy.ALL_LOADBALANCERS, policy, binding).reasons());
        assertEquals(List.of("ValidatingAdmissionPolicy tether-exposure-guard differs from the guard of policy audit",
                        "ValidatingAdmissionPolicyBinding tether-exposure-guard differs from the guard of policy audit"),
                ExposureGuardPlan.drift(true, ClusterPolicy.AUDIT, policy, binding).reasons(), "audit warns instead of denying: both change");
        assertEquals(List.of("ValidatingAdmissionPolicyBinding tether-exposure-guard is missing (tag private-link-guard is true)"),
                ExposureGuardPlan.drift(true, ClusterPolicy.ANNOTATED, policy, null).reasons());
        assertEquals(List.of("ValidatingAdmissionPolicy tether-exposure-guard is left behind (tag private-link-guard is not true)"),
                ExposureGuardPlan.drift(false, ClusterPolicy.ANNOTATED, policy, null).reasons());
        ExposureGuardPlan.Observed theirs = new ExposureGuardPlan.Observed(false, Map.of());
        ExposureGuardPlan.GuardDrift foreign = ExposureGuardPlan.drift(true, ClusterPolicy.ANNOTATED, theirs, binding);
        assertEquals(List.of(), foreign.reasons());
        assertEquals(1, foreign.conflicts().size());
        assertTrue(foreign.conflicts().get(0).startsWith("GUARD_NAME_TAKEN: a ValidatingAdmissionPolicy named"), foreign.conflicts().get(0));
        assertEquals(new ExposureGuardPlan.GuardDrift(List.of(), List.of()), ExposureGuardPlan.drift(false, ClusterPolicy.ANNOTATED, theirs, null),
                "guard off: theirs is not Tether's to remove");
    }

    @Test
    void driftReportsOptedInServicesThatAreNotInternalAndNothingUnderAudit() {
        ServiceFacts api = new ServiceFacts("default", "api", "ClusterIP", "10.0.0.5", Map.of("tether.dev/private", "true"), Map.of(), null);
        ServiceFacts web = new ServiceFacts("shop", "web", "LoadBalancer", "10.0.0.6", Map.of(), Map.of(), "203.0.113.4");
        ServiceFacts internal = new ServiceFacts("shop", "db", "LoadBalancer", "10.0.0.7", Map.of("tether.dev/private", "true",
                "service.beta.kubernetes.io/azure-load-balancer-internal", "true"), Map.of(), "10.0.1.4");
        assertEquals(List.of("default/api: ClusterIP (not reachable from the VNet), should be an internal LoadBalancer (opted in)"),
                DriftPlanner.services(List.of(api, web, internal), ClusterPolicy.ANNOTATED));
        assertEquals(List.of("default/api: ClusterIP (not reachable from the VNet), should be an internal LoadBalancer (opted in)",
                        "shop/web: public LoadBalancer 203.0.113.4, should be an internal LoadBalancer (policy all-loadbalancers)"),
                DriftPlanner.services(List.of(api, web, internal), ClusterPolicy.ALL_LOADBALANCERS));
        assertEquals(List.of(), DriftPlanner.services(List.of(api, web), ClusterPolicy.AUDIT));
        int[] asked = {0};
        assertEquals(List.of(), DriftPlanner.misplaced(List.of(api, web, internal), ClusterPolicy.ANNOTATED, () -> {
            asked[0]++;
            return Map.of();
        }));
        assertEquals(0, asked[0], "no Service names a subnet: the VNet is not read");
    }
}
