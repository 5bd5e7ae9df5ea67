package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.InstanceIds;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.DriftMessages;
import dev.tether.orchestration.LinkOptions;
import dev.tether.plan.ApiServerReach;
import dev.tether.orchestration.ServicesRequest;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.ServiceFacts;
import dev.tether.plan.DriftPlanner;
import dev.tether.plan.ExposureGuardPlan;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
import dev.tether.plan.NearMiss;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/** The drift scan's steps: discover with Resource Graph, check clusters and sites, start repairs for what drifted. */
public final class DriftActivities {
    private static final Logger LOG = Logger.getLogger("dev.tether.activities");

    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final TetherConfig config;

    public DriftActivities(ArmGateway arm, ClusterConnector clusters, TetherConfig config) {
        this.arm = arm;
        this.clusters = clusters;
        this.config = config;
    }

    public String discover(String input) {
        List<InventoryItem> items = arm.inventory(new ArrayList<>(config.subscriptions()));
        Map<String, List<InventoryItem>> byLinkClusters = new TreeMap<>();
        Map<String, List<InventoryItem>> byLinkSites = new TreeMap<>();
        for (InventoryItem item : items) {
            Optional<String> link;
            try {
                link = Tags.link(item.tags());
            } catch (InvalidInputException e) {
                continue;
            }
            ResourceId id;
            try {
                id = ResourceId.parse(item.id());
            } catch (InvalidInputException e) {
                // One resource Tether cannot handle is reported by itself; the scan goes on with everything else.
                StructuredLog.log(LOG, java.util.logging.Level.WARNING, "drift.unhandled", Map.of("resourceId", item.id(), "error", e.getMessage()));
                continue;
            }
            if (link.isEmpty() || !config.inScope(id.subscriptionId())) {
                continue;
            }
            String key = id.subscriptionId().toLowerCase() + "/" + link.get();
            (item.isCluster() ? byLinkClusters : byLinkSites).computeIfAbsent(key, k -> new ArrayList<>()).add(item);
            (item.isCluster() ? byLinkSites : byLinkClusters).computeIfAbsent(key, k -> new ArrayList<>());
        }
        List<DriftMessages.LinkGroup> groups = new ArrayList<>();
        byLinkClusters.forEach((k, cl) -> groups.add(new DriftMessages.LinkGroup(k, cl, byLinkSites.getOrDefault(k, List.of()))));
        // The released query matches the tag key in its exact case; an app tagged Private-Link is tagged, not released.
        java.util.Set<String> tagged = new java.util.HashSet<>();
        items.forEach(i -> tagged.add(i.id().toLowerCase(java.util.Locale.ROOT)));
        List<String> released = arm.released(new ArrayList<>(config.subscriptions()), config.subnetNamePrefix()).stream()
                .map(InventoryItem::id).filter(id -> !tagged.contains(id.toLowerCase(java.util.Locale.ROOT))).filter(this::inScope).sorted().toList();
        List<NearMiss> nearMisses = NearMiss.find(items.stream().filter(i -> inScope(i.id())).toList());
        Map<String, String> unreachable = new TreeMap<>();
        groups.forEach(g -> g.clusters().forEach(c -> ApiServerReach.check(c.asCluster(), config.network())
                .ifPresent(f -> unreachable.put(c.id(), f.describe()))));
        return Json.write(new DriftMessages.Inventory(groups, released, Math.max(1, (items.size() + 999) / 1000) + 1, nearMisses, unreachable));
    }

    private boolean inScope(String id) {
        try {
            return config.inScope(ResourceId.parse(id).subscriptionId());
        } catch (InvalidInputException e) {
            StructuredLog.log(LOG, java.util.logging.Level.WARNING, "drift.unhandled", Map.of("resourceId", id, "error", e.getMessage()));
            return false;
        }
    }

