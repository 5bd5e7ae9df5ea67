package dev.tether.plan;

import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The pure rules behind the real-estate pre-flight: tags, zones, CoreDNS, API server reach, tether-dns ownership. */
class RealEstatePlansTest {

    private static String refusal(String zone) {
        return assertThrows(InvalidInputException.class, () -> Tags.validateDomain(zone), zone).getMessage();
    }

    @Test
    void tagValuesAreNeverTrimmed() {
        assertEquals(Optional.of("shop"), Tags.link(Map.of("private-link", "shop")));
        assertEquals(Optional.of("shop"), Tags.link(Map.of("PRIVATE-LINK", "shop")), "tag names compare case-insensitively, as ARM does");
        assertEquals(Optional.empty(), Tags.link(Map.of("private-link", "")));
        assertEquals("tag private-link=' shop' has leading or trailing whitespace; ARM's tag filter compares values exactly, so the other"
                + " side of the link would not be found. Fix: set the value to 'shop'",
                assertThrows(InvalidInputException.class, () -> Tags.link(Map.of("private-link", " shop"))).getMessage());
        assertEquals("tag private-link='shop\\n' has leading or trailing whitespace; ARM's tag filter compares values exactly, so the other"
                + " side of the link would not be found. Fix: set the value to 'shop'",
                assertThrows(InvalidInputException.class, () -> Tags.link(Map.of("private-link", "shop\n"))).getMessage());
        assertThrows(InvalidInputException.class, () -> Tags.domain(Map.of("private-link-domain", "shop.internal\t"), "shop"));
        assertEquals("tag private-link='   ' is only whitespace. Fix: remove the tag or give it a value",
                assertThrows(InvalidInputException.class, () -> Tags.link(Map.of("private-link", "   "))).getMessage());
    }

    @Test
    void nearMissesAreFoundPerSubscriptionOnlyForCaseOrWhitespace() {
        String sub2 = "11111111-2222-3333-4444-555555555555";
        InventoryItem app = new InventoryItem(DemoWorld.SITE_ID, Conventions.TYPE_SITE, Map.of("private-link", "shop"), null, false);
        InventoryItem upper = new InventoryItem(DemoWorld.CLUSTER_ID, Conventions.TYPE_CLUSTER, Map.of("private-link", "Shop"), null, false);
        InventoryItem spaced = new InventoryItem(DemoWorld.CLUSTER_ID + "2", Conventions.TYPE_CLUSTER, Map.of("private-link", "shop "), null, false);
        InventoryItem same = new InventoryItem(DemoWorld.CLUSTER_ID + "3", Conventions.TYPE_CLUSTER, Map.of("private-link", "shop"), null, false);
        InventoryItem other = new InventoryItem(DemoWorld.CLUSTER_ID.replace(DemoWorld.SUB, sub2), Conventions.TYPE_CLUSTER,
                Map.of("private-link", "SHOP"), null, false);
        InventoryItem different = new InventoryItem(DemoWorld.CLUSTER_ID + "4", Conventions.TYPE_CLUSTER, Map.of("private-link", "shops"), null, false);
        List<NearMiss> found = NearMiss.find(List.of(app, upper, spaced, same, other, different));
        assertEquals(List.of(DemoWorld.CLUSTER_ID, DemoWorld.CLUSTER_ID + "2"), found.stream().map(NearMiss::clusterId).toList());
        assertEquals(List.of("Shop", "shop "), found.stream().map(NearMiss::clusterValue).toList());
    }

    @Test
    void zonesAreJudgedByThePublicSuffixListAndAzureServiceDomains() {
        for (String ok : List.of("shop.internal", "shop.local", "apps.corp", "shop.lan", "svc.shop.home.arpa", "svc.contoso.com", "a.b.internal.")) {
            assertDoesNotThrow(() -> Tags.validateDomain(ok), ok);
        }
        assertTrue(refusal("example.co.uk").contains("is a whole public domain"));
        assertTrue(refusal("contoso.com").contains("is a whole public domain"));
        assertTrue(refusal("co.uk").contains("is a public suffix on the Public Suffix List"));
        assertTrue(refusal("shop.home.arpa").contains("is a whole public domain"), "home.arpa (RFC 8375) is on the Public Suffix List");
        assertTrue(refusal("github.io").contains("is a public suffix"), "the list's private section counts too");
        assertTrue(refusal("vault.azure.net").contains("is under the Azure service domain azure.net"));
        assertTrue(refusal("azure.net").contains("is the Azure service domain azure.net"));
        assertTrue(refusal("blob.core.windows.net").contains("Azure service domain windows.net"));
        assertTrue(refusal("apps.azurewebsites.net").contains("Azure service domain azurewebsites.net"));
        assertTrue(refusal("hcp.eastus.azmk8s.io").contains("Azure service domain azmk8s.io"));
        assertTrue(refusal("privatelink.blob.core.windows.net").contains("Azure Private Endpoint zone"));
        assertTrue(refusal("cluster.local").contains("cluster.local"));
        assertTrue(refusal("a.cluster.local").contains("cluster.local"));
        assertTrue(refusal("internal").contains("at least two DNS labels"));
    }

    @Test
    void theAzureServiceDomainListIsDocumentedEntryForEntry() throws IOException {
        String doc = Files.readString(Path.of("docs/ZONES.md"));
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\| (.+) \\|$").matcher(doc);
        Map<String, String> documented = new LinkedHashMap<>();
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> code = new LinkedHashMap<>();
        AzureServiceDomains.ENTRIES.forEach(e -> code.put(e.domain(), e.reason()));
        assertEquals(code, documented);
    }

