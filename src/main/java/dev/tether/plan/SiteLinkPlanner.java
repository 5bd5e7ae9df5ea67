package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure planning for one site or slot: observed state in, decisions out. No I/O.
 * It runs every pre-flight check before anything is written, and says what each change is and why.
 */
public final class SiteLinkPlanner {
    private SiteLinkPlanner() {
    }

    /**
     * @param site      the site or slot (null when it no longer exists)
     * @param siteId    the id that was asked for
     * @param plan      its App Service plan
     * @param clusters  every cluster in the subscription whose private-link tag equals the site's
     * @param vnet      the VNet of the single cluster's node subnet (null when there is no single cluster or it has no subnet)
     */
    public static SiteLinkPlan plan(String siteId, SiteState site, PlanState plan, List<ClusterState> clusters, VnetState vnet,
                                    LinkSettings settings) {
        if (site == null) {
            return SiteLinkPlan.without(siteId, null, SiteLinkPlan.Status.GONE,
                    "resource " + siteId + " no longer exists; nothing to do", List.of());
        }
        Optional<String> linkTag;
        try {
            linkTag = Tags.link(site.tags());
        } catch (InvalidInputException e) {
            return rejected(site.id(), null, Finding.error("INVALID_LINK_TAG", e.getMessage(), "fix the tag value on " + site.id()));
        }
        if (linkTag.isEmpty()) {
            return SiteLinkPlan.without(site.id(), null, SiteLinkPlan.Status.NOT_TAGGED,
                    site.id() + " has no " + Conventions.TAG_LINK + " tag; Tether leaves it alone", List.of());
        }
        String link = linkTag.get();
        if (clusters.isEmpty()) {
            return SiteLinkPlan.without(site.id(), link, SiteLinkPlan.Status.WAITING,
                    "waiting: no AKS cluster in subscription " + ResourceId.parse(site.id()).subscriptionId() + " is tagged "
                            + Conventions.TAG_LINK + "=" + link + "; tag the cluster and Tether links this app", List.of());
        }
        if (clusters.size() > 1) {
            List<String> ids = clusters.stream().map(ClusterState::id).sorted().toList();
            return rejected(site.id(), link, Finding.error("DUPLICATE_LINK",
                    clusters.size() + " clusters carry " + Conventions.TAG_LINK + "=" + link + ": " + String.join(", ", ids),
                    "keep the tag on exactly one cluster; remove it from the others"));
        }
        ClusterState cluster = clusters.get(0);
        List<Finding> findings = new ArrayList<>();
        String domain = null;
        try {
            domain = Tags.domain(cluster.tags(), link);
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_DOMAIN", e.getMessage(), "fix tag " + Conventions.TAG_DOMAIN + " on " + cluster.id()));
        }
        if (cluster.nodeSubnetIds().isEmpty() || vnet == null) {
            findings.add(Finding.error("NO_CLUSTER_SUBNET", "cluster " + cluster.name()
                            + " has no node subnet of its own (its VNet is managed by AKS), so there is no VNet to join the app to",
                    "use a cluster created with its own VNet (az aks create --vnet-subnet-id ...)"));
            return rejected(site.id(), link, findings);
        }
        PlanSkus.unsupportedReason(plan).ifPresent(reason -> findings.add(Finding.error("UNSUPPORTED_SKU", reason,
                "scale the plan to Basic, Standard, Premium v2/v3 or Elastic Premium")));
        if (!Regions.same(site.location(), vnet.location())) {
            findings.add(Finding.error("REGION_MISMATCH", "app " + site.name() + " is in " + site.location() + " but VNet "
                            + vnet.name() + " of cluster " + cluster.name() + " is in " + vnet.location()
                            + "; regional VNet integration needs both in one region",
                    "deploy the app in " + vnet.location() + " or link it to a cluster in " + site.location()));
        }
        Optional<String> subnetOverride;
        try {
            subnetOverride = Tags.subnetName(site.tags());
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_SUBNET_TAG", e.getMessage(), "fix the tag on " + site.id()));
            subnetOverride = Optional.empty();
        }
        RouteAllPlan.Mode routeAllMode = RouteAllPlan.Mode.AUTO;
        try {
            routeAllMode = RouteAllPlan.mode(Tags.get(site.tags(), Conventions.TAG_ROUTE_ALL).orElse(null));
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_ROUTE_ALL_TAG", e.getMessage(), "set it to on, off or auto on " + site.id()));
        }
        SubnetDecision subnet = chooseSubnet(site, plan, vnet, subnetOverride, settings, findings, cluster);
        if (findings.stream().anyMatch(Finding::isError)) {
            return rejected(site.id(), link, findings);
        }
        // IPv4 only: tether-dns and internal load balancers take IPv4 addresses (a dual-stack subnet lists IPv6 too).
        List<String> dnsRanges = SubnetAllocator.ipv4(cluster.nodeSubnetIds().stream().map(vnet::subnetWithId).flatMap(Optional::stream)
                .flatMap(s -> s.addressPrefixes().stream()).toList());
        RouteAllPlan.Decision routeAll = RouteAllPlan.decide(site.routeAll(), routeAllMode, dnsRanges,
                "the cluster's node subnet (where " + Conventions.DNS_SERVICE + " and internal load balancers take their IPs)");
        List<Change> changes = new ArrayList<>();
        changes.add(new Change("subnet", subnet.subnetId(), subnet.action(), subnet.reason()));
        boolean joined = ResourceId.same(site.subnetId(), subnet.subnetId());
        if (joined && !routeAll.turnOn()) {
            changes.add(new Change("site", site.id(), Outcome.UNCHANGED, "already joined to " + subnet.name() + "; " + routeAll.reason()));
        } else {
            String what = joined ? "set outboundVnetRouting.applicationTraffic"
                    : routeAll.turnOn() ? "one PATCH of virtualNetworkSubnetId and outboundVnetRouting.applicationTraffic" : "one PATCH of virtualNetworkSubnetId";
            changes.add(new Change("site", site.id(), Outcome.UPDATED, (joined ? "" : "join subnet " + subnet.name() + "; ")
                    + routeAll.reason() + " (" + what + ")"));
        }
        changes.add(new Change("cluster-dns", cluster.id(), null,
                "ensure kube-system/" + Conventions.DNS_SERVICE + " (internal LB) and " + Conventions.OVERRIDE_KEY + " = k8s_external " + domain));
        changes.add(new Change("app-settings", site.id(), null,
                "set " + Conventions.SETTING_DNS_SERVER + " to the IP of " + Conventions.DNS_SERVICE + " once it is assigned, keeping every other setting"));
        return new SiteLinkPlan(site.id(), link, SiteLinkPlan.Status.READY, "ready to link to cluster " + cluster.name(),
                cluster.id(), domain, subnet, changes, findings, null, routeAll);
    }

