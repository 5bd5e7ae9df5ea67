package dev.tether.orchestration;

import dev.tether.plan.SubnetDecision;

/** The small inputs of single steps. */
public final class Messages {
    private Messages() {
    }

    public record EnsureSubnet(SubnetDecision decision) {
    }

    /** {@code routeAllOn}: also turn route-all on (the plan found it needed); Tether never turns it off. */
    public record JoinSubnet(String siteId, String subnetId, boolean routeAllOn) {
    }

    public record ClusterDns(String clusterId, String domain, String link) {
    }

    public record RestartCoredns(String clusterId, String domain, String at) {
    }

    /** {@code replaceForeign}: the app allows Tether to replace a DNS server it did not set (tag private-link-dns-replace=true). */
    public record DnsSetting(String siteId, String dnsIp, boolean replaceForeign, Ownership ownership) {
        public DnsSetting(String siteId, String dnsIp, boolean replaceForeign) {
            this(siteId, dnsIp, replaceForeign, null);
        }
    }

    /**
     * What the ownership record of a link's DNS write says (plan/OwnershipRecord): this pass's subnet, route-all and the
     * slot-setting names its plan found unmarked and marked ({@code SiteLinkPlan.DnsDecision.slotSettingsMarked}).
     */
    public record Ownership(String link, String subnet, boolean subnetCreated, boolean routeAllOn, java.util.List<String> slotMarks) {
        public Ownership {
            slotMarks = slotMarks == null ? java.util.List.of() : java.util.List.copyOf(slotMarks);
        }

        public Ownership(String link, String subnet, boolean subnetCreated, boolean routeAllOn) {
            this(link, subnet, subnetCreated, routeAllOn, java.util.List.of());
        }
    }

    /** Mark Tether's DNS settings as slot settings of the site of {@code siteId} (a site or slot). */
    public record SlotSettingsMark(String siteId) {
    }

    /** The exposure guard of a cluster: written for {@code policy} when {@code enabled}, removed otherwise. */
    public record Guard(String clusterId, dev.tether.plan.ClusterPolicy policy, boolean enabled) {
    }

    public record ApplyService(String clusterId, String service, dev.tether.plan.ClusterPolicy policy) {
    }

    public record SignalSites(String clusterId, String link, String dnsIp, LinkOptions options) {
    }
}
