package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** Pure drift checks: what differs from a linked state, in words an operator can act on. */
public final class DriftPlanner {
    private DriftPlanner() {
    }

    /** Reasons a site or slot has drifted from its link to a cluster whose DNS answers on {@code dnsIp}. */
    public static List<String> site(InventoryItem site, Map<String, String> settings, String dnsIp) {
        List<String> reasons = new ArrayList<>();
        if (site.subnetId() == null) {
            reasons.add("not joined to the cluster's VNet (virtualNetworkSubnetId is empty)");
        }
        // Route-all follows the link's rule (RouteAllPlan): drift only when it is off and the link needs it.
        try {
            RouteAllPlan.Decision routeAll = RouteAllPlan.decide(site.routeAll(),
                    RouteAllPlan.mode(Tags.get(site.tags(), Conventions.TAG_ROUTE_ALL).orElse(null)), List.of(dnsIp), "the DNS IP");
            if (routeAll.turnOn()) {
                reasons.add("route-all is off but needed: " + routeAll.reason().substring(routeAll.reason().indexOf(": ") + 2));
            }
        } catch (InvalidInputException e) {
            reasons.add(e.getMessage());
        }
        // Judged by the DNS server the app really uses: the site property takes precedence over the app setting.
        if (!site.siteDnsServers().isEmpty() && !site.siteDnsServers().equals(List.of(dnsIp))) {
            reasons.add("site property dnsConfiguration.dnsServers=" + site.siteDnsServers() + " takes precedence over "
                    + Conventions.SETTING_DNS_SERVER + ": the app resolves through " + site.siteDnsServers().get(0) + ", not " + dnsIp);
            return reasons;
        }
        if (!site.siteDnsServers().isEmpty()) {
            return reasons;
        }
        List<String> keys = DnsPlan.keysOf(settings, Conventions.SETTING_DNS_SERVER);
        String current = DnsPlan.valueOf(settings, Conventions.SETTING_DNS_SERVER).orElse(null);
        if (keys.size() > 1) {
            reasons.add(Conventions.SETTING_DNS_SERVER + " is set " + keys.size() + " times in different cases (" + String.join(", ", keys) + ")");
        } else if (!Objects.equals(current, dnsIp)) {
            reasons.add(current == null ? Conventions.SETTING_DNS_SERVER + " is missing (expected " + dnsIp + ")"
                    : Conventions.SETTING_DNS_SERVER + " is " + current + ", expected " + dnsIp);
        } else if (!keys.get(0).equals(Conventions.SETTING_DNS_SERVER)) {
            reasons.add(Conventions.SETTING_DNS_SERVER + " is spelled " + keys.get(0));
        }
        return reasons;
    }

    /**
     * Tether's DNS settings that are not slot settings of the site (someone removed the mark, or a Tether before slots
     * were handled linked the app): a swap would carry them away from their slot's VNet integration.
     */
    public static List<String> slotSettings(SlotSettings current, List<String> wanted) {
        List<String> missing = current.missing(wanted);
        if (missing.isEmpty()) {
            return List.of();
        }
        return List.of(String.join(", ", missing) + (missing.size() == 1 ? " is not a slot setting" : " are not slot settings")
                + " (config/slotConfigNames): a slot swap would carry " + (missing.size() == 1 ? "it" : "them") + " away from this slot's VNet integration");
    }

    /**
     * Opted-in Services (by annotation, or by the cluster policy) that are not internal load balancers, each as
     * {@code "<namespace>/<name>: <what it is>; <what it must become>"}. Under audit nothing drifts: audit changes nothing.
     * Services with bad input are not drift: every pass reports them with their fix.
     */
    public static List<String> services(List<ServiceFacts> services, ClusterPolicy policy) {
        List<String> reasons = new ArrayList<>();
        if (policy == ClusterPolicy.AUDIT) {
            return reasons;
        }
        for (ServiceFacts s : services) {
            if (dnsService(s)) {
                continue;
            }
            ServiceDecision d = ServiceExposurePlanner.plan(s, policy, null);
            if (d.error() == null && d.action() == Outcome.UPDATED) {
                reasons.add(s.key() + ": " + d.exposureBefore() + ", should be an internal LoadBalancer ("
                        + ("true".equals(s.annotations().get(Conventions.ANNOTATION_PRIVATE)) ? "opted in" : "policy " + policy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) + ")");
            }
        }
        return reasons;
    }