    private static SubnetDecision chooseSubnet(SiteState site, PlanState plan, VnetState vnet, Optional<String> override,
                                               LinkSettings settings, List<Finding> findings, ClusterState cluster) {
        // 1. The site is already integrated: keep that subnet if it is in the cluster's VNet, never move it silently.
        if (site.subnetId() != null && !site.subnetId().isBlank()) {
            Optional<SubnetState> current = vnet.subnetWithId(site.subnetId());
            if (current.isEmpty() || override.filter(n -> !n.equalsIgnoreCase(current.get().name())).isPresent()) {
                findings.add(Finding.error("ALREADY_INTEGRATED", "app " + site.name() + " is already integrated with subnet "
                                + site.subnetId() + ", which is not " + override.map(n -> "subnet " + n + " of ").orElse("in ") + "the cluster's VNet " + vnet.name()
                                + "; Tether will not move it silently",
                        "remove the app's VNet integration (az webapp vnet-integration remove) or remove the "
                                + Conventions.TAG_LINK + " tag"));
                return null;
            }
            // Already joined: App Service accepted it, so who else shares the subnet is no reason to refuse a rerun.
            return validateExisting(current.get(), plan, cluster, findings, "the app is already integrated with it", false);
        }
        // 2. A subnet named by tag.
        if (override.isPresent()) {
            Optional<SubnetState> named = vnet.subnetNamed(override.get());
            if (named.isPresent()) {
                return validateExisting(named.get(), plan, cluster, findings, "named by tag " + Conventions.TAG_SUBNET, true);
            }
            return allocate(vnet, override.get(), settings, findings, "named by tag " + Conventions.TAG_SUBNET + " and missing", plan.id());
        }
        // 3. The plan already has an integration subnet in this VNet: one subnet per plan.
        Optional<SubnetState> planSubnet = vnet.subnets().stream()
                .filter(s -> s.linkedPlans().stream().anyMatch(p -> ResourceId.same(p, plan.id())))
                .findFirst();
        if (planSubnet.isPresent()) {
            return validateExisting(planSubnet.get(), plan, cluster, findings, "plan " + plan.name() + " already uses it", false);
        }
        // 4. Tether's own name for the plan's subnet: unique per plan id, so plans named alike in two groups never meet.
        String name = SubnetSharing.defaultName(settings.subnetNamePrefix(), plan.id(), plan.name());
        Optional<SubnetState> existing = vnet.subnetNamed(name);
        if (existing.isPresent()) {
            return validateExisting(existing.get(), plan, cluster, findings, "Tether's subnet for plan " + plan.name(), true);
        }
        return allocate(vnet, name, settings, findings, "plan " + plan.name() + " has no integration subnet in VNet " + vnet.name(), plan.id());
    }

