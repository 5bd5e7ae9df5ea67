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
        assertEquals("kept internal: shop/api. Making a Service public again is an exposure decision, not cleanup: ask for the cluster's unlink"
                + " with \"restoreServices\": true to set it back to the type annotation tether.dev/prior-type names, or set it back by hand",
                p.changes().get(4).reason());
        assertEquals(List.of(), p.restores(), "restored only on an explicit request");
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

    /** A Service as the link left it: made an internal LoadBalancer, with Tether's record and label. */
    static ServiceFacts internalised(String name, String prior, Map<String, String> extraAnnotations) {
        Map<String, String> a = new java.util.LinkedHashMap<>(extraAnnotations);
        a.put(Conventions.ANNOTATION_INTERNAL_LB, "true");
        a.put(Conventions.ANNOTATION_PRIOR_TYPE, prior);
        return new ServiceFacts("shop", name, "LoadBalancer", "10.0.0.9", a, Map.of(Conventions.LABEL_MANAGED_BY, "tether", "app", name), "10.224.0.7");
    }

    static ClusterUnlinkPlan restoring(List<ServiceFacts> recorded, boolean force) {
        return ClusterUnlinkPlan.plan(ID, cluster(Map.of()), coredns(OVERRIDE, true), STAMP, DNS, "10.0.1.4", List.of(),
                recorded.stream().map(ServiceFacts::key).toList(), recorded, force);
    }

    @Test
    void restoreServicesSetsEachRecordedServiceBackWithOnePatchOfWhatDiffers() {
        ClusterUnlinkPlan p = restoring(List.of(internalised("web", "LoadBalancer", Map.of()),
                internalised("api", "ClusterIP", Map.of(Conventions.ANNOTATION_PRIVATE, "true"))), false);
        assertEquals(ClusterUnlinkPlan.Status.READY, p.status());
        assertEquals("unlink cluster c1: coredns-override, coredns-restart, dns-service, exposure-guard, restore-service", p.message());
        assertEquals(List.of("coredns-override DELETED", "coredns-restart UPDATED", "dns-service DELETED", "exposure-guard DELETED",
                "restore-service UPDATED", "restore-service UPDATED"), p.changes().stream().map(c -> c.step() + " " + c.action()).toList());
        assertEquals("restore shop/api: ClusterIP again (not reachable from the VNet; its load balancer IP goes); remove"
                + " service.beta.kubernetes.io/azure-load-balancer-internal, tether.dev/prior-type and app.kubernetes.io/managed-by=tether; every other"
                + " field kept; after the exposure guard is removed, which would refuse a public LoadBalancer", p.changes().get(4).reason());
        assertEquals("restore shop/web: a public LoadBalancer again (a public IP is assigned: the Service is reachable from the internet); remove"
                + " service.beta.kubernetes.io/azure-load-balancer-internal, tether.dev/prior-type and app.kubernetes.io/managed-by=tether; every other"
                + " field kept; after the exposure guard is removed, which would refuse a public LoadBalancer", p.changes().get(5).reason());
        Map<String, Object> annotations = new java.util.LinkedHashMap<>();
        annotations.put(Conventions.ANNOTATION_PRIOR_TYPE, null);
        annotations.put(Conventions.ANNOTATION_INTERNAL_LB, null);
        Map<String, Object> labels = new java.util.LinkedHashMap<>();
        labels.put(Conventions.LABEL_MANAGED_BY, null);
        assertEquals(Map.of("metadata", Map.of("annotations", annotations, "labels", labels), "spec", Map.of("type", "ClusterIP")), p.restores().get(0).patch());
        assertEquals(Map.of("metadata", Map.of("annotations", annotations, "labels", labels)), p.restores().get(1).patch(), "the type is already LoadBalancer");
        assertEquals(2, p.restoring().size());
    }

    @Test
    void aServiceChangedSinceTheLinkIsRefusedAloneUnlessForced() {
        ServiceFacts moved = new ServiceFacts("shop", "api", "NodePort", "10.0.0.9", Map.of(Conventions.ANNOTATION_INTERNAL_LB, "true",
                Conventions.ANNOTATION_PRIOR_TYPE, "ClusterIP"), Map.of(Conventions.LABEL_MANAGED_BY, "tether"), null);
        ClusterUnlinkPlan p = restoring(List.of(moved, internalised("web", "LoadBalancer", Map.of())), false);
        assertEquals(ClusterUnlinkPlan.Status.READY, p.status(), "the DNS undo and the other Service go on");
        assertEquals("kept internal, refused: shop/api is no longer as Tether left it (type NodePort, service.beta.kubernetes.io/azure-load-balancer-internal="
                + "'true', app.kubernetes.io/managed-by='tether'): someone changed it since. Fix: set it as you want it by hand, or ask again with force"
                + " to restore type ClusterIP", p.changes().get(4).reason());
        assertEquals(List.of("shop/web"), p.restoring().stream().map(ServiceRestorePlan::service).toList());
        ClusterUnlinkPlan forced = restoring(List.of(moved), true);
        assertEquals(List.of("shop/api"), forced.restoring().stream().map(ServiceRestorePlan::service).toList());
        assertEquals(Map.of("type", "ClusterIP"), forced.restores().get(0).patch().get("spec"));
        assertTrue(forced.changes().get(4).reason().endsWith("(force: over a change since the link); after the exposure guard is removed, which would"
                + " refuse a public LoadBalancer"), forced.changes().get(4).reason());
    }

    @Test
    void anUnreadableRecordIsRefusedEvenWithForceAndNoRecordNothingToRestore() {
        ServiceFacts odd = internalised("api", "ExternalName", Map.of());
        assertEquals("kept internal, refused: shop/api has tether.dev/prior-type='ExternalName', which is not a type Tether records (ClusterIP,"
                + " NodePort or LoadBalancer). Fix: set the Service as you want it by hand", restoring(List.of(odd), true).changes().get(4).reason());
        assertEquals(List.of(), restoring(List.of(odd), true).restoring());
        ClusterUnlinkPlan none = restoring(List.of(), false);
        assertEquals("restore-service UNCHANGED no Service carries tether.dev/prior-type: nothing to restore",
                none.changes().get(4).step() + " " + none.changes().get(4).action() + " " + none.changes().get(4).reason());
    }

    /** A JSON merge patch of a Service's type, annotations and labels, applied as the API server applies it (null deletes). */
    @SuppressWarnings("unchecked")
    static ServiceFacts applied(ServiceFacts s, Map<String, Object> patch) {
        Map<String, Object> metadata = (Map<String, Object>) patch.getOrDefault("metadata", Map.of());
        Map<String, String> annotations = new java.util.HashMap<>(s.annotations());
        Map<String, String> labels = new java.util.HashMap<>(s.labels());
        ((Map<String, Object>) metadata.getOrDefault("annotations", Map.of())).forEach((k, v) -> {
            if (v == null) annotations.remove(k); else annotations.put(k, (String) v);
        });
        ((Map<String, Object>) metadata.getOrDefault("labels", Map.of())).forEach((k, v) -> {
            if (v == null) labels.remove(k); else labels.put(k, (String) v);
        });
        Object type = ((Map<String, Object>) patch.getOrDefault("spec", Map.of())).getOrDefault("type", s.type());
        return new ServiceFacts(s.namespace(), s.name(), (String) type, s.clusterIp(), annotations, labels, s.ingressIp());
    }

    /**
     * The link records the internal annotation's and the managed-by label's values from before its first patch, and the
     * restore puts them back: a Helm-managed ClusterIP that already carried the internal annotation, and a public
     * LoadBalancer annotated "false", are byte for byte as before after a link and a restore.
     */
    @Test
    void aRestorePutsBackTheAnnotationAndTheLabelTheLinkReplaced() {
        ServiceFacts helm = new ServiceFacts("shop", "api", "ClusterIP", "10.0.0.9", Map.of(Conventions.ANNOTATION_PRIVATE, "true",
                Conventions.ANNOTATION_INTERNAL_LB, "true"), Map.of(Conventions.LABEL_MANAGED_BY, "Helm", "app", "api"), null);
        ServiceFacts publicLb = new ServiceFacts("shop", "web", "LoadBalancer", "10.0.0.10", Map.of(Conventions.ANNOTATION_PRIVATE, "true",
                Conventions.ANNOTATION_INTERNAL_LB, "false"), Map.of("app", "web"), "203.0.113.7");

        ServiceDecision linkHelm = ServiceExposurePlanner.plan(helm, ClusterPolicy.ANNOTATED, null);
        assertEquals(Map.of("metadata", Map.of("annotations", Map.of(Conventions.ANNOTATION_PRIOR_TYPE, "ClusterIP", Conventions.ANNOTATION_PRIOR_INTERNAL_LB, "true",
                Conventions.ANNOTATION_PRIOR_MANAGED_BY, "Helm"), "labels", Map.of(Conventions.LABEL_MANAGED_BY, "tether")),
                "spec", Map.of("type", "LoadBalancer")), linkHelm.patch(), "the internal annotation is already \"true\": only recorded");
        ServiceDecision linkPublic = ServiceExposurePlanner.plan(publicLb, ClusterPolicy.ANNOTATED, null);
        assertEquals(Map.of("metadata", Map.of("annotations", Map.of(Conventions.ANNOTATION_INTERNAL_LB, "true", Conventions.ANNOTATION_PRIOR_TYPE, "LoadBalancer",
                Conventions.ANNOTATION_PRIOR_INTERNAL_LB, "false"), "labels", Map.of(Conventions.LABEL_MANAGED_BY, "tether"))), linkPublic.patch());
        ServiceFacts helmLinked = applied(helm, linkHelm.patch());
        ServiceFacts publicLinked = applied(publicLb, linkPublic.patch());
        assertEquals(Outcome.UNCHANGED, ServiceExposurePlanner.plan(helmLinked, ClusterPolicy.ANNOTATED, null).action(), "a second pass writes nothing");
        assertEquals(Outcome.UNCHANGED, ServiceExposurePlanner.plan(publicLinked, ClusterPolicy.ANNOTATED, null).action());

        ServiceRestorePlan restoreHelm = ServiceRestorePlan.plan(helmLinked, false);
        assertEquals("restore shop/api: ClusterIP again (not reachable from the VNet; its load balancer IP goes); remove tether.dev/prior-type,"
                + " tether.dev/prior-internal-lb, tether.dev/prior-managed-by; set service.beta.kubernetes.io/azure-load-balancer-internal='true' as"
                + " before the link, app.kubernetes.io/managed-by='Helm' as before the link; every other field kept", restoreHelm.reason());
        assertEquals(helm, applied(helmLinked, restoreHelm.patch()));
        ServiceRestorePlan restorePublic = ServiceRestorePlan.plan(publicLinked, false);
        assertEquals("restore shop/web: a public LoadBalancer again (a public IP is assigned: the Service is reachable from the internet); remove"
                + " tether.dev/prior-type, tether.dev/prior-internal-lb and app.kubernetes.io/managed-by=tether; set"
                + " service.beta.kubernetes.io/azure-load-balancer-internal='false' as before the link; every other field kept", restorePublic.reason());
        assertEquals(publicLb, applied(publicLinked, restorePublic.patch()));

        // A label someone changed since the link is theirs: with force, the record goes and the label stays.
        ServiceFacts relabelled = new ServiceFacts("shop", "api", "LoadBalancer", "10.0.0.9", helmLinked.annotations(),
                Map.of(Conventions.LABEL_MANAGED_BY, "argocd", "app", "api"), null);
        assertNull(ServiceRestorePlan.plan(relabelled, false).action(), "refused without force");
        ServiceFacts forced = applied(relabelled, ServiceRestorePlan.plan(relabelled, true).patch());
        assertEquals("argocd", forced.labels().get(Conventions.LABEL_MANAGED_BY));
        assertEquals(helm.annotations(), forced.annotations());
        assertEquals("ClusterIP", forced.type());
    }
}
