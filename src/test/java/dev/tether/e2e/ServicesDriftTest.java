package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.durable.InstanceIds;
import dev.tether.plan.ResourceId;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1LoadBalancerStatus;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The drift scan reconciles Services that make no Azure event: an opted-in ClusterIP (AKS writes no IP or load balancer
 * for it) or a managed Service edited back to ClusterIP. One paged list per cluster; the repair is the cluster's one
 * ReconcileServices instance.
 */
class ServicesDriftTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String SERVICES_INSTANCE = InstanceIds.forServices(ResourceId.parse(DemoWorld.CLUSTER_ID), null);
    static final String API_DRIFT = "default/api: ClusterIP (not reachable from the VNet), should be an internal LoadBalancer (opted in)";

    /** Linked, then a team creates an opted-in ClusterIP Service: no Azure event follows. */
    static Sandbox linkedWithSilentService() throws Exception {
        Sandbox s = DriftTest.linked();
        assertEquals(201, ExposureGuardTest.create(s, ExposureGuardTest.service("default", "api", "ClusterIP", Map.of("tether.dev/private", "true")))
                .getStatusCode());
        return s;
    }

    static List<String> kubeCalls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(c -> c.target().equals("kubernetes")).map(c -> c.method() + " " + c.path()).toList();
    }

    static List<String> writes(Sandbox s, int mark) {
        return s.calls().since(mark).stream().filter(CallLog.Call::isWrite).map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    @Test
    void anOptedInServiceThatMadeNoEventIsFoundByTheScanAndRepairedByTheClustersReconcileServicesInstance() throws Exception {
        try (Sandbox s = linkedWithSilentService()) {
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = DriftTest.report(s);
            assertEquals("[{\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\",\"reasons\":[\"" + API_DRIFT + "\"],\"repair\":true,\"guard\":false}]",
                    report.path("services").toString());
            assertEquals("[\"" + SERVICES_INSTANCE + "\"]", report.path("repairsStarted").toString());
            assertEquals(0, report.path("drifted").size(), "the cluster's DNS and the app are fine");
            DurableDriver.InstanceView repair = s.durable().instance(SERVICES_INSTANCE).orElseThrow();
            assertEquals("ReconcileServices", repair.name());
            assertEquals("Completed", repair.status(), repair.failure());
            assertEquals(List.of(
                    // the scan: the cluster's DNS, then one list of Services (a page of at most 500)
                    "GET /api/v1/namespaces/kube-system/services/tether-dns",
                    "GET /api/v1/namespaces/kube-system/configmaps/coredns-custom",
                    "GET /apis/apps/v1/namespaces/kube-system/deployments/coredns",
                    "GET /api/v1/services?limit=500",
                    // and the exposure guard (off here: none may be left behind)
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/tether-exposure-guard",
                    "GET /apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/tether-exposure-guard",
                    // the repair: its own list and plan, then the one Service re-read and patched
                    "GET /api/v1/services?limit=500",
                    "GET /api/v1/namespaces/default/services/api",
                    "PATCH /api/v1/namespaces/default/services/api",
                    // then the wait for its internal IP: one list a check, at 0, 15 and 30 s (the controller takes 30 s)
                    "GET /api/v1/services?limit=500",
                    "GET /api/v1/services?limit=500",
                    "GET /api/v1/services?limit=500"), kubeCalls(s, mark));
            assertEquals(List.of("PATCH /api/v1/namespaces/default/services/api"), writes(s, mark));
            s.clock().advance(Duration.ofSeconds(31));
            ServicesTest.assertInternalInNodeSubnet(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "default", "api").orElseThrow());

            mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode again = DriftTest.report(s);
            assertEquals("[]", again.path("services").toString());
            assertEquals("[]", again.path("repairsStarted").toString());
            assertEquals(List.of(), writes(s, mark), "a second scan writes nothing");
            assertEquals(1, kubeCalls(s, mark).stream().filter(c -> c.startsWith("GET /api/v1/services")).count(), "one list per cluster");
        }
    }

    @Test
    void aManagedServiceEditedBackToClusterIpIsRepairedAndAuditOnlyReports() throws Exception {
        try (Sandbox s = linkedWithSilentService()) {
            s.timer();
            s.runUntilIdle();
            s.clock().advance(Duration.ofSeconds(31));
            ExposureGuardTest.patch(s, "default", "api", Map.of("spec", Map.of("type", "ClusterIP")));
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals("[\"default/api: ClusterIP (not reachable from the VNet), should be an internal LoadBalancer (opted in)\"]",
                    DriftTest.report(s).path("services").path(0).path("reasons").toString());
            assertEquals(List.of("PATCH /api/v1/namespaces/default/services/api"), writes(s, mark), "only the type goes back");

            ExposureGuardTest.setClusterTag(s, "private-link-policy", "audit");
            ExposureGuardTest.patch(s, "default", "api", Map.of("spec", Map.of("type", "ClusterIP")));
            mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            assertEquals("[]", DriftTest.report(s).path("services").toString(), "audit changes nothing, so nothing drifts");
            assertEquals(List.of(), writes(s, mark));
        }
    }

    @Test
    void anInternalServiceOutsideItsAnnotatedSubnetIsReportedWithTheVnetReadsCounted() throws Exception {
        try (Sandbox s = DriftTest.linked()) {
            JsonNode vnet = s.arm().resource(DemoWorld.VNET_ID).orElseThrow();
            String prefix = null;
            for (JsonNode sn : vnet.path("properties").path("subnets")) {
                if (sn.path("name").asText().equals("subnet1")) {
                    prefix = sn.path("properties").path("addressPrefix").asText(null);
                }
            }
            assertEquals("10.0.1.0/24", prefix, "the demo world's node subnet: " + vnet);
            // Its frontend still has an IP from elsewhere (the annotation was just added): until AKS's controller moves it
            V1Service db = ExposureGuardTest.service("default", "db", "LoadBalancer", Map.of("tether.dev/private", "true",
                    "service.beta.kubernetes.io/azure-load-balancer-internal", "true",
                    "service.beta.kubernetes.io/azure-load-balancer-internal-subnet", "subnet1"));
            db.status(new V1ServiceStatus().loadBalancer(new V1LoadBalancerStatus().ingress(List.of(new V1LoadBalancerIngress().ip("192.168.77.7")))));
            ExposureGuardTest.create(s, db);
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = DriftTest.report(s);
            assertEquals("[{\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\",\"reasons\":[\"default/db: internal IP 192.168.77.7 is outside its annotated"
                    + " subnet subnet1 (" + prefix + "); AKS moves the frontend, Tether has nothing to write\"],\"repair\":false,\"guard\":false}]",
                    report.path("services").toString());
            assertEquals("[]", report.path("repairsStarted").toString(), "no repair: there is nothing to write");
            List<String> armReads = s.calls().since(mark).stream().filter(c -> c.target().equals("arm") && !c.isWrite())
                    .map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).filter(c -> !c.contains("/resources")).toList();
            assertTrue(armReads.contains("GET " + DemoWorld.CLUSTER_ID) && armReads.contains("GET " + DemoWorld.VNET_ID), armReads.toString());
        }
    }

    @Test
    void aClusterWithMoreServicesThanAPageIsListedInPagesAndTheOptedInOneIsStillFound() throws Exception {
        try (Sandbox s = linkedWithSilentService()) {
            var admin = s.kubernetes().adminClient(DemoWorld.CLUSTER_ID);
            for (int i = 0; i < 520; i++) {
                admin.services().inNamespace("bulk").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
                        .withName("svc-" + i).withNamespace("bulk").endMetadata().withNewSpec().withType("ClusterIP").endSpec().build()).create();
            }
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            List<String> lists = kubeCalls(s, mark).stream().filter(c -> c.startsWith("GET /api/v1/services")).toList();
            assertEquals(10, lists.size(), "two pages for the scan, two for the repair's plan, two for each of its three checks of the internal IP: " + lists);
            assertEquals("GET /api/v1/services?limit=500", lists.get(0));
            assertTrue(lists.get(1).matches("GET /api/v1/services\\?continue=[A-Za-z0-9_-]+&limit=500"), lists.get(1));
            assertEquals("[\"" + API_DRIFT + "\"]", DriftTest.report(s).path("services").path(0).path("reasons").toString());
            assertEquals(List.of("PATCH /api/v1/namespaces/default/services/api"), writes(s, mark));
        }
    }

    /**
     * The process dies right after each history event of the scan and its repair; recovery from the saved histories
     * reaches the same Service with exactly the same one write.
     */
    @Test
    void crashAndReplayThroughTheServicesDriftRepair() throws Exception {
        int events = CrashEverywhereTest.crashEverywhere(ServicesDriftTest::linkedWithSilentService, GuardDriftTest::scanToRest,
                List.of("PATCH /api/v1/namespaces/default/services/api"), s -> {
                    assertEquals("Completed", s.durable().instance(SERVICES_INSTANCE).orElseThrow().status());
                    JsonNode api = s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "default", "api").orElseThrow();
                    assertEquals("LoadBalancer", api.path("spec").path("type").asText());
                });
        // Measured: the drift scan and the ReconcileServices repair it starts add 56 history events to the link's (each
        // activity and timer scheduled and completed, each orchestration's start and end). Every one is a crash point.
        assertEquals(56, events, "a scan and a repair: history events");
    }
}