    private static SubnetDecision allocate(VnetState vnet, String name, LinkSettings settings, List<Finding> findings, String why, String planId) {
        List<String> used = SubnetAllocator.ipv4(vnet.subnets().stream().flatMap(s -> s.addressPrefixes().stream()).toList());
        Optional<Cidr> free;
        try {
            free = SubnetAllocator.findFree(vnet.addressPrefixes(), used, settings.subnetPrefixLength());
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_ADDRESS_SPACE", "VNet " + vnet.name() + ": " + e.getMessage(), "fix the VNet's address space"));
            return null;
        }
        if (free.isEmpty()) {
            findings.add(Finding.error("NO_FREE_RANGE", "VNet " + vnet.name() + " (" + String.join(", ", vnet.addressPrefixes())
                            + ") has no free /" + settings.subnetPrefixLength() + " that overlaps no existing subnet",
                    "add an address range to the VNet, or create a delegated subnet yourself and name it with tag " + Conventions.TAG_SUBNET));
            return null;
        }
        String subnetId = vnet.id() + "/subnets/" + name;
        return new SubnetDecision(vnet.id(), subnetId, name, free.get().toString(), Outcome.CREATED,
                why + ": create " + name + " at " + free.get() + " delegated to " + Conventions.WEB_DELEGATION, planId);
    }

