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