    public String checkCluster(String input) {
        DriftMessages.ClusterCheck check = Json.read(input, DriftMessages.ClusterCheck.class);
        try {
            KubeGateway kube = clusters.gateway(check.clusterId());
            Optional<ServiceView> dns = kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
            Optional<Map<String, String>> custom = kube.configMapData(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM);
            Optional<dev.tether.plan.DeploymentFacts> coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT);
            List<String> reasons = DriftPlanner.cluster(dns.map(ServiceView::shape).orElse(null), dns.map(ServiceView::ingressIp).orElse(null),
                    custom.orElse(null), check.domain(), coredns.map(dev.tether.plan.DeploymentFacts::templateAnnotations).orElse(null));
            String failedOn = coredns.map(d -> d.annotations().get(Conventions.ANNOTATION_ROLLOUT_FAILED)).orElse(null);
            if (dev.tether.plan.CorednsPlan.hash(dev.tether.plan.CorednsPlan.overrideFor(check.domain())).equals(failedOn)) {
                // CoreDNS crashed on this override before: a repair would only restart it into the same crash.
                reasons = reasons.stream().filter(r -> !r.startsWith("CoreDNS was not restarted")).toList();
            }
            String ip = dns.map(ServiceView::ingressIp).orElse(null);
            List<ServiceFacts> services = kube.services().stream().map(ServiceView::facts).toList();
            List<String> exposed = DriftPlanner.services(services, check.policy());
            int[] armReads = {0};
            List<String> misplaced = DriftPlanner.misplaced(services, check.policy(), () -> {
                armReads[0]++;
                Optional<ClusterState> cluster = arm.cluster(ResourceId.parse(check.clusterId()));
                if (cluster.isEmpty() || cluster.get().nodeSubnetIds().isEmpty()) {
                    return Map.of();
                }
                armReads[0]++;
                String vnetId = ResourceId.parse(cluster.get().nodeSubnetIds().get(0)).parent().toString();
                Map<String, List<String>> prefixes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                arm.vnet(vnetId).ifPresent(v -> v.subnets().forEach(sn -> prefixes.put(sn.name(), sn.addressPrefixes())));
                return prefixes;
            });
            ExposureGuardPlan.GuardDrift guard = guardDrift(kube, check);
            return Json.write(new DriftMessages.ClusterDrift(check.clusterId(), ip, reasons, exposed, misplaced, armReads[0], guard.reasons(),
                    guard.conflicts()));
        } catch (RejectedException e) {
            return Json.write(new DriftMessages.ClusterDrift(check.clusterId(), null, List.of("cannot be read: " + e.getMessage()),
                    List.of(), List.of(), 0, List.of(), List.of()));
        }
    }

    /**
     * The exposure guard against the cluster's tags: one read of each object (also when the guard is off, to find one
     * left behind). A guard that is on and missing costs one discovery read more, to tell a cluster without the API
     * (reported: a repair would be refused) from a deleted guard (repaired).
     */
    private static ExposureGuardPlan.GuardDrift guardDrift(KubeGateway kube, DriftMessages.ClusterCheck check) {
        ExposureGuardPlan.Observed policy = kube.guardObject(KubeGateway.GuardKind.ValidatingAdmissionPolicy, ExposureGuardPlan.NAME)
                .map(ServiceActivities::observedGuard).orElse(null);
        ExposureGuardPlan.Observed binding = kube.guardObject(KubeGateway.GuardKind.ValidatingAdmissionPolicyBinding, ExposureGuardPlan.NAME)
                .map(ServiceActivities::observedGuard).orElse(null);
        if (check.guard() && (policy == null || binding == null)) {
            List<dev.tether.plan.Finding> refused = ExposureGuardPlan.preflight(ResourceId.parse(check.clusterId()).name(), kube.admissionResources(),
                    kind -> kind.equals("ValidatingAdmissionPolicy") ? policy : binding);
            if (!refused.isEmpty()) {
                return new ExposureGuardPlan.GuardDrift(List.of(), refused.stream().map(dev.tether.plan.Finding::describe).toList());
            }
        }
        return ExposureGuardPlan.drift(check.guard(), check.policy(), policy, binding);
    }

    public String checkSites(String input) {
        DriftMessages.SiteCheck[] checks = Json.read(input, DriftMessages.SiteCheck[].class);
        List<DriftMessages.SiteDrift> drifted = new ArrayList<>();
        int minRemaining = Integer.MAX_VALUE;
        int reads = 0;
        Map<String, dev.tether.plan.SlotSettings> slotSettings = new java.util.HashMap<>();
        for (DriftMessages.SiteCheck c : checks) {
            try {
                ArmGateway.SettingsRead read = arm.appSettingsMetered(ResourceId.parse(c.site().id()));
                reads++;
                if (read.remainingReads() >= 0) {
                    minRemaining = Math.min(minRemaining, read.remainingReads());
                }
                List<String> reasons = new ArrayList<>(DriftPlanner.site(c.site(), read.settings(), c.dnsIp()));
                if (c.slotSettings()) {
                    // One slot settings list per site, shared by its slots: read once per batch, however many of them are linked.
                    String key = dev.tether.plan.SlotSettings.siteKey(c.site().id());
                    dev.tether.plan.SlotSettings marks = slotSettings.get(key);
                    if (marks == null) {
                        marks = arm.slotSettings(ResourceId.parse(c.site().id()));
                        reads++;
                        slotSettings.put(key, marks);
                    }
                    reasons.addAll(DriftPlanner.slotSettings(marks, dev.tether.plan.SlotSettings.tetherNames(config.altDnsServer())));
                }
                if (!reasons.isEmpty()) {
                    drifted.add(new DriftMessages.SiteDrift(c.site().id(), reasons));
                }
            } catch (RejectedException | InvalidInputException e) {
                drifted.add(new DriftMessages.SiteDrift(c.site().id(), List.of("cannot be read: " + e.getMessage())));
            }
        }
        return Json.write(new DriftMessages.SitesChecked(drifted, reads, minRemaining == Integer.MAX_VALUE ? -1 : minRemaining));
    }

    /** Starts (or signals) the link orchestration of each drifted resource, and logs the report. */
    public String startRepairs(String input, LinkStarter starter) {
        DriftMessages.Report report = Json.read(input, DriftMessages.Report.class);
        List<String> started = new ArrayList<>();
        LinkOptions options = LinkOptions.from(config);
        for (DriftMessages.SiteDrift d : report.drifted()) {
            ResourceId id = ResourceId.parse(d.resourceId());
            starter.startLink(id, options, "drift: " + String.join("; ", d.reasons()));
            started.add(LinkStarter.linkInstanceId(id));
        }
        for (DriftMessages.ServicesDrift d : report.services()) {
            if (d.repair()) {
                // The cluster's one ReconcileServices instance (all its Services), as a public IP or load balancer event starts it.
                ResourceId cluster = ResourceId.parse(d.clusterId());
                String instanceId = InstanceIds.forServices(cluster, null);
                String reason = "drift: " + String.join("; ", d.reasons());
                // A running instance is told whether to repair the guard too: its own input may not ask for it.
                starter.startOrSignalServices(instanceId, new ServicesRequest(cluster.toString(), null, reason, options, d.guard()));
                started.add(instanceId);
            }
        }
        StructuredLog.info(LOG, "drift.report", Map.ofEntries(Map.entry("links", report.links()), Map.entry("clusters", report.clusters()),
                Map.entry("sites", report.sites()), Map.entry("armReads", report.armReads()), Map.entry("drifted", report.drifted().size()),
                Map.entry("servicesDrifted", report.services().size()), Map.entry("repairsStarted", started.size()),
                Map.entry("waiting", report.waiting().size()), Map.entry("conflicts", report.conflicts().size()),
                Map.entry("released", report.released()), Map.entry("nearMisses", report.nearMisses())));
        return Json.write(started);
    }
}
