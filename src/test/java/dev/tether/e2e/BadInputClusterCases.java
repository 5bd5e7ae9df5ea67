package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;

import java.util.List;
import java.util.Map;

import static dev.tether.e2e.BadInputCatalog.*;

/** Cases of {@link BadInputCatalog}, in its order: Services and the exposure guard: annotations Tether refuses and writes the API server refuses. */
final class BadInputClusterCases {
    private BadInputClusterCases() {
    }

    static void add(List<Case> c, String site, String foreign) {
        c.add(new Case("S01", "service", "tether.dev/private: \"yes\"", "INVALID_ANNOTATION",
                service(ServicesTest.service("default", "yes", "ClusterIP", Map.of("tether.dev/private", "yes"), null)), BadInputCatalog::services));
        c.add(new Case("S02", "service", "an annotated headless Service", "HEADLESS_SERVICE", service(headless()), BadInputCatalog::services));
        c.add(new Case("S03", "service", "an annotated ExternalName Service", "EXTERNALNAME_SERVICE",
                service(ServicesTest.service("default", "ext", "ExternalName", Map.of("tether.dev/private", "true"), null)), BadInputCatalog::services));
        c.add(new Case("S04", "service", "azure-load-balancer-internal-subnet naming a subnet outside the cluster's VNet", "SUBNET_OUTSIDE_VNET",
                service(ServicesTest.service("default", "far", "ClusterIP", Map.of("tether.dev/private", "true",
                        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet", "elsewhere"), null)), BadInputCatalog::services));
        c.add(new Case("S05", "service", "cluster tag private-link-policy with an unknown value ('strict')", "is not a policy",
                clusterTag("private-link-policy", "strict"), s -> {
                    s.deliverAll(ServicesTest.events(ServicesTest.LB_ID, "Microsoft.Network/loadBalancers/write"));
                    s.runUntilIdle();
                    return s.durable().instances().get(0).failure();
                }));
        c.add(new Case("L29", "link", "cluster tag private-link-guard with an unknown value ('on')", "is not a guard setting: use true",
                clusterTag("private-link-guard", "on"), s -> {
                    s.deliverAll(ClusterLinkTest.clusterTagEvent());
                    s.runUntilIdle();
                    return s.durable().instances().get(0).failure();
                }));
        c.add(new Case("L30", "link", "cluster tag private-link-guard=true on a cluster before Kubernetes 1.30 (no ValidatingAdmissionPolicy API)",
                "GUARD_API_MISSING: cluster clustername1 does not serve admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and"
                        + " ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them). Fix: upgrade the cluster to Kubernetes 1.30 or later,"
                        + " or remove the private-link-guard tag",
                clusterTag("private-link-guard", "true").andThen(w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters")
                        .get("properties")).put("kubernetesVersion", "1.29.9").put("currentKubernetesVersion", "1.29.9")),
                BadInputCatalog::clusterPass));
        c.add(new Case("L31", "link", "cluster tag private-link-guard=true where a ValidatingAdmissionPolicy named tether-exposure-guard is not Tether's",
                "GUARD_NAME_TAKEN: a ValidatingAdmissionPolicy named tether-exposure-guard exists and is not labelled app.kubernetes.io/managed-by:"
                        + " tether, so Tether leaves it alone. Fix: delete or rename it, or remove the private-link-guard tag",
                clusterTag("private-link-guard", "true").andThen(w -> {
                    ObjectNode theirs = ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).addObject();
                    theirs.put("apiVersion", dev.tether.plan.ExposureGuardPlan.API_VERSION).put("kind", "ValidatingAdmissionPolicy");
                    theirs.putObject("metadata").put("name", dev.tether.plan.ExposureGuardPlan.NAME);
                    theirs.putObject("spec").putArray("validations").addObject().put("expression", "true");
                }),
                BadInputCatalog::clusterPass));
        // The exposure guard's refusals come from the cluster's API server (the guard is seeded as Tether writes it), answered to
        // whoever writes the Service: a 422 Invalid Status whose message says what to add.
        c.add(new Case("A01", "admission", "guard on, policy annotated: a public LoadBalancer annotated tether.dev/private: \"true\"",
                "Service shop/web is annotated tether.dev/private: \"true\" and would get a public IP. Fix: add the annotation"
                        + " service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"",
                guard(dev.tether.plan.ClusterPolicy.ANNOTATED, null),
                s -> admission(s, () -> ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"))))));
        c.add(new Case("A02", "admission", "guard on: an update that turns an opted-in internal LoadBalancer public again",
                "Service shop/web is annotated tether.dev/private: \"true\" and would get a public IP",
                guard(dev.tether.plan.ClusterPolicy.ANNOTATED, ServicesTest.service("shop", "web", "LoadBalancer",
                        Map.of("tether.dev/private", "true", "service.beta.kubernetes.io/azure-load-balancer-internal", "true"), null)),
                s -> admission(s, () -> ExposureGuardTest.patch(s, "shop", "web",
                        Map.of("metadata", Map.of("annotations", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "false")))))));
        c.add(new Case("A03", "admission", "guard on, policy all-loadbalancers: a public LoadBalancer without tether.dev/private: \"false\"",
                "would get a public IP. Fix: add the annotation service.beta.kubernetes.io/azure-load-balancer-internal: \"true\""
                        + " (or tether.dev/private: \"false\" to keep it public)",
                guard(dev.tether.plan.ClusterPolicy.ALL_LOADBALANCERS, null),
                s -> admission(s, () -> ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of())))));
    }
}
