package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ClusterPlansTest {
    @Test
    void dnsServiceIsInternalLoadBalancerForKubeDns() {
        ServiceShape s = DnsServicePlan.desired(null);
        assertEquals("LoadBalancer", s.type());
        assertEquals("true", s.annotations().get(Conventions.ANNOTATION_INTERNAL_LB));
        assertEquals(Map.of("k8s-app", "kube-dns"), s.selector());
        assertEquals(2, s.ports().size());
        assertTrue(DnsServicePlan.patch(s, s).isEmpty());
    }

    @Test
    void patchKeepsForeignAnnotationsAndFixesOnlyWhatDiffers() {
        Map<String, String> ann = new LinkedHashMap<>(DnsServicePlan.desired(null).annotations());
        ann.put("team", "dns");
        ann.put(Conventions.ANNOTATION_LB_IPV4, "10.1.0.7");
        ServiceShape drifted = new ServiceShape("ClusterIP", Map.of(Conventions.LABEL_MANAGED_BY, "tether"), ann, Map.of("k8s-app", "kube-dns"),
                DnsServicePlan.desired(null).ports());
        Map<String, Object> patch = DnsServicePlan.patch(drifted, DnsServicePlan.desired(null)).orElseThrow();
        assertEquals(Map.of("spec", Map.of("type", "LoadBalancer")), patch);
    }

    @Test
    void corednsMergeKeepsOtherKeysAndIsNoOpWhenSet() {
        Map<String, String> data = Map.of("log.override", "log\n", "test.server", "test.io:53 {\n  errors\n}\n");
        String desired = CorednsPlan.overrideFor("shop.internal");
        Map<String, String> merged = CorednsPlan.merge(data, desired).orElseThrow();
        assertEquals("log\n", merged.get("log.override"));
        assertEquals(data.get("test.server"), merged.get("test.server"));
        assertEquals("k8s_external shop.internal\n", merged.get(Conventions.OVERRIDE_KEY));
        assertTrue(CorednsPlan.merge(merged, desired).isEmpty());
        assertNotEquals(CorednsPlan.hash(desired), CorednsPlan.hash(CorednsPlan.overrideFor("other.internal")));
    }

    @Test
    void anotherK8sExternalInAnOverrideIsAConflict() {
        assertEquals(1, CorednsChecks.check(Map.of("mine.override", "k8s_external example.org\n"), "shop.internal").size());
        assertTrue(CorednsChecks.check(Map.of("a.server", "x:53 {\n k8s_external x\n}", "tether.override", "k8s_external a.b\n"), "shop.internal").isEmpty());
    }

    @Test
    void appSettingsMergeKeepsEverythingElse() {
        Map<String, String> current = Map.of("A", "1", "WEBSITE_DNS_SERVER", "168.63.129.16");
        Map<String, String> merged = DnsPlan.merge(current, "10.1.0.7", null).orElseThrow();
        assertEquals(Map.of("A", "1", "WEBSITE_DNS_SERVER", "10.1.0.7"), merged);
        assertTrue(DnsPlan.merge(merged, "10.1.0.7", null).isEmpty());
        assertEquals("168.63.129.16", DnsPlan.merge(merged, "10.1.0.7", "168.63.129.16").orElseThrow().get(Conventions.SETTING_DNS_ALT_SERVER));
    }

    @Test
    void dnsSettingNamesAreCaseInsensitiveAndNeverLeftTwice() {
        Map<String, String> current = new java.util.LinkedHashMap<>();
        current.put("A", "1");
        current.put("website_dns_server", "10.1.0.7");
        current.put("Website_Dns_Alt_Server", "10.9.9.9");
        assertEquals(Map.of("Website_Dns_Alt_Server", "10.9.9.9"), DnsPlan.foreign(current, "10.1.0.7", null));
        assertEquals(Map.of("A", "1", "WEBSITE_DNS_SERVER", "10.1.0.7"), DnsPlan.merge(current, "10.1.0.7", null).orElseThrow());
        assertEquals(java.util.List.of("10.1.0.7", "10.9.9.9"), DnsPlan.effective(java.util.List.of(), current));
        assertEquals(java.util.List.of("10.5.0.4"), DnsPlan.effective(java.util.List.of("10.5.0.4"), current), "the site property takes precedence");
    }

    @Test
    void duplicateClustersAreFound() {
        String a = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a";
        assertTrue(ClusterChecks.duplicates(a, "shop", List.of(a.toUpperCase())).isEmpty());
        assertEquals("DUPLICATE_LINK", ClusterChecks.duplicates(a, "shop", List.of(a, a.replace("/a", "/b"))).get(0).code());
    }
}
