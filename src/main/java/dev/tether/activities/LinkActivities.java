package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.orchestration.ClusterLinkPlan;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.Messages;
import dev.tether.plan.ClusterChecks;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.Finding;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.PlanState;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.plan.SiteLinkPlanner;
import dev.tether.plan.SiteState;
import dev.tether.plan.SubnetSharing;
import dev.tether.plan.Tags;
import dev.tether.plan.VnetState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a link observes and plans (a site's, a cluster's; reads only, also for dry runs), and the fan-out of a linked
 * cluster to its apps. The writing steps are {@link SiteLinkActivities} (App Service side) and
 * {@link ClusterDnsActivities} (cluster side): each observes, asks plan/ what differs, and writes only that, so
 * running it again (after a crash, a duplicate event or a retry) writes nothing more. Input and output are JSON text.
 */
public final class LinkActivities {
    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final TetherConfig config;
    private final ClusterPreflight preflight;

    public LinkActivities(ArmGateway arm, ClusterConnector clusters, TetherConfig config) {
        this.arm = arm;
        this.clusters = clusters;
        this.config = config;
        this.preflight = new ClusterPreflight(clusters, config.network());
    }

    // ---- observe and plan ----

    public String planSiteLink(String input) {
        String id = Json.read(input, LinkRequest.class).resourceId();
        try {
            return Json.write(observeSite(id));
        } catch (RejectedException | InvalidInputException e) {
            Finding f = Finding.error(e instanceof RejectedException r ? r.code() : "INVALID_INPUT", e.getMessage(), null);
            return Json.write(SiteLinkPlan.without(id, null, SiteLinkPlan.Status.REJECTED, f.describe(), List.of(f)));
        }
    }

    /** Observes a site and everything its link depends on, then plans. Reads only; used by the link and by dry runs. */
    public SiteLinkPlan observeSite(String resourceId) {
        ResourceId id = ResourceId.parse(resourceId);
        Optional<SiteState> site = arm.site(id);
        if (site.isEmpty()) {
            return SiteLinkPlanner.plan(resourceId, null, null, List.of(), null, config.linkSettings());
        }
        Optional<String> link;
        try {
            link = Tags.link(site.get().tags());
        } catch (InvalidInputException e) {
            link = Optional.empty();
        }
        if (link.isEmpty()) {
            return SiteLinkPlanner.plan(resourceId, site.get(), null, List.of(), null, config.linkSettings());
        }
        List<String> clusterIds = arm.taggedResources(id.subscriptionId(), List.of(Conventions.TYPE_CLUSTER), Conventions.TAG_LINK, link.get());
        List<ClusterState> tagged = new ArrayList<>();
        VnetState vnet = null;
        PlanState plan = null;
        if (clusterIds.size() == 1) {
            Optional<ClusterState> cluster = arm.cluster(ResourceId.parse(clusterIds.get(0)));
            if (cluster.isPresent()) {
                tagged.add(cluster.get());
                if (!cluster.get().nodeSubnetIds().isEmpty()) {
                    String vnetId = ResourceId.parse(cluster.get().nodeSubnetIds().get(0)).parent().toString();
                    vnet = arm.vnet(vnetId).orElse(null);
                }
                plan = planOf(site.get());
            }
        } else {
            clusterIds.forEach(cid -> tagged.add(new ClusterState(cid, ResourceId.parse(cid).name(), null, Map.of(), List.of(), null, false, false, null, null, null)));
        }
        SiteLinkPlan planned = SiteLinkPlanner.plan(resourceId, site.get(), plan, tagged, vnet, config.linkSettings());
        if (planned.status() != SiteLinkPlan.Status.READY) {
            return planned;
        }
        // Only a link that gives the plan a new integration reads the plan's VNet connections: a sibling app integrated
        // elsewhere may have used the plan's last one, and the subnet must not be created for nothing.
        if (SubnetSharing.needsPlanConnections(site.get(), plan, vnet, planned.subnet())) {
            Optional<Finding> full = SubnetSharing.planIntegrations(plan, site.get().name(), arm.planIntegrations(plan.id()),
                    planned.subnet().subnetId());
            if (full.isPresent()) {
                return SiteLinkPlan.without(planned.siteId(), planned.link(), SiteLinkPlan.Status.REJECTED, full.get().describe(), List.of(full.get()));
            }
        }
        // Pre-flight includes the cluster: an unreachable API server, a foreign tether-dns or a CoreDNS conflict must stop
        // the link before the app is touched.
        List<Finding> conflicts = preflight.check(tagged.get(0), planned.domain());
        if (!conflicts.isEmpty()) {
            return SiteLinkPlan.without(planned.siteId(), planned.link(), SiteLinkPlan.Status.REJECTED,
                    conflicts.stream().map(Finding::describe).reduce((a, b) -> a + " | " + b).orElseThrow(), conflicts);
        }
        return new DnsPreflight(arm, clusters, config).apply(planned, site.get());
    }

