package dev.tether.orchestration;

import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.ExposureGuardPlan;
import dev.tether.plan.InventoryItem;
import dev.tether.plan.Tags;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The drift scan: discover every link with Resource Graph, check each cluster's DNS (Kubernetes reads only) and each
 * site's settings (one ARM read each), paced with durable timers so that the scan never spends more than its share of
 * ARM's read budget, then start repairs only for what drifted. Its output is the drift report.
 */
public final class DriftScanOrchestration implements OrchestratorFunction<DriftMessages.Report> {
    /** ARM's documented per-subscription read bucket: about 250 of burst, refilled at about 25 per second. */
    static final int ARM_READ_BURST = 250;
    static final double ARM_READ_REFILL = 25;

    @Override
    public DriftMessages.Report apply(TaskOrchestrationContext ctx) {
        DriftMessages.ScanRequest request = ctx.getInput(DriftMessages.ScanRequest.class);
        Steps steps = new Steps(ctx, request.options());
        Instant started = ctx.getCurrentInstant();
        DriftMessages.Inventory inventory = steps.call(Steps.DRIFT_DISCOVER, "scan", DriftMessages.Inventory.class);

        List<DriftMessages.SiteDrift> drifted = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<DriftMessages.SiteCheck> siteChecks = new ArrayList<>();
        List<DriftMessages.ServicesDrift> services = new ArrayList<>();
        int clusterReads = 0;
        int clusters = 0;
        int sites = 0;
        for (DriftMessages.LinkGroup group : inventory.links()) {
            sites += group.sites().size();
            clusters += group.clusters().size();
            if (group.clusters().isEmpty()) {
                group.sites().forEach(s -> waiting.add(s.id()));
                continue;
            }
            if (group.clusters().size() > 1) {
                conflicts.add(group.link() + ": " + group.clusters().stream().map(InventoryItem::id).toList());
                continue;
            }
            InventoryItem cluster = group.clusters().get(0);
            if (inventory.unreachable().containsKey(cluster.id())) {
                // Reported, not checked: its API server would only time out, and a repair would be refused the same way.
                conflicts.add(cluster.id() + ": " + inventory.unreachable().get(cluster.id()));
                continue;
            }
            String link = group.link().substring(group.link().indexOf('/') + 1);
            String domain;
            ClusterPolicy policy;
            boolean guard;
            try {
                domain = Tags.domain(cluster.tags(), link);
                policy = ClusterPolicy.of(cluster.tags());
                guard = ExposureGuardPlan.enabled(cluster.tags());
            } catch (RuntimeException e) {
                conflicts.add(cluster.id() + ": " + e.getMessage());
                continue;
            }
            ctx.setCustomStatus(Map.of("step", "checking-cluster", "clusterId", cluster.id()));
            DriftMessages.ClusterDrift c = steps.call(Steps.DRIFT_CHECK_CLUSTER, new DriftMessages.ClusterCheck(cluster.id(), link, domain, policy, guard),
                    DriftMessages.ClusterDrift.class);
            clusterReads += c.armReads();
            if (!c.reasons().isEmpty()) {
                drifted.add(new DriftMessages.SiteDrift(cluster.id(), c.reasons()));
            }
            c.guardConflicts().forEach(g -> conflicts.add(cluster.id() + ": " + g));
            if (!c.services().isEmpty() || !c.misplaced().isEmpty() || !c.guard().isEmpty()) {
                List<String> reasons = new ArrayList<>(c.guard());
                reasons.addAll(c.services());
                reasons.addAll(c.misplaced());
                // A cluster whose DNS drifted gets a LinkCluster pass, which reconciles its Services and its guard too.
                boolean repair = (!c.services().isEmpty() || !c.guard().isEmpty()) && c.reasons().isEmpty();
                services.add(new DriftMessages.ServicesDrift(cluster.id(), reasons, repair, repair && !c.guard().isEmpty()));
            }
            if (c.dnsIp() == null) {
                // The cluster's repair relinks its apps; their DNS setting cannot be judged without an IP.
                continue;
            }
            group.sites().forEach(s -> siteChecks.add(new DriftMessages.SiteCheck(s, c.dnsIp())));
        }

        // The slot-setting mark is read only for sites with a linked slot: for the rest it would double the scan's reads.
        java.util.Set<String> withSlots = dev.tether.plan.SlotSettings.sitesWithSlots(siteChecks.stream().map(DriftMessages.SiteCheck::site)
                .map(dev.tether.plan.InventoryItem::id).toList());
        siteChecks.replaceAll(sc -> new DriftMessages.SiteCheck(sc.site(), sc.dnsIp(),
                withSlots.contains(dev.tether.plan.SlotSettings.siteKey(sc.site().id()))));

        double readsPerSecond = request.readShare() * ARM_READ_REFILL;
        int floor = (int) Math.round(ARM_READ_BURST * (1 - request.readShare()));
        int reads = inventory.pages() + clusterReads;
        for (int i = 0; i < siteChecks.size(); i += request.batchSize()) {
            List<DriftMessages.SiteCheck> batch = siteChecks.subList(i, Math.min(i + request.batchSize(), siteChecks.size()));
            ctx.setCustomStatus(Map.of("step", "checking-sites", "checked", i, "total", siteChecks.size()));
            DriftMessages.SitesChecked result = steps.call(Steps.DRIFT_CHECK_SITES, batch, DriftMessages.SitesChecked.class);
            drifted.addAll(result.drifted());
            reads += result.reads();
            if (i + request.batchSize() < siteChecks.size()) {
                double wait = result.reads() / readsPerSecond;
                if (result.minRemainingReads() >= 0 && result.minRemainingReads() < floor) {
                    wait += (floor - result.minRemainingReads()) / ARM_READ_REFILL;
                }
                ctx.createTimer(Duration.ofMillis((long) Math.ceil(wait * 1000))).await();
            }
        }
        DriftMessages.Report report = new DriftMessages.Report(inventory.links().size(), clusters, sites, reads, drifted, waiting, conflicts,
                inventory.released(), List.of(), Duration.between(started, ctx.getCurrentInstant()).toSeconds(),
                inventory.nearMisses().stream().map(dev.tether.plan.NearMiss::message).toList(), services);
        String[] repairs = steps.call(Steps.DRIFT_START_REPAIRS, report, String[].class);
        ctx.setCustomStatus(Map.of("step", "done", "drifted", drifted.size()));
        return new DriftMessages.Report(report.links(), report.clusters(), report.sites(), report.armReads(), drifted, waiting, conflicts,
                inventory.released(), Arrays.asList(repairs), report.virtualSeconds(), report.nearMisses(), services);
    }
}
