package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.logging.StructuredLog;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.orchestration.ClusterLinkPlan;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.Messages;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.Cidr;
import dev.tether.plan.ClusterChecks;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsChecks;
import dev.tether.plan.CorednsPlan;
import dev.tether.plan.DnsServicePlan;
import dev.tether.plan.Finding;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.Outcome;
import dev.tether.plan.OwnershipRecord;
import dev.tether.plan.PlanState;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.plan.SiteLinkPlanner;
import dev.tether.plan.SiteState;
import dev.tether.plan.SubnetDecision;
import dev.tether.plan.SubnetAllocator;
import dev.tether.plan.SubnetSharing;
import dev.tether.plan.SubnetState;
import dev.tether.plan.Tags;
import dev.tether.plan.VnetState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One small method per step. Each observes, asks plan/ what differs, and writes only that, so running it again (after
 * a crash, a duplicate event or a retry) writes nothing more. Input and output are JSON text.
 */
public final class LinkActivities {
    private static final Logger LOG = Logger.getLogger("dev.tether.activities");
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

    // ---- App Service side ----

    public String ensureSubnet(String input) {
        Messages.EnsureSubnet request = Json.read(input, Messages.EnsureSubnet.class);
        return step("subnet", () -> {
            SubnetDecision d = request.decision();
            // The VNet, not just the subnet: a range planned earlier may have been taken since by another plan's subnet.
            VnetState vnet = arm.vnet(d.vnetId()).orElseThrow(() -> new RejectedException("GONE", "VNet " + d.vnetId() + " no longer exists"));
            Optional<SubnetState> current = vnet.subnetWithId(d.subnetId());
            if (current.isEmpty()) {
                List<String> used = vnet.subnets().stream().flatMap(sn -> sn.addressPrefixes().stream()).toList();
                Cidr prefix = SubnetAllocator.plannedOrNextFree(d.addressPrefix(), vnet.addressPrefixes(), used).orElseThrow(() -> new RejectedException(
                        "NO_FREE_RANGE", "VNet " + vnet.name() + " has no free range for " + d.name() + " any more (" + d.addressPrefix()
                        + " was planned and has been taken since). Fix: add an address range to the VNet, then rerun the link"));
                String moved = prefix.toString().equals(d.addressPrefix()) ? "" : " (" + d.addressPrefix() + " was taken after the plan)";
                arm.createDelegatedSubnet(d.subnetId(), prefix.toString());
                return StepResult.done("subnet", Outcome.CREATED, "created " + d.name() + " " + prefix + " delegated to " + Conventions.WEB_DELEGATION + moved);
            }
            if (!current.get().settled()) {
                if ("Failed".equalsIgnoreCase(current.get().provisioningState())) {
                    return StepResult.refused("subnet", "subnet " + d.name() + " is in provisioning state Failed."
                            + " Fix: check the VNet's activity log, repair or delete the subnet, then rerun the link");
                }
                throw new TransientException("subnet " + d.name() + " is still " + current.get().provisioningState()
                        + " from an earlier PUT; the step is retried", null);
            }
            // Who the subnet serves now, not only its range: another plan may have joined since the plan was made.
            List<String> v4 = SubnetAllocator.ipv4(current.get().addressPrefixes());
            List<Finding> sharing = d.planId() == null || v4.isEmpty() ? List.of()
                    : SubnetSharing.joinFindings(current.get(), Cidr.parse(v4.get(0)), d.planId());
            if (!sharing.isEmpty()) {
                return StepResult.refused("subnet", sharing.get(0).describe());
            }
            if (current.get().delegatedTo(Conventions.WEB_DELEGATION)) {
                return StepResult.done("subnet", Outcome.UNCHANGED, d.name() + " is delegated to " + Conventions.WEB_DELEGATION);
            }
            if (current.get().ipConfigurations() > 0 || !current.get().delegations().isEmpty()) {
                return StepResult.refused("subnet", "subnet " + d.name() + " is in use or delegated to "
                        + current.get().delegations() + " and cannot be delegated to " + Conventions.WEB_DELEGATION);
            }
            arm.addWebDelegation(d.subnetId());
            return StepResult.done("subnet", Outcome.UPDATED, "delegated " + d.name() + " to " + Conventions.WEB_DELEGATION);
        });
    }