    @Test
    void corednsRulesFlagWhatWouldShadowOrBreakAndPassTheAksDocsExamples() {
        assertEquals(List.of(), CorednsChecks.check(DemoWorld.corednsCustomExamples(), "shop.internal"), "every AKS docs example is fine");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("a.override", "forward . 10.0.0.1\n");
        bad.put("b.override", "k8s_external other.internal\n");
        bad.put("c.server", "internal:53 {\n  errors\n}\n");
        bad.put("d.server", ".:53 {\n  errors\n}\n");
        bad.put("e.override", "rewrite name regex (.*)\\.shop\\.internal {1}.default.svc.cluster.local\n");
        bad.put("f.override", "template IN A shop.internal {\n  answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n}\n");
        bad.put("g.server", "x.example:53 {\n  errors\n");
        bad.put("h.server", "api.shop.internal:5353 {\n  errors\n}\n");
        bad.put("i.override", "hosts /etc/hosts other.example {\n  10.0.0.1 a.other.example\n}\n");
        bad.put("j.override", "template IN A shop.internal {\n  match ^x\\.\n  fallthrough\n}\n");
        bad.put("notused", "forward . 1.1.1.1\n");
        bad.put("tether.override", "k8s_external shop.internal\n");
        assertEquals(List.of("COREDNS_FORWARD_IN_OVERRIDE a.override", "COREDNS_CONFLICT b.override", "COREDNS_SERVER_BLOCK_SHADOWS c.server",
                        "COREDNS_DUPLICATE_SERVER_BLOCK d.server", "COREDNS_REWRITE_OF_ZONE e.override", "COREDNS_ANSWERS_ZONE f.override",
                        "COREDNS_UNPARSEABLE g.server"),
                CorednsChecks.check(bad, "shop.internal").stream().map(f -> f.code() + " " + f.message().split("'")[1]).toList());
    }

    @Test
    void apiServerReachFollowsTheAccessProfile() {
        ClusterState open = cluster(ApiServerAccess.open());
        assertEquals(Optional.empty(), ApiServerReach.check(open, TetherNetwork.none()));
        ClusterState priv = cluster(new ApiServerAccess(true, true, false, null, List.of(), "system", "x.privatelink.eastus.azmk8s.io"));
        assertEquals("API_SERVER_UNREACHABLE", ApiServerReach.check(priv, TetherNetwork.none()).orElseThrow().code());
        assertEquals(Optional.empty(), ApiServerReach.check(priv, new TetherNetwork(List.of(DemoWorld.VNET_ID.toUpperCase()), List.of())));
        String apiVnet = DemoWorld.VNET_ID.replace("test-vnet", "api-vnet");
        ClusterState integrated = cluster(new ApiServerAccess(true, false, true, apiVnet + "/subnets/apiserver", List.of(), "none", null));
        assertTrue(ApiServerReach.check(integrated, new TetherNetwork(List.of(DemoWorld.VNET_ID), List.of())).isPresent(),
                "with API Server VNet Integration the address is in the API server subnet's VNet");
        assertEquals(Optional.empty(), ApiServerReach.check(integrated, new TetherNetwork(List.of(apiVnet), List.of())));
        ClusterState ranges = cluster(new ApiServerAccess(false, false, false, null, List.of("203.0.113.0/28", "2001:db8::/32", "198.51.100.7"), null, null));
        assertEquals(Optional.empty(), ApiServerReach.check(ranges, new TetherNetwork(List.of(), List.of("198.51.100.7"))));
        assertEquals(Optional.empty(), ApiServerReach.check(ranges, new TetherNetwork(List.of(), List.of("203.0.113.15"))));
        assertTrue(ApiServerReach.check(ranges, new TetherNetwork(List.of(), List.of("203.0.113.16"))).isPresent());
        assertTrue(ApiServerReach.check(ranges, TetherNetwork.none()).orElseThrow().fix().startsWith("deploy Tether with the Bicep parameter natGateway=true"));
    }

    private static ClusterState cluster(ApiServerAccess access) {
        return new ClusterState(DemoWorld.CLUSTER_ID, "clustername1", "eastus", Map.of(), List.of(DemoWorld.NODE_SUBNET_ID), "MC", false, false,
                "azure", "10.0.0.10", access);
    }

    @Test
    void anOwnedTetherDnsConvergesExactlyAndAForeignOneIsRefused() {
        ServiceShape desired = DnsServicePlan.desired(null);
        Map<String, String> selector = new LinkedHashMap<>(desired.selector());
        selector.put("team", "platform");
        ServiceShape extra = new ServiceShape(desired.type(), desired.labels(), desired.annotations(), selector, desired.ports());
        Map<String, Object> patch = DnsServicePlan.patch(extra, desired).orElseThrow();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("k8s-app", "kube-dns");
        expected.put("team", null);
        assertEquals(Map.of("spec", Map.of("selector", expected)), patch);
        assertEquals(Optional.empty(), DnsServicePlan.foreign(extra));
        ServiceShape foreign = new ServiceShape(desired.type(), Map.of("app.kubernetes.io/managed-by", "helm"), desired.annotations(), selector, desired.ports());
        assertTrue(DnsServicePlan.foreign(foreign).orElseThrow().message().contains("(label app.kubernetes.io/managed-by is 'helm')"));
    }
}
