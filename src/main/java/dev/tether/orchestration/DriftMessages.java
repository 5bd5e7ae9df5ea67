package dev.tether.orchestration;

import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.InventoryItem;

import java.util.List;

/** The drift scan's messages and report. */
public final class DriftMessages {
    private DriftMessages() {
    }

    public record ScanRequest(double readShare, int batchSize, LinkOptions options) {
    }

    /** Every link: its clusters (exactly one is healthy) and its sites and slots. */
    public record LinkGroup(String link, List<InventoryItem> clusters, List<InventoryItem> sites) {
    }

    /** {@code nearMisses}: apps and clusters whose link values differ only in letter case or whitespace (not linked). */
    /**
     * {@code unreachable}: clusters whose API server Tether cannot reach from its network position (id to the
     * pre-flight's message); the scan reports them instead of timing out on them.
     */
    public record Inventory(List<LinkGroup> links, List<String> released, int pages, List<dev.tether.plan.NearMiss> nearMisses,
                            java.util.Map<String, String> unreachable) {
        public Inventory {
            nearMisses = nearMisses == null ? List.of() : nearMisses;
            unreachable = unreachable == null ? java.util.Map.of() : unreachable;
        }
    }

    /** {@code guard}: whether the cluster's tags ask for the exposure guard (tag private-link-guard true). */
    public record ClusterCheck(String clusterId, String link, String domain, ClusterPolicy policy, boolean guard) {
    }

    /**
     * {@code reasons}: the cluster's DNS drift; {@code services}: opted-in Services that are not internal (repaired by
     * the cluster's ReconcileServices instance); {@code misplaced}: internal Services whose IP is outside their annotated
     * subnet (reported: AKS's controller moves the frontend, Tether has nothing to write); {@code armReads}: the VNet
     * reads that check took; {@code guard}: how the exposure guard differs from the tags (missing, changed, left
     * behind; repaired by the ReconcileServices instance); {@code guardConflicts}: what a guard pass would refuse (a
     * foreign object with the guard's name, an API server without the API), reported.
     */
    public record ClusterDrift(String clusterId, String dnsIp, List<String> reasons, List<String> services, List<String> misplaced,
                               int armReads, List<String> guard, List<String> guardConflicts) {
        public ClusterDrift {
            guard = guard == null ? List.of() : guard;
            guardConflicts = guardConflicts == null ? List.of() : guardConflicts;
        }
    }

    /**
     * {@code slotSettings}: also check the site's slot-setting mark (one read per site, shared by its slots); true for the
     * sites the inventory shows with a linked slot ({@link dev.tether.plan.SlotSettings#sitesWithSlots}).
     */
    public record SiteCheck(InventoryItem site, String dnsIp, boolean slotSettings) {
        public SiteCheck(InventoryItem site, String dnsIp) {
            this(site, dnsIp, false);
        }
    }

    public record SiteDrift(String resourceId, List<String> reasons) {
    }

    public record SitesChecked(List<SiteDrift> drifted, int reads, int minRemainingReads) {
    }

    public record Repair(String resourceId, boolean cluster, String reason) {
    }

    /**
     * {@code released}: untagged apps still joined to a Tether subnet; reported, never changed. {@code nearMisses}: an
     * app and a cluster whose link values differ only in letter case or whitespace, each with its message.
     * {@code services}: per cluster, its Services that drifted (opted in and not internal, or outside their subnet).
     */
    public record Report(int links, int clusters, int sites, int armReads, List<SiteDrift> drifted, List<String> waiting,
                         List<String> conflicts, List<String> released, List<String> repairsStarted, long virtualSeconds,
                         List<String> nearMisses, List<ServicesDrift> services) {
        public Report {
            nearMisses = nearMisses == null ? List.of() : nearMisses;
            services = services == null ? List.of() : services;
        }
    }

    /**
     * {@code repair}: whether the cluster's ReconcileServices instance has something to write; {@code guard}: whether
     * that includes the exposure guard (its pass then writes or removes the guard first).
     */
    public record ServicesDrift(String clusterId, List<String> reasons, boolean repair, boolean guard) {
    }
}