    public String joinSubnet(String input) {
        Messages.JoinSubnet request = Json.read(input, Messages.JoinSubnet.class);
        return step("site", () -> {
            ResourceId id = ResourceId.parse(request.siteId());
            SiteState site = arm.site(id).orElseThrow(() -> new RejectedException("GONE", request.siteId() + " no longer exists"));
            if (site.subnetId() != null && !ResourceId.same(site.subnetId(), request.subnetId())) {
                return StepResult.refused("site", "app " + site.name() + " was integrated with " + site.subnetId()
                        + " meanwhile; Tether will not move it silently. Remove that integration or the " + Conventions.TAG_LINK + " tag");
            }
            if (site.subnetId() != null && (site.routeAll() || !request.routeAllOn())) {
                return StepResult.done("site", Outcome.UNCHANGED, "joined to " + request.subnetId() + " with route-all " + (site.routeAll() ? "on" : "off"));
            }
            arm.joinSubnet(id, request.subnetId(), request.routeAllOn() && !site.routeAll());
            return StepResult.done("site", Outcome.UPDATED, request.routeAllOn() && !site.routeAll()
                    ? "set virtualNetworkSubnetId and outboundVnetRouting.applicationTraffic in one PATCH" : "set virtualNetworkSubnetId (route-all not needed)");
        });
    }

    public String ensureDnsSetting(String input) {
        Messages.DnsSetting request = Json.read(input, Messages.DnsSetting.class);
        return step("app-settings", () -> {
            ResourceId id = ResourceId.parse(request.siteId());
            Map<String, String> current = arm.appSettings(id);
            // Re-checked at write time: a foreign DNS server set since the plan is never replaced without the opt-in.
            Map<String, String> foreign = DnsPlan.foreign(current, request.dnsIp(), config.altDnsServer());
            if (!foreign.isEmpty() && !request.replaceForeign()) {
                return StepResult.refused("app-settings", "app " + id.name() + " now resolves through " + DnsPlan.describe(foreign)
                        + ", which Tether did not set. Fix: remove it, or tag the app " + Conventions.TAG_DNS_REPLACE + "=true, then rerun the link");
            }
            Optional<Map<String, String>> merged = DnsPlan.merge(current, request.dnsIp(), config.altDnsServer());
            if (merged.isEmpty()) {
                return StepResult.done("app-settings", Outcome.UNCHANGED, Conventions.SETTING_DNS_SERVER + " is " + request.dnsIp());
            }
            if (request.ownership() != null) {
                // The ownership record rides on this PUT (docs/UNLINK.md): atomic with the value it describes, no write of its own.
                Messages.Ownership o = request.ownership();
                OwnershipRecord record = OwnershipRecord.forLink(current, o.link(), request.dnsIp(), o.subnet(), o.subnetCreated(), o.routeAllOn(),
                        o.slotMarks());
                DnsPlan.keysOf(merged.get(), OwnershipRecord.SETTING).forEach(merged.get()::remove);
                merged.get().put(OwnershipRecord.SETTING, record.format());
            }
            arm.replaceAppSettings(id, merged.get());
            Outcome outcome = DnsPlan.keysOf(current, Conventions.SETTING_DNS_SERVER).isEmpty() ? Outcome.CREATED : Outcome.UPDATED;
            int dnsKeys = (int) merged.get().keySet().stream().filter(OwnershipRecord::isTetherKey).count();
            return StepResult.done("app-settings", outcome, Conventions.SETTING_DNS_SERVER + "=" + request.dnsIp() + "; kept "
                    + (merged.get().size() - dnsKeys) + " other settings"
                    + (foreign.isEmpty() ? "" : "; replaced " + DnsPlan.describe(foreign) + " (previous value, for an unlink to restore)"));
        });
    }

    // ---- cluster side ----

    public String ensureDnsService(String input) {
        String clusterId = Json.read(input, String.class);
        return step("dns-service", () -> {
            KubeGateway kube = clusters.gateway(clusterId);
            Optional<ServiceView> current = kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
            if (current.isEmpty()) {
                kube.createService(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE, DnsServicePlan.desired(null));
                return StepResult.done("dns-service", Outcome.CREATED, "created internal LoadBalancer kube-system/" + Conventions.DNS_SERVICE);
            }
            Optional<Finding> foreign = DnsServicePlan.foreign(current.get().shape());
            if (foreign.isPresent()) {
                return StepResult.refused("dns-service", foreign.get().describe());
            }
            Optional<Map<String, Object>> patch = DnsServicePlan.patch(current.get().shape(), DnsServicePlan.desired(null));
            if (patch.isEmpty()) {
                return StepResult.done("dns-service", Outcome.UNCHANGED, "kube-system/" + Conventions.DNS_SERVICE + " is as desired");
            }
            kube.patchService(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE, patch.get());
            return StepResult.done("dns-service", Outcome.UPDATED, "patched " + String.join(", ", patch.get().keySet()));
        });
    }

