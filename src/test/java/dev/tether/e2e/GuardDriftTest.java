package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The drift scan checks the exposure guard against the cluster's tags (two reads per cluster): a guard someone deleted
 * or edited, or one left behind after the tag went without an event, is repaired by the cluster's ReconcileServices
 * instance with the fewest writes; a foreign object with the guard's name, or a cluster without the API, is reported
 * and never written.
 */
class GuardDriftTest {
    static final String POLICY = ExposureGuardTest.POLICIES + "/tether-exposure-guard";
    static final String BINDING = ExposureGuardTest.BINDINGS + "/tether-exposure-guard";

    static Sandbox guarded() {
        return ExposureGuardTest.linked(Map.of("private-link-guard", "true"));
    }

    static List<String> writes(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(CallLog.Call::isWrite).map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    /** The guard's calls since {@code mark}, without status. */
    static List<String> guardCalls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(c -> c.path().contains("admissionregistration.k8s.io"))
                .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    static JsonNode scan(Sandbox s) throws Exception {
        s.timer();
        s.runUntilIdle();
        return DriftTest.report(s);
    }

    static String repairGuardStep(Sandbox s) throws Exception {
        DurableDriver.InstanceView repair = s.durable().instance(ServicesDriftTest.SERVICES_INSTANCE).orElseThrow();
        assertEquals("Completed", repair.status(), repair.failure());
        return ServicesTest.step(ExposureGuardTest.M.readTree(repair.output()), "exposure-guard");
    }

    @Test
    void aConvergedGuardCostsTwoReadsAndNoRepair() throws Exception {
        try (Sandbox s = guarded()) {
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[]", report.path("services").toString());
            assertEquals("[]", report.path("repairsStarted").toString());
            assertEquals(List.of("GET " + POLICY, "GET " + BINDING), guardCalls(s, mark), "one read per object, no discovery");
            assertEquals(List.of(), writes(s, mark));
        }
    }

    @Test
    void aDeletedBindingIsRecreatedByTheServicesRepairAndASecondScanWritesNothing() throws Exception {
        try (Sandbox s = guarded()) {
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1().validatingAdmissionPolicyBindings()
                    .withName("tether-exposure-guard").delete();
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[{\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\",\"reasons\":[\"ValidatingAdmissionPolicyBinding tether-exposure-guard is missing"
                    + " (tag private-link-guard is true)\"],\"repair\":true,\"guard\":true}]", report.path("services").toString());
            assertEquals("[\"" + ServicesDriftTest.SERVICES_INSTANCE + "\"]", report.path("repairsStarted").toString());
            assertEquals(List.of(
                    // the scan: both objects, then discovery (the binding is missing: is the API still served?)
                    "GET " + POLICY, "GET " + BINDING, "GET " + ExposureGuardTest.DISCOVERY,
                    // the repair's guard step: read both, create the binding
                    "GET " + POLICY, "GET " + BINDING, "POST " + ExposureGuardTest.BINDINGS), guardCalls(s, mark));
            assertEquals(List.of("POST " + ExposureGuardTest.BINDINGS), writes(s, mark), "only the missing object is written");
            assertTrue(repairGuardStep(s).startsWith("CREATED ValidatingAdmissionPolicy none, ValidatingAdmissionPolicyBinding create;"), repairGuardStep(s));
            assertEquals(422, ExposureGuardTest.refused(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")))
                    .path("code").asInt(), "the guard is in force again");

            mark = s.calls().size();
            JsonNode again = scan(s);
            assertEquals("[]", again.path("services").toString());
            assertEquals(List.of(), writes(s, mark), "a second scan writes nothing");
        }
    }

    @Test
    void anEditedPolicyIsPatchedBackAndNothingElseIsWritten() throws Exception {
        try (Sandbox s = guarded()) {
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1().validatingAdmissionPolicies()
                    .withName("tether-exposure-guard").edit(p -> {
                        p.getSpec().setFailurePolicy("Ignore");
                        return p;
                    });
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[\"ValidatingAdmissionPolicy tether-exposure-guard differs from the guard of policy annotated\"]",
                    report.path("services").path(0).path("reasons").toString());
            assertEquals(List.of("PATCH " + POLICY), writes(s, mark));
            assertEquals("Fail", s.kubernetes().list(DemoWorld.CLUSTER_ID, "ValidatingAdmissionPolicy").get(0).path("spec").path("failurePolicy").asText());
        }
    }

    @Test
    void aGuardLeftBehindAfterTheTagWentWithoutAnEventIsRemovedBindingFirst() throws Exception {
        try (Sandbox s = guarded()) {
            ExposureGuardTest.setClusterTag(s, "private-link-guard", null); // no event reaches Tether
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[{\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\",\"reasons\":[\"ValidatingAdmissionPolicy tether-exposure-guard is left behind"
                    + " (tag private-link-guard is not true)\",\"ValidatingAdmissionPolicyBinding tether-exposure-guard is left behind (tag private-link-guard"
                    + " is not true)\"],\"repair\":true,\"guard\":true}]", report.path("services").toString());
            assertEquals(List.of("DELETE " + BINDING, "DELETE " + POLICY), writes(s, mark), "the binding first: it never names a missing policy");
            assertEquals(201, ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")))
                    .getStatusCode(), "no guard any more");

            mark = s.calls().size();
            scan(s);
            assertEquals(List.of(), writes(s, mark).stream().filter(w -> w.contains("admissionregistration")).toList(), "a second scan leaves the guard alone");
        }
    }

    @Test
    void aForeignObjectWithTheGuardsNameIsReportedAndNeverWritten() throws Exception {
        try (Sandbox s = guarded()) {
            var admin = s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1().validatingAdmissionPolicyBindings();
            admin.withName("tether-exposure-guard").edit(b -> {
                b.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");
                return b;
            });
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[]", report.path("services").toString());
            assertEquals("[\"" + DemoWorld.CLUSTER_ID + ": GUARD_NAME_TAKEN: a ValidatingAdmissionPolicyBinding named tether-exposure-guard exists and is not"
                    + " labelled app.kubernetes.io/managed-by: tether, so Tether leaves it alone. Fix: delete or rename it, or remove the private-link-guard tag\"]",
                    report.path("conflicts").toString());
            assertEquals(List.of(), writes(s, mark));
        }
    }

    @Test
    void aGuardTagOnAClusterWithoutTheApiIsReportedNotRepairedAgainAndAgain() throws Exception {
        ObjectNode w = ExposureGuardTest.onKubernetes(DemoWorld.build(), "1.29.9");
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "old cluster"))) {
            s.deliverAll(ClusterLinkTest.clusterTagEvent());
            s.runUntilIdle();
            ExposureGuardTest.setClusterTag(s, "private-link-guard", "true"); // no event reaches Tether
            int mark = s.calls().size();
            JsonNode report = scan(s);
            assertEquals("[]", report.path("services").toString());
            assertEquals("[\"" + DemoWorld.CLUSTER_ID + ": GUARD_API_MISSING: cluster clustername1 does not serve admissionregistration.k8s.io/v1"
                    + " ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them). Fix: upgrade the cluster"
                    + " to Kubernetes 1.30 or later, or remove the private-link-guard tag\"]", report.path("conflicts").toString());
            assertEquals(List.of("GET " + POLICY, "GET " + BINDING, "GET " + ExposureGuardTest.DISCOVERY), guardCalls(s, mark));
            assertEquals(List.of(), writes(s, mark));
        }
    }

    /**
     * A guard repair signalled while the cluster's ReconcileServices instance is already running (here: waiting for the
     * internal IP of a Service an earlier scan repaired) is carried by the signal: the running pass continues as new with
     * the guard, and the binding is back in that same instance, not one scan later.
     */
    @Test
    void aGuardRepairSignalledToARunningServicesInstanceIsDoneByThatInstance() throws Exception {
        try (Sandbox s = deletedBindingWhileTheServicesRepairRuns()) {
            int mark = s.calls().size();
            s.timer();
            s.durable().runUntil(s.clock().now());
            JsonNode report = DriftTest.report(s);
            assertEquals("[\"" + ServicesDriftTest.SERVICES_INSTANCE + "\"]", report.path("repairsStarted").toString());
            assertEquals("Running", s.durable().instance(ServicesDriftTest.SERVICES_INSTANCE).orElseThrow().status(), "signalled, not started again");
            s.runUntilIdle();
            assertEquals(List.of(
                    // the second scan: both objects, then discovery (the binding is missing)
                    "GET " + POLICY, "GET " + BINDING, "GET " + ExposureGuardTest.DISCOVERY,
                    // the running instance's next pass, with the guard the signal asked for: read both, create the binding
                    "GET " + POLICY, "GET " + BINDING, "POST " + ExposureGuardTest.BINDINGS), guardCalls(s, mark));
            assertEquals(List.of("POST " + ExposureGuardTest.BINDINGS), writes(s, mark), "only the missing binding is written");
            assertEquals("CREATED ValidatingAdmissionPolicy none, ValidatingAdmissionPolicyBinding create; guard tether-exposure-guard denies under"
                    + " policy annotated ", repairGuardStep(s));
            assertEquals(List.of(ServicesDriftTest.SERVICES_INSTANCE), s.durable().instances().stream().filter(v -> v.name().equals("ReconcileServices"))
                    .map(DurableDriver.InstanceView::instanceId).toList(), "one ReconcileServices instance for the cluster");
            assertEquals(422, ExposureGuardTest.refused(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")))
                    .path("code").asInt(), "the guard is in force again");
        }
    }

    /** The process dies after each history event of the scan and its guard repair; recovery writes the binding exactly once. */
    @Test
    void crashAndReplayThroughTheGuardRepair() throws Exception {
        CrashEverywhereTest.crashEverywhere(GuardDriftTest::deletedBinding, GuardDriftTest::scanToRest, List.of("POST " + ExposureGuardTest.BINDINGS),
                GuardDriftTest::assertGuardRepaired);
    }

    /**
     * The same, for a guard repair signalled to a running ReconcileServices instance: the guard request rides on the
     * recheck event in that instance's history, so a crash anywhere still ends with the binding written exactly once.
     */
    @Test
    void crashAndReplayThroughAGuardRepairSignalledToARunningInstance() throws Exception {
        CrashEverywhereTest.crashEverywhere(GuardDriftTest::deletedBindingWhileTheServicesRepairRuns, GuardDriftTest::scanToRest,
                List.of("POST " + ExposureGuardTest.BINDINGS), s -> {
                    assertGuardRepaired(s);
                    assertEquals(List.of(ServicesDriftTest.SERVICES_INSTANCE), s.durable().instances().stream()
                            .filter(v -> v.name().equals("ReconcileServices")).map(DurableDriver.InstanceView::instanceId).toList());
                });
    }

    static void scanToRest(Sandbox s) {
        s.timer();
        s.runUntilIdle();
    }

    static void assertGuardRepaired(Sandbox s) {
        assertEquals("Completed", s.durable().instance(ServicesDriftTest.SERVICES_INSTANCE).orElseThrow().status());
        assertEquals(1, s.kubernetes().list(DemoWorld.CLUSTER_ID, "ValidatingAdmissionPolicyBinding").size());
    }

    /** Guarded, an opted-in Service repaired by a first scan whose ReconcileServices instance still waits for its IP, then the binding deleted. */
    static Sandbox deletedBindingWhileTheServicesRepairRuns() throws Exception {
        Sandbox s = guarded();
        assertEquals(201, ExposureGuardTest.create(s, ExposureGuardTest.service("default", "api", "ClusterIP", Map.of("tether.dev/private", "true",
                ExposureGuardTest.INTERNAL, "true"))).getStatusCode());
        s.timer();
        s.durable().runUntil(s.clock().now()); // the first scan's repair patches the Service and waits for its IP
        assertEquals("Running", s.durable().instance(ServicesDriftTest.SERVICES_INSTANCE).orElseThrow().status());
        s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1().validatingAdmissionPolicyBindings()
                .withName("tether-exposure-guard").delete();
        return s;
    }

    static Sandbox deletedBinding() {
        Sandbox s = guarded();
        s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).admissionRegistration().v1().validatingAdmissionPolicyBindings()
                .withName("tether-exposure-guard").delete();
        return s;
    }
}
