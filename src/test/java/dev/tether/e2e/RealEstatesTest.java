package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.config.TetherConfig;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real estates, end to end through the real clients against the local world: private clusters and authorized IP ranges,
 * a tether-dns Tether did not create, CoreDNS configuration Tether did not write, zones that are not private, and tag
 * values that differ from the other side's only in case or whitespace. Refusals make zero writes and give the exact
 * message; successful paths make the minimum writes and a second pass makes none.
 */
class RealEstatesTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final Path PRIVATE_CLUSTER = Path.of("src/test/resources/estates/ManagedClustersCreate_PrivateClusterPublicFQDN.2024-09-01.json");

    /**
     * The demo world with its cluster replaced by the AKS REST example of a private cluster (200 body, unchanged but for
     * the edits DemoWorld makes to its own cluster: moved into the app's subscription and region, tagged
     * private-link=shop, its node pool given the VNet's subnet1 and its service CIDR moved off the VNet's range).
     */
    static ObjectNode privateClusterWorld() {
        ObjectNode world = DemoWorld.build();
        ArrayNode resources = (ArrayNode) world.get("resources");
        for (int i = 0; i < resources.size(); i++) {
            if (resources.get(i).path("type").asText().equals("Microsoft.ContainerService/managedClusters")) {
                resources.set(i, privateCluster());
            }
        }
        return world;
    }

    static ObjectNode privateCluster() {
        try {
            JsonNode example = M.readTree(PRIVATE_CLUSTER.toFile());
            String text = example.path("responses").path("200").path("body").toString()
                    .replace("/subscriptions/00000000-0000-0000-0000-000000000000/", "/subscriptions/" + DemoWorld.SUB + "/");
            ObjectNode cluster = (ObjectNode) M.readTree(text);
            cluster.put("location", "eastus");
            ((ObjectNode) cluster.get("tags")).put("private-link", DemoWorld.LINK);
            ((ObjectNode) cluster.path("properties").path("agentPoolProfiles").get(0)).put("vnetSubnetID", DemoWorld.NODE_SUBNET_ID);
            ObjectNode net = (ObjectNode) cluster.path("properties").path("networkProfile");
            net.put("serviceCidr", "10.240.0.0/16").put("dnsServiceIP", "10.240.0.10");
            net.putArray("serviceCidrs").add("10.240.0.0/16");
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode cluster(ObjectNode world) {
        return BadInputTest.resource(world, "Microsoft.ContainerService/managedClusters");
    }

    static DurableDriver.InstanceView only(Sandbox s) {
        List<DurableDriver.InstanceView> runs = s.durable().instances();
        assertEquals(1, runs.size(), runs.toString());
        return runs.get(0);
    }

    static List<CallLog.Call> writes(Sandbox s) {
        return s.calls().writes();
    }

    static void assertLinkedThenConverged(Sandbox s) {
        DurableDriver.InstanceView v = only(s);
        assertEquals("Completed", v.status(), v.failure());
        assertTrue(v.output().contains("\"status\":\"LINKED\""), v.output());
        List<CallLog.Call> w = writes(s);
        assertEquals(4, w.stream().filter(c -> c.target().equals("arm")).count(), "subnet, site, slot-setting mark, app settings: " + w);
        assertEquals(4, w.stream().filter(c -> c.target().equals("kubernetes")).count(), w.toString());
        int mark = s.calls().size();
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "a second pass writes nothing");
    }

    // ---- 1. private clusters and authorized IP ranges ----

    @Test
    void aPrivateClusterIsRefusedBeforeTheAppIsTouchedAndWithoutAConnectionAttempt() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(privateClusterWorld(), "private cluster"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Failed", v.status());
            assertEquals("API_SERVER_UNREACHABLE: cluster clustername1 is a private cluster: its API server has only a private address in VNet"
                    + " test-vnet and its privatelink.eastus.azmk8s.io zone is linked only to that VNet, and Tether's network (no VNet:"
                    + " TETHER_NETWORK_VNETS is empty) cannot reach it Fix: deploy Tether with the Bicep parameters tetherSubnetId (a subnet"
                    + " delegated to Microsoft.Web/serverFarms in test-vnet or a VNet peered with it and listed in peeredVnetIds) and privateDnsZoneIds (the cluster's"
                    + " private DNS zone), which sets TETHER_NETWORK_VNETS; see docs/PRIVATE-CLUSTERS.md", v.failure());
            assertEquals(List.of(), writes(s));
            assertEquals(List.of(), s.calls().calls().stream().filter(c -> c.target().equals("kubernetes")).toList(), "no connection attempt");

            // The drift scan reports the cluster instead of timing out on it, and still completes.
            s.timer();
            s.runUntilIdle();
            DurableDriver.InstanceView scan = s.durable().instance("tether-drift-scan").orElseThrow();
            assertEquals("Completed", scan.status(), scan.failure());
            JsonNode report = M.readTree(scan.output());
            String id = DemoWorld.CLUSTER_ID.replace("resourceGroups", "resourcegroups");
            assertEquals(List.of(id + ": API_SERVER_UNREACHABLE: cluster clustername1 is a private cluster: its API server has only a private"
                    + " address in VNet test-vnet and its private DNS zone is linked only to that VNet, and Tether's network (no VNet:"
                    + " TETHER_NETWORK_VNETS is empty) cannot reach it Fix: deploy Tether with the Bicep parameters tetherSubnetId (a subnet"
                    + " delegated to Microsoft.Web/serverFarms in test-vnet or a VNet peered with it and listed in peeredVnetIds) and"
                    + " privateDnsZoneIds (the cluster's private DNS zone), which sets TETHER_NETWORK_VNETS; see docs/PRIVATE-CLUSTERS.md"),
                    M.convertValue(report.path("conflicts"), List.class));
            assertEquals(List.of(), s.calls().calls().stream().filter(c -> c.target().equals("kubernetes")).toList());
            assertEquals(List.of(), writes(s));
        }
    }

    @Test
    void aPrivateClusterLinksWhenTetherIsIntegratedIntoItsVnet() throws Exception {
        ObjectNode world = privateClusterWorld();
        world.putObject("tether").putArray("vnetIds").add(DemoWorld.VNET_ID);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "private cluster, Tether in its VNet"))) {
            assertEquals(List.of(DemoWorld.VNET_ID), Sandbox.Options.defaults(WorldFile.parse(world, "w")).config().network().vnetIds());
            assertEquals(M.readTree("{\"vnetIds\":[\"" + DemoWorld.VNET_ID + "\"],\"outboundIps\":[]}"), s.result().path("world").path("tether"),
                    "RESULT.json's world keeps the section");
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertLinkedThenConverged(s);
        }
    }

    @Test
    void anUnreachableApiServerTimesOutAsFromAzureNotA403() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(privateClusterWorld(), "private cluster"))) {
            assertEquals(java.util.Optional.of("private cluster: its API server has only a private address in " + DemoWorld.VNET_ID),
                    s.kubernetes().unreachableReason(DemoWorld.CLUSTER_ID));
            KubeConfig kc = KubeConfig.loadKubeConfig(new StringReader(s.kubernetes().kubeconfig(DemoWorld.CLUSTER_ID, false)));
            ApiClient client = ClientBuilder.kubeconfig(kc).build();
            client.setHttpClient(client.getHttpClient().newBuilder().connectTimeout(300, TimeUnit.MILLISECONDS).build());
            ApiException e = assertThrows(ApiException.class,
                    () -> new CoreV1Api(client).readNamespacedService("tether-dns", "kube-system").execute());
            assertEquals(0, e.getCode(), "no HTTP status: the connection never opened");
            assertInstanceOf(SocketTimeoutException.class, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    @Test
    void tetherThatBelievesItCanReachAPrivateClusterGetsTheWorldsConnectTimeout() {
        ObjectNode world = privateClusterWorld();
        WorldFile file = WorldFile.parse(world, "private cluster");
        // Tether's settings claim the cluster's VNet; the world's position (no tether section) says otherwise.
        TetherConfig lying = TetherConfig.fromEnvironment(Map.of("TETHER_SUBSCRIPTIONS", DemoWorld.SUB,
                "TETHER_NETWORK_VNETS", DemoWorld.VNET_ID, "TETHER_RETRY_MAX_ATTEMPTS", "1"));
        try (Sandbox s = new Sandbox(file, new Sandbox.Options(Duration.ofSeconds(30), lying))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Failed", v.status());
            String id = DemoWorld.CLUSTER_ID.replace("resourceGroups", "resourcegroups"); // as the example body spells it
            assertEquals("Task 'PlanSiteLink' (#0) failed with an unhandled exception: get Service kube-system/tether-dns in cluster " + id
                    + " failed with no response (Message: java.net.SocketTimeoutException: Connect timed out\nHTTP response code: 0\n"
                    + "HTTP response body: null\nHTTP response headers: null)", v.failure());
            assertEquals(List.of(), writes(s));
        }
    }

    @Test
    void authorizedIpRangesLinkFromTetherNatIpAndRefuseOtherwise() {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) cluster(world).get("properties")).putObject("apiServerAccessProfile").putArray("authorizedIPRanges")
                .add("198.51.100.0/24").add("203.0.113.0/28");
        ObjectNode outside = world.deepCopy();
        outside.putObject("tether").putArray("outboundIps").add("192.0.2.10");
        try (Sandbox s = new Sandbox(WorldFile.parse(outside, "authorized ranges, Tether outside"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Failed", v.status());
            assertEquals("API_SERVER_UNREACHABLE: cluster clustername1 accepts API server connections only from 198.51.100.0/24, 203.0.113.0/28"
                    + " (authorizedIPRanges), and Tether's outbound traffic leaves from 192.0.2.10, outside them Fix: add Tether's outbound IP"
                    + " to the cluster's ranges: az aks update -g <rg> -n clustername1 --api-server-authorized-ip-ranges"
                    + " 198.51.100.0/24,203.0.113.0/28,192.0.2.10/32", v.failure());
            assertEquals(List.of(), writes(s));
            assertTrue(s.kubernetes().unreachableReason(DemoWorld.CLUSTER_ID).isPresent(), "the world agrees");
        }
        world.putObject("tether").putArray("outboundIps").add("203.0.113.7");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "authorized ranges, Tether's NAT IP inside"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertLinkedThenConverged(s);
        }
    }

    // ---- 2. kube-system/tether-dns that Tether did not create ----

    @Test
    void aForeignTetherDnsIsRefusedWithZeroWrites() {
        ObjectNode world = DemoWorld.build();
        ((ArrayNode) world.path("kubernetes").path(DemoWorld.CLUSTER_ID)).add(BadInputCatalog.foreignDnsService());
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "foreign tether-dns"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Failed", v.status());
            assertEquals("FOREIGN_DNS_SERVICE: Service kube-system/tether-dns exists but was not created by Tether (label"
                    + " app.kubernetes.io/managed-by is missing); Tether will not take over a Service it does not own Fix: rename or delete"
                    + " that Service (kubectl -n kube-system delete service tether-dns) so Tether can create its own, then rerun the link", v.failure());
            assertEquals(List.of(), writes(s));
        }
    }

    @Test
    void anOwnedTetherDnsWithAForeignSelectorKeyConvergesExactly() throws Exception {
        ObjectNode world = DemoWorld.build();
        ObjectNode svc = BadInputCatalog.foreignDnsService();
        ((ObjectNode) svc.get("metadata")).putObject("labels").put("app.kubernetes.io/managed-by", "tether");
        ArrayNode ports = ((ObjectNode) svc.get("spec")).putArray("ports");
        ports.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP").put("targetPort", 53);
        ports.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP").put("targetPort", 53);
        ((ArrayNode) world.path("kubernetes").path(DemoWorld.CLUSTER_ID)).add(svc);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "owned tether-dns, extra selector key"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Completed", v.status(), v.failure());
            JsonNode after = new WorldView(s).kube(DemoWorld.CLUSTER_ID, "Service", "kube-system", "tether-dns").orElseThrow();
            assertEquals(M.readTree("{\"k8s-app\":\"kube-dns\"}"), after.path("spec").path("selector"));
            List<CallLog.Call> kubeWrites = writes(s).stream().filter(c -> c.target().equals("kubernetes")).toList();
            assertEquals(List.of("PATCH /api/v1/namespaces/kube-system/services/tether-dns",
                            "PATCH /api/v1/namespaces/kube-system/configmaps/coredns-custom",
                            "PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns",
                            "PATCH /api/v1/namespaces/kube-system/services/tether-dns"),
                    kubeWrites.stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "")).toList());
            int mark = s.calls().size();
            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals(0, report.path("drifted").size(), report.toString());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList());
        }
    }

    // ---- 3. CoreDNS configuration Tether did not write ----

    @Test
    void aServerBlockForTheZoneIsRefusedBeforeTheAppIsTouched() {
        ObjectNode world = DemoWorld.build();
        BadInputCatalog.corednsKey("shop.server", "shop.internal:53 {\n    forward . 10.9.9.9\n}\n").accept(world);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "server block for the zone"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("COREDNS_SERVER_BLOCK_SHADOWS: key 'shop.server' of kube-system/coredns-custom defines a server block for"
                    + " shop.internal, which overlaps Tether's zone shop.internal; CoreDNS answers from the most specific server block, so"
                    + " k8s_external in the default block would never see those names Fix: remove that server block or choose another zone"
                    + " with tag private-link-domain", v.failure());
            assertEquals(List.of(), writes(s));
        }
    }

    @Test
    void coreDnsIsNeverRestartedIntoADormantBadKey() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            // Someone adds a forward to an override after Tether's override step checked the ConfigMap, before the restart.
            s.kubernetes().adminClient(DemoWorld.CLUSTER_ID).configMaps().inNamespace("kube-system").withName("coredns-custom")
                    .edit(cm -> {
                        cm.getData().put("upstream.override", "forward . 10.1.2.3\n");
                        return cm;
                    });
            String result = (String) s.host().invoke("RestartCorednsIfStale",
                    "{\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\",\"domain\":\"shop.internal\",\"at\":\"2026-01-01T00:00:00Z\"}");
            assertTrue(result.contains("\"error\":\"CoreDNS was not restarted: COREDNS_FORWARD_IN_OVERRIDE: key 'upstream.override' of"
                    + " kube-system/coredns-custom uses forward, but AKS's default server block already forwards"), result);
            assertEquals(List.of(), writes(s));
        }
    }

    // ---- 4. zones that are not private ----

    @Test
    void internalSuffixesLinkAndPublicOrAzureZonesAreRefused() {
        for (String zone : List.of("shop.corp", "shop.lan", "apps.local")) {
            ObjectNode world = DemoWorld.build();
            ((ObjectNode) cluster(world).get("tags")).put("private-link-domain", zone);
            try (Sandbox s = new Sandbox(WorldFile.parse(world, zone))) {
                s.deliverAll(DemoWorld.events());
                s.runUntilIdle();
                assertLinkedThenConverged(s);
                JsonNode cm = new WorldView(s).kube(DemoWorld.CLUSTER_ID, "ConfigMap", "kube-system", "coredns-custom").orElseThrow();
                assertEquals("k8s_external " + zone + "\n", cm.path("data").path("tether.override").asText());
            }
        }
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) cluster(world).get("tags")).put("private-link-domain", "vault.azure.net");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "vault.azure.net"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("INVALID_DOMAIN: tag private-link-domain='vault.azure.net' is under the Azure service domain azure.net (Key Vault"
                    + " (vault.azure.net, vaultcore.azure.net), Managed HSM, Azure Monitor and other services): every pod in the cluster would"
                    + " resolve it through Tether's DNS and lose the real service; use a private zone such as '<link>.internal'"
                    + " (docs/ZONES.md) Fix: fix tag private-link-domain on " + DemoWorld.CLUSTER_ID, only(s).failure());
            assertEquals(List.of(), writes(s));
        }
    }

    // ---- 5. tag values ----

    @Test
    void aClusterTaggedInOtherLetterCaseIsANearMissInStatusAndDrift() throws Exception {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) cluster(world).get("tags")).put("private-link", "Shop");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "near miss"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = only(s);
            assertEquals("Completed", v.status(), v.failure());
            assertTrue(v.output().contains("\"status\":\"WAITING\""), v.output());
            String expected = "app " + DemoWorld.SITE_ID + " has private-link='shop' and cluster " + DemoWorld.CLUSTER_ID + " has 'Shop':"
                    + " they differ only in letter case or whitespace, and ARM's tag filter compares values exactly, so they are not linked."
                    + " Fix: give both the same lowercase value 'shop'";
            JsonNode status = M.readTree(s.http("GET /api/links/status", null, Map.of("Accept", "application/json")).body());
            assertEquals(1, status.path("nearMisses").size(), status.toString());
            assertEquals(expected, status.path("nearMisses").get(0).path("message").asText());
            assertEquals("Shop", status.path("nearMisses").get(0).path("clusterValue").asText());
            s.timer();
            s.runUntilIdle();
            JsonNode report = M.readTree(s.durable().instance("tether-drift-scan").orElseThrow().output());
            assertEquals(List.of(expected), M.convertValue(report.path("nearMisses"), List.class));
            assertEquals(List.of(), writes(s));
        }
    }
}
