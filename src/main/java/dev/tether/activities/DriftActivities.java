package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.DriftMessages;
import dev.tether.orchestration.LinkOptions;
import dev.tether.plan.Conventions;
import dev.tether.plan.DriftPlanner;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
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
            if (link.isEmpty() || !config.inScope(ResourceId.parse(item.id()).subscriptionId())) {
                continue;
            }
            String key = ResourceId.parse(item.id()).subscriptionId().toLowerCase() + "/" + link.get();
            (item.isCluster() ? byLinkClusters : byLinkSites).computeIfAbsent(key, k -> new ArrayList<>()).add(item);
            (item.isCluster() ? byLinkSites : byLinkClusters).computeIfAbsent(key, k -> new ArrayList<>());
        }
        List<DriftMessages.LinkGroup> groups = new ArrayList<>();
        byLinkClusters.forEach((k, cl) -> groups.add(new DriftMessages.LinkGroup(k, cl, byLinkSites.getOrDefault(k, List.of()))));
        List<String> released = arm.released(new ArrayList<>(config.subscriptions()), config.subnetNamePrefix()).stream()
                .map(InventoryItem::id).filter(id -> config.inScope(ResourceId.parse(id).subscriptionId())).sorted().toList();
        return Json.write(new DriftMessages.Inventory(groups, released, Math.max(1, (items.size() + 999) / 1000) + 1));
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
            return Json.write(new DriftMessages.ClusterDrift(check.clusterId(), ip, reasons));
        } catch (RejectedException e) {
            return Json.write(new DriftMessages.ClusterDrift(check.clusterId(), null, List.of("cannot be read: " + e.getMessage())));
        }
    }

    public String checkSites(String input) {
        DriftMessages.SiteCheck[] checks = Json.read(input, DriftMessages.SiteCheck[].class);
        List<DriftMessages.SiteDrift> drifted = new ArrayList<>();
        int minRemaining = Integer.MAX_VALUE;
        int reads = 0;
        for (DriftMessages.SiteCheck c : checks) {
            try {
                ArmGateway.SettingsRead read = arm.appSettingsMetered(ResourceId.parse(c.site().id()));
                reads++;
                if (read.remainingReads() >= 0) {
                    minRemaining = Math.min(minRemaining, read.remainingReads());
                }
                List<String> reasons = DriftPlanner.site(c.site(), read.settings(), c.dnsIp());
                if (!reasons.isEmpty()) {
                    drifted.add(new DriftMessages.SiteDrift(c.site().id(), reasons));
                }
            } catch (RejectedException e) {
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
        StructuredLog.info(LOG, "drift.report", Map.of("links", report.links(), "clusters", report.clusters(), "sites", report.sites(),
                "armReads", report.armReads(), "drifted", report.drifted().size(), "repairsStarted", started.size(),
                "waiting", report.waiting().size(), "conflicts", report.conflicts().size(), "released", report.released()));
        return Json.write(started);
    }
}