    public String ensureCorednsOverride(String input) {
        Messages.ClusterDns request = Json.read(input, Messages.ClusterDns.class);
        return step("coredns-override", () -> {
            KubeGateway kube = clusters.gateway(request.clusterId());
            String desired = CorednsPlan.overrideFor(request.domain());
            Optional<dev.tether.plan.ConfigMapState> cm = kube.configMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM);
            // The ownership record (docs/UNLINK.md): the keys Tether owns and the link they serve, in the write of the key itself.
            Map<String, String> record = new java.util.LinkedHashMap<>();
            record.put(Conventions.ANNOTATION_OWNS_KEYS, Conventions.OVERRIDE_KEY);
            if (request.link() != null) {
                record.put(Conventions.ANNOTATION_LINK, request.link());
            }
            if (cm.isEmpty()) {
                kube.createConfigMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM,
                        Map.of(Conventions.LABEL_MANAGED_BY, Conventions.MANAGED_BY_TETHER), record, Map.of(Conventions.OVERRIDE_KEY, desired));
                return StepResult.done("coredns-override", Outcome.CREATED, "created " + Conventions.COREDNS_CUSTOM + " with " + Conventions.OVERRIDE_KEY);
            }
            Map<String, String> data = cm.get().data();
            List<Finding> conflicts = CorednsChecks.check(data, request.domain());
            if (!conflicts.isEmpty()) {
                return StepResult.refused("coredns-override", conflicts.get(0).describe());
            }
            if (CorednsPlan.merge(data, desired).isEmpty()) {
                // A record written before the link annotation existed is completed by the next pass that writes the key, not by a write of its own.
                return StepResult.done("coredns-override", Outcome.UNCHANGED, Conventions.OVERRIDE_KEY + " holds k8s_external " + request.domain());
            }
            Outcome outcome = data.containsKey(Conventions.OVERRIDE_KEY) ? Outcome.UPDATED : Outcome.CREATED;
            // The ownership record rides on the same merge patch (docs/UNLINK.md): no write of its own.
            kube.patchConfigMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM, Map.of(Conventions.OVERRIDE_KEY, desired), record);
            return StepResult.done("coredns-override", outcome, "set " + Conventions.OVERRIDE_KEY + " = k8s_external " + request.domain()
                    + "; kept " + (data.size() - (outcome == Outcome.UPDATED ? 1 : 0)) + " other keys");
        });
    }

    public String restartCorednsIfStale(String input) {
        Messages.RestartCoredns request = Json.read(input, Messages.RestartCoredns.class);
        return step("coredns-restart", () -> {
            KubeGateway kube = clusters.gateway(request.clusterId());
            String hash = CorednsPlan.hash(CorednsPlan.overrideFor(request.domain()));
            Optional<dev.tether.plan.DeploymentFacts> coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT);
            if (coredns.isEmpty()) {
                return StepResult.refused("coredns-restart", "deployment kube-system/" + Conventions.COREDNS_DEPLOYMENT
                        + " was not found; is this an AKS cluster with its CoreDNS add-on?");
            }
            if (hash.equals(coredns.get().templateAnnotations().get(Conventions.ANNOTATION_OVERRIDE_HASH))) {
                return StepResult.done("coredns-restart", Outcome.UNCHANGED, "CoreDNS already runs this override");
            }
            // A restart loads every key as it is now: Tether must never be the one that turns a dormant bad key (written
            // since the override step checked) into a live outage.
            List<Finding> bad = CorednsChecks.check(kube.configMapData(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM).orElse(Map.of()),
                    request.domain());
            if (!bad.isEmpty()) {
                return StepResult.refused("coredns-restart", "CoreDNS was not restarted: " + bad.get(0).describe());
            }
            if (hash.equals(coredns.get().annotations().get(Conventions.ANNOTATION_ROLLOUT_FAILED))) {
                return StepResult.refused("coredns-restart", "CoreDNS failed to roll out with this override before (annotation "
                        + Conventions.ANNOTATION_ROLLOUT_FAILED + " on deployment kube-system/coredns); Tether will not restart it again."
                        + " Fix: correct the keys of kube-system/coredns-custom, then kubectl -n kube-system annotate deployment coredns "
                        + Conventions.ANNOTATION_ROLLOUT_FAILED + "- and rerun the link");
            }
            kube.patchPodTemplateAnnotations(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT,
                    Map.of(Conventions.ANNOTATION_RESTARTED_AT, request.at(), Conventions.ANNOTATION_OVERRIDE_HASH, hash));
            return StepResult.done("coredns-restart", Outcome.UPDATED, "rolling restart of CoreDNS to load the override");
        });
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

    /** Runs a step; a refusal becomes a StepResult with the message, a transient failure is thrown for the retry policy. */
    static String step(String name, java.util.function.Supplier<StepResult> body) {
        StepResult result;
        try {
            result = body.get();
        } catch (RejectedException | InvalidInputException e) {
            result = StepResult.refused(name, e.getMessage());
        } catch (TransientException e) {
            StructuredLog.log(LOG, Level.WARNING, "step.transient", Map.of("step", name, "error", String.valueOf(e.getMessage())));
            throw e;
        }
        if (result.error() != null) {
            StructuredLog.log(LOG, Level.SEVERE, "step.refused", Map.of("step", name, "error", result.error()));
        } else {
            StructuredLog.info(LOG, "step.done", Map.of("step", name, "outcome", String.valueOf(result.outcome()), "detail", result.detail()));
        }
        return Json.write(result);
    }
}