    private PlanState planOf(SiteState site) {
        if (site.serverFarmId() == null) {
            throw new RejectedException("NO_PLAN", "site " + site.id() + " names no App Service plan (serverFarmId)");
        }
        return arm.plan(site.serverFarmId()).orElseThrow(() -> new RejectedException("PLAN_NOT_FOUND",
                "App Service plan " + site.serverFarmId() + " of site " + site.id() + " was not found"));
    }

    public String planClusterLink(String input) {
        String id = Json.read(input, LinkRequest.class).resourceId();
        try {
            return Json.write(observeCluster(id));
        } catch (RejectedException | InvalidInputException e) {
            Finding f = Finding.error(e instanceof RejectedException r ? r.code() : "INVALID_INPUT", e.getMessage(), null);
            return Json.write(rejectedCluster(id, null, List.of(f)));
        }
    }

    public ClusterLinkPlan observeCluster(String resourceId) {
        ResourceId id = ResourceId.parse(resourceId);
        Optional<ClusterState> cluster = arm.cluster(id);
        if (cluster.isEmpty()) {
            return new ClusterLinkPlan(resourceId, null, null, ClusterLinkPlan.Status.GONE, "cluster " + resourceId + " no longer exists", List.of());
        }
        String link;
        try {
            Optional<String> tag = Tags.link(cluster.get().tags());
            if (tag.isEmpty()) {
                return new ClusterLinkPlan(resourceId, null, null, ClusterLinkPlan.Status.NOT_TAGGED,
                        resourceId + " has no " + Conventions.TAG_LINK + " tag; Tether leaves it alone", List.of());
            }
            link = tag.get();
        } catch (InvalidInputException e) {
            return rejectedCluster(resourceId, null, List.of(Finding.error("INVALID_LINK_TAG", e.getMessage(), "fix the tag on " + resourceId)));
        }
        List<Finding> findings = new ArrayList<>(ClusterChecks.duplicates(resourceId, link,
                arm.taggedResources(id.subscriptionId(), List.of(Conventions.TYPE_CLUSTER), Conventions.TAG_LINK, link)));
        String domain = null;
        try {
            domain = Tags.domain(cluster.get().tags(), link);
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_DOMAIN", e.getMessage(), "fix tag " + Conventions.TAG_DOMAIN + " on " + resourceId));
        }
        try {
            dev.tether.plan.ExposureGuardPlan.enabled(cluster.get().tags());
        } catch (InvalidInputException e) {
            findings.add(Finding.error("INVALID_GUARD", e.getMessage(), "fix tag " + Conventions.TAG_GUARD + " on " + resourceId));
        }
        if ("kubenet".equalsIgnoreCase(cluster.get().networkPlugin())) {
            findings.add(Finding.warning("KUBENET", "cluster uses kubenet; internal load balancers still take IPs from the node subnet, so the link works", null));
        }
        if (findings.stream().noneMatch(Finding::isError)) {
            findings.addAll(preflight.check(cluster.get(), domain));
        }
        if (findings.stream().noneMatch(Finding::isError)) {
            // The cluster pass writes the guard after the DNS: a guard it cannot write must stop it before the first write.
            findings.addAll(preflight.guard(cluster.get()));
        }
        if (findings.stream().anyMatch(Finding::isError)) {
            return rejectedCluster(resourceId, link, findings);
        }
        return new ClusterLinkPlan(resourceId, link, domain, ClusterLinkPlan.Status.READY, "cluster DNS zone " + domain, findings);
    }

    private static ClusterLinkPlan rejectedCluster(String id, String link, List<Finding> findings) {
        String message = findings.stream().filter(Finding::isError).map(Finding::describe).reduce((a, b) -> a + " | " + b).orElse("rejected");
        return new ClusterLinkPlan(id, link, null, ClusterLinkPlan.Status.REJECTED, message, findings);
    }

    // ---- fan-out ----

    /** Starts or signals the link of every site and slot carrying the link name (one list call), through the Durable client. */
    public String signalLinkedSites(String input, LinkStarter starter) {
        Messages.SignalSites request = Json.read(input, Messages.SignalSites.class);
        ResourceId cluster = ResourceId.parse(request.clusterId());
        List<String> out = new ArrayList<>();
        for (String siteId : arm.taggedResources(cluster.subscriptionId(), List.of(Conventions.TYPE_SITE, Conventions.TYPE_SLOT),
                Conventions.TAG_LINK, request.link())) {
            ResourceId site = ResourceId.parse(siteId);
            LinkStarter.Started how = starter.startLinkUnlessLinkedTo(site, request.clusterId(), request.dnsIp(), request.options(),
                    "cluster " + cluster.name() + " linked");
            out.add(how.name().toLowerCase(java.util.Locale.ROOT) + " " + site);
        }
        return Json.write(out);
    }
}
