package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The cluster unlink's pure plan: ownership judged from the records in the cluster, refusals, force, and what is kept. */
class ClusterUnlinkPlanTest {
    static final String ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";
    static final String OVERRIDE = CorednsPlan.overrideFor("shop.internal");
    static final String STAMP = CorednsPlan.hash(OVERRIDE);
    static final ServiceShape DNS = DnsServicePlan.desired("10.0.1.4");

    static ClusterState cluster(Map<String, String> tags) {
        return new ClusterState(ID, "c1", null, tags, List.of(), null, false, false, null, null, null);
    }

    static ConfigMapState coredns(String override, boolean annotated) {
        return new ConfigMapState(Map.of("other.server", "x:53 {\n}\n", Conventions.OVERRIDE_KEY, override),
                annotated ? Map.of(Conventions.ANNOTATION_OWNS_KEYS, Conventions.OVERRIDE_KEY) : Map.of());
    }

    static ClusterUnlinkPlan plan(ConfigMapState cm, String stamp, ServiceShape dns, List<String> apps, boolean force) {
        return ClusterUnlinkPlan.plan(ID, cluster(Map.of()), cm, stamp, dns, "10.0.1.4", apps, List.of("shop/api"), force);
    }

    @Test
    void tethersOwnStateIsUndoneInOrderAndTheInternalServicesAreKept() {
        ClusterUnlinkPlan p = plan(coredns(OVERRIDE, true), STAMP, DNS, List.of(), false);
        assertEquals(ClusterUnlinkPlan.Status.READY, p.status());
        assertEquals(OVERRIDE, p.overrideAtPlan());
        assertTrue(p.restart() && p.deleteService());
        assertEquals(List.of("coredns-override DELETED", "coredns-restart UPDATED", "dns-service DELETED", "exposure-guard DELETED",
                "internal-services UNCHANGED"), p.changes().stream().map(c -> c.step() + " " + c.action()).toList());
        assertEquals("kept internal: shop/api. Making a Service public again is an exposure decision, not cleanup: set its type back"
                + " (annotation tether.dev/prior-type names it) if you mean to", p.changes().get(4).reason());
        assertEquals(List.of("shop/api"), p.keptInternal());
    }

    @Test
    void aKeyWrittenBeforeTheAnnotationIsTethersWhenCorednsWasRestartedForIt() {
        assertEquals(ClusterUnlinkPlan.Status.READY, plan(coredns(OVERRIDE, false), STAMP, DNS, List.of(), false).status());
        assertEquals(ClusterUnlinkPlan.Status.READY, plan(coredns(OVERRIDE, false), null, DNS, List.of(), false).status(), "Tether's one form");
        ClusterUnlinkPlan foreign = plan(coredns("forward . 10.9.9.9\n", false), null, DNS, List.of(), false);
        assertEquals(ClusterUnlinkPlan.Status.REFUSED, foreign.status());
        assertEquals("kube-system/coredns-custom key tether.override is not recorded as Tether's (no tether.dev/owns-keys annotation) and is not"
                + " what Tether writes. Fix: remove the key by hand if it is yours to remove, or unlink with force", foreign.message());
        assertNull(foreign.overrideAtPlan());
    }

    @Test
    void anEditedKeyIsRefusedUnlessForced() {
        String edited = CorednsPlan.overrideFor("other.internal");
        assertEquals(ClusterUnlinkPlan.Status.REFUSED, plan(coredns(edited, true), STAMP, DNS, List.of(), false).status());
        ClusterUnlinkPlan forced = plan(coredns(edited, true), STAMP, DNS, List.of(), true);
        assertEquals(ClusterUnlinkPlan.Status.READY, forced.status());
        assertEquals(edited, forced.overrideAtPlan());
    }

    @Test
    void aForeignTetherDnsIsRefusedAndWithForceKept() {
        ServiceShape foreign = new ServiceShape("LoadBalancer", Map.of(), Map.of(), Map.of("k8s-app", "kube-dns"), List.of());
        assertEquals(ClusterUnlinkPlan.Status.REFUSED, plan(coredns(OVERRIDE, true), STAMP, foreign, List.of(), false).status());
        ClusterUnlinkPlan forced = plan(coredns(OVERRIDE, true), STAMP, foreign, List.of(), true);
        assertFalse(forced.deleteService());
        assertEquals("kept: kube-system/tether-dns is not Tether's (force)", forced.changes().get(2).reason());
    }

    @Test
    void anAppOnTheIpRefusesEverythingEvenWithForce() {
        ClusterUnlinkPlan p = plan(coredns(OVERRIDE, true), STAMP, DNS, List.of("app1 (/x/app1)", "app2 (/x/app2)"), true);
        assertEquals(ClusterUnlinkPlan.Status.REFUSED, p.status());
        assertEquals(List.of("app1 (/x/app1)", "app2 (/x/app2)"), p.appsOnIp());
        assertEquals("cluster c1: app1 (/x/app1), app2 (/x/app2) still use 10.0.1.4 (kube-system/tether-dns) as DNS server; removing the override"
                + " would break their names. Fix: unlink those apps first (POST /api/links/unlink), then ask for the cluster's unlink again", p.message());
        assertNull(p.overrideAtPlan());
        assertFalse(p.deleteService());
    }

    @Test
    void nothingLeftAndTaggedAndGone() {
        assertEquals(ClusterUnlinkPlan.Status.NOTHING, plan(new ConfigMapState(Map.of("a", "b"), Map.of()), null, null, List.of(), false).status());
        assertEquals(ClusterUnlinkPlan.Status.TAGGED, ClusterUnlinkPlan.plan(ID, cluster(Map.of("private-link", "shop")), null, null, null, null,
                List.of(), List.of(), false).status());
        assertEquals(ClusterUnlinkPlan.Status.GONE, ClusterUnlinkPlan.plan(ID, null, null, null, null, null, List.of(), List.of(), false).status());
    }
}