    /**
     * Internal Services of the policy whose IP is outside the subnet their azure-load-balancer-internal-subnet annotation
     * names. {@code subnets} (name to address prefixes, case-insensitive) is asked at most once, and only when such a
     * Service exists.
     */
    public static List<String> misplaced(List<ServiceFacts> services, ClusterPolicy policy, Supplier<Map<String, List<String>>> subnets) {
        List<String> reasons = new ArrayList<>();
        Map<String, List<String>> prefixes = null;
        for (ServiceFacts s : services) {
            String subnet = s.annotations().get(Conventions.ANNOTATION_INTERNAL_SUBNET);
            if (subnet == null || s.ingressIp() == null || !"LoadBalancer".equals(s.type()) || !s.internal() || dnsService(s)) {
                continue;
            }
            ServiceDecision d = ServiceExposurePlanner.plan(s, policy, null);
            if (!d.managed() || d.error() != null) {
                continue;
            }
            if (prefixes == null) {
                prefixes = subnets.get();
            }
            List<String> cidrs = prefixes.get(subnet);
            if (cidrs == null) {
                continue; // a subnet outside the VNet is bad input, reported by every pass
            }
            long ip = Cidr.parseAddress(s.ingressIp());
            if (cidrs.stream().noneMatch(c -> Cidr.parse(c).contains(ip))) {
                reasons.add(s.key() + ": internal IP " + s.ingressIp() + " is outside its annotated subnet " + subnet + " (" + String.join(", ", cidrs)
                        + "); AKS moves the frontend, Tether has nothing to write");
            }
        }
        return reasons;
    }

    private static boolean dnsService(ServiceFacts s) {
        return Conventions.KUBE_SYSTEM.equals(s.namespace()) && Conventions.DNS_SERVICE.equals(s.name());
    }

    /** Reasons a cluster's DNS has drifted. {@code service} is null when tether-dns is missing. */
    public static List<String> cluster(ServiceShape service, String ingressIp, Map<String, String> corednsCustom, String domain,
                                       Map<String, String> corednsTemplateAnnotations) {
        List<String> reasons = new ArrayList<>();
        if (service == null) {
            reasons.add("kube-system/" + Conventions.DNS_SERVICE + " is missing");
        } else {
            Optional<Finding> foreign = DnsServicePlan.foreign(service);
            foreign.ifPresent(f -> reasons.add(f.message()));
            if (foreign.isEmpty()) {
                DnsServicePlan.patch(service, DnsServicePlan.desired(null)).ifPresent(p -> reasons.add(Conventions.DNS_SERVICE + " differs: " + p.keySet()));
            }
            if (ingressIp == null) {
                reasons.add(Conventions.DNS_SERVICE + " has no load balancer IP");
            } else if (!ingressIp.equals(service.annotations().get(Conventions.ANNOTATION_LB_IPV4))) {
                reasons.add(Conventions.DNS_SERVICE + " IP " + ingressIp + " is not pinned");
            }
        }
        String desired = CorednsPlan.overrideFor(domain);
        if (corednsCustom == null || !desired.equals(corednsCustom.get(Conventions.OVERRIDE_KEY))) {
            reasons.add(Conventions.OVERRIDE_KEY + " does not hold k8s_external " + domain);
        } else if (corednsTemplateAnnotations != null
                && !CorednsPlan.hash(desired).equals(corednsTemplateAnnotations.get(Conventions.ANNOTATION_OVERRIDE_HASH))) {
            reasons.add("CoreDNS was not restarted for the current override");
        }
        return reasons;
    }
}
