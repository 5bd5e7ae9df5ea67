package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pure planning for one Service: should it be an internal load balancer, and which merge patch makes it one.
 * Tether records what it changed (managed-by label, the prior type) and never touches Services outside the policy.
 */
public final class ServiceExposurePlanner {
    private ServiceExposurePlanner() {
    }

    /**
     * @param vnetSubnetNames the subnets of the cluster's VNet, or null when unknown (then the internal-subnet
     *                        annotation is not checked)
     */
    public static ServiceDecision plan(ServiceFacts s, ClusterPolicy policy, Set<String> vnetSubnetNames) {
        String optIn = s.annotations().get(Conventions.ANNOTATION_PRIVATE);
        String before = exposure(s);
        if (optIn != null && !optIn.equals("true") && !optIn.equals("false")) {
            return error(s, before, "INVALID_ANNOTATION: " + Conventions.ANNOTATION_PRIVATE + " on " + s.key() + " is '"
                    + ResourceId.abbreviate(optIn) + "'. Fix: use \"true\" or \"false\" (quoted)");
        }
        boolean wanted = "true".equals(optIn)
                || (policy != ClusterPolicy.ANNOTATED && "LoadBalancer".equals(s.type()) && !"false".equals(optIn) && !s.internal());
        if (!wanted) {
            return new ServiceDecision(s.key(), null, before, before, optIn == null ? "not opted in" : "opted out", null, Map.of());
        }
        if ("ExternalName".equals(s.type())) {
            return error(s, before, "EXTERNALNAME_SERVICE: " + s.key() + " is an ExternalName Service, which has no endpoints to load-balance."
                    + " Fix: remove " + Conventions.ANNOTATION_PRIVATE + " from it");
        }
        if ("None".equals(s.clusterIp())) {
            return error(s, before, "HEADLESS_SERVICE: " + s.key() + " is headless (clusterIP: None) and cannot become a load balancer."
                    + " Fix: remove " + Conventions.ANNOTATION_PRIVATE + " or give the Service a cluster IP");
        }
        String subnet = s.annotations().get(Conventions.ANNOTATION_INTERNAL_SUBNET);
        if (subnet != null && vnetSubnetNames != null && vnetSubnetNames.stream().noneMatch(subnet::equalsIgnoreCase)) {
            return error(s, before, "SUBNET_OUTSIDE_VNET: " + Conventions.ANNOTATION_INTERNAL_SUBNET + " on " + s.key() + " names '"
                    + ResourceId.abbreviate(subnet) + "', which is not a subnet of the cluster's VNet (" + String.join(", ", vnetSubnetNames)
                    + "). Fix: name a subnet of that VNet or remove the annotation");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (!s.internal()) {
            annotations.put(Conventions.ANNOTATION_INTERNAL_LB, "true");
        }
        String label = s.labels().get(Conventions.LABEL_MANAGED_BY);
        if (!s.annotations().containsKey(Conventions.ANNOTATION_PRIOR_TYPE) && !(isLoadBalancer(s) && s.internal())) {
            // Tether's record, written with its first patch: what it changes, as it was, so that a restore can put it back.
            annotations.put(Conventions.ANNOTATION_PRIOR_TYPE, s.type() == null ? "ClusterIP" : s.type());
            String internal = s.annotations().get(Conventions.ANNOTATION_INTERNAL_LB);
            if (internal != null) {
                annotations.put(Conventions.ANNOTATION_PRIOR_INTERNAL_LB, internal);
            }
            if (label != null && !Conventions.MANAGED_BY_TETHER.equals(label)) {
                annotations.put(Conventions.ANNOTATION_PRIOR_MANAGED_BY, label);
            }
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (!annotations.isEmpty()) {
            metadata.put("annotations", annotations);
        }
        if (!Conventions.MANAGED_BY_TETHER.equals(label) && !annotations.isEmpty()) {
            metadata.put("labels", Map.of(Conventions.LABEL_MANAGED_BY, Conventions.MANAGED_BY_TETHER));
        }
        if (!metadata.isEmpty()) {
            patch.put("metadata", metadata);
        }
        if (!isLoadBalancer(s)) {
            patch.put("spec", Map.of("type", "LoadBalancer"));
        }
        String after = "internal LoadBalancer" + (subnet == null ? " (IP from the node subnet)" : " (IP from subnet " + subnet + ")");
        if (patch.isEmpty()) {
            return new ServiceDecision(s.key(), Outcome.UNCHANGED, before, before, "already an internal load balancer", null, Map.of());
        }
        String reason = (Objects.equals(optIn, "true") ? "opted in" : "policy " + policy.name().toLowerCase().replace('_', '-'))
                + "; " + before + " becomes " + after
                + (isLoadBalancer(s) && !s.internal() && s.ingressIp() != null
                ? ". Its IP changes from the public " + s.ingressIp() + " to a private one: callers of the public IP break" : "");
        return new ServiceDecision(s.key(), Outcome.UPDATED, before, after, reason, null, patch);
    }

    private static boolean isLoadBalancer(ServiceFacts s) {
        return "LoadBalancer".equals(s.type());
    }

    static String exposure(ServiceFacts s) {
        if (!isLoadBalancer(s)) {
            return (s.type() == null ? "ClusterIP" : s.type()) + " (not reachable from the VNet)";
        }
        return (s.internal() ? "internal" : "public") + " LoadBalancer " + (s.ingressIp() == null ? "(IP pending)" : s.ingressIp());
    }

    private static ServiceDecision error(ServiceFacts s, String before, String message) {
        return new ServiceDecision(s.key(), null, before, before, null, message, Map.of());
    }
}