    /** @param joining the app would join the subnet now (not joined yet): the multi-plan limits apply */
    private static SubnetDecision validateExisting(SubnetState subnet, PlanState plan, ClusterState cluster, List<Finding> findings, String why,
                                                   boolean joining) {
        // The cluster's own node subnets (every agent pool's vnetSubnetID): the app must never join or delegate them.
        if (cluster.nodeSubnetIds().stream().anyMatch(n -> ResourceId.same(n, subnet.id()))) {
            findings.add(Finding.error("NODE_SUBNET", "subnet " + subnet.name() + " (" + why + ") is a node subnet of cluster " + cluster.name()
                            + "; delegating it to " + Conventions.WEB_DELEGATION + " would take it from the cluster's nodes and load balancers",
                    "name another subnet with tag " + Conventions.TAG_SUBNET + ", or remove the tag and let Tether create one"));
            return null;
        }
        // Dual-stack subnets list IPv6 ranges too (addressPrefixes only); the integration uses the IPv4 one.
        List<String> v4 = SubnetAllocator.ipv4(subnet.addressPrefixes());
        String prefix = v4.isEmpty() ? null : v4.get(0);
        if (prefix == null) {
            findings.add(Finding.error("SUBNET_WITHOUT_RANGE", "subnet " + subnet.name() + " has no IPv4 address prefix ("
                    + String.join(", ", subnet.addressPrefixes()) + ")", "give the subnet an IPv4 range"));
            return null;
        }
        Cidr cidr;
        try {
            cidr = Cidr.parse(prefix);
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_CIDR", "subnet " + subnet.name() + ": " + e.getMessage(), "fix the subnet's address prefix"));
            return null;
        }
        if (cidr.prefixLength() > LinkSettings.SMALLEST_SUBNET) {
            findings.add(Finding.error("SUBNET_TOO_SMALL", "subnet " + subnet.name() + " (" + cidr + ") is smaller than /28",
                    "use a /28 or larger subnet (/26 recommended) or let Tether create one by removing tag " + Conventions.TAG_SUBNET));
        }
        List<String> others = subnet.delegations().stream().filter(d -> !d.equalsIgnoreCase(Conventions.WEB_DELEGATION)).toList();
        if (!others.isEmpty()) {
            findings.add(Finding.error("SUBNET_DELEGATED_ELSEWHERE", "subnet " + subnet.name() + " is delegated to "
                    + String.join(", ", others), "name a subnet delegated to " + Conventions.WEB_DELEGATION + " or an empty one"));
        }
        // Which plans the subnet serves (its service association links), not only its range: another plan may share it
        // only within the multi-plan subnet join limits.
        if (joining) {
            findings.addAll(SubnetSharing.joinFindings(subnet, cidr, plan.id()));
        }
        List<String> otherPlans = subnet.linkedPlans().stream().filter(p -> !ResourceId.same(p, plan.id())).toList();
        String shared = otherPlans.isEmpty() ? "" : "; shared with plan " + String.join(", ", otherPlans) + " (multi-plan subnet join)";
        if (subnet.ipConfigurations() > 0) {
            findings.add(Finding.error("SUBNET_IN_USE", "subnet " + subnet.name() + " holds " + subnet.ipConfigurations()
                    + " IP configurations (NICs, load balancer frontends or private endpoints); an integration subnet must hold nothing else",
                    "name an empty subnet with tag " + Conventions.TAG_SUBNET + " or let Tether create one"));
        }
        String vnetId = ResourceId.parse(subnet.id()).parent().toString();
        if (subnet.delegatedTo(Conventions.WEB_DELEGATION)) {
            return new SubnetDecision(vnetId, subnet.id(), subnet.name(), cidr.toString(), Outcome.UNCHANGED,
                    why + "; already delegated to " + Conventions.WEB_DELEGATION + shared, plan.id());
        }
        return new SubnetDecision(vnetId, subnet.id(), subnet.name(), cidr.toString(), Outcome.UPDATED,
                why + "; add delegation to " + Conventions.WEB_DELEGATION + shared, plan.id());
    }

    private static SiteLinkPlan rejected(String siteId, String link, Finding finding) {
        return rejected(siteId, link, List.of(finding));
    }

    private static SiteLinkPlan rejected(String siteId, String link, List<Finding> findings) {
        String message = findings.stream().filter(Finding::isError).map(Finding::describe)
                .reduce((a, b) -> a + " | " + b).orElse("rejected");
        return SiteLinkPlan.without(siteId, link, SiteLinkPlan.Status.REJECTED, message, findings);
    }
}
