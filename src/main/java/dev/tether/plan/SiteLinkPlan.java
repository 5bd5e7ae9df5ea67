package dev.tether.plan;

import java.util.List;

/**
 * The dry-run result for one site or slot: where it stands, what would change and why, and the pre-flight findings.
 * {@code subnet} and {@code clusterId} are set only when the status is READY.
 */
public record SiteLinkPlan(String siteId, String link, Status status, String message, String clusterId, String domain,
                           SubnetDecision subnet, List<Change> changes, List<Finding> findings, DnsDecision dns,
                           RouteAllPlan.Decision routeAll) {

    /**
     * How the DNS setting may be written: {@code replaceForeign} when the app allows Tether to replace a DNS server it did
     * not set (tag private-link-dns-replace=true), and {@code previous} the foreign values the plan saw (recorded so an
     * unlink can restore them). {@code slotSettingsMarked} names the DNS settings this pass marks as slot settings
     * (config/slotConfigNames): Tether's own marks, recorded so that an unlink removes only those; empty when every name
     * was marked already (by an earlier pass or by the user: either way not this pass's to record). {@code inPlaceIp}:
     * the DNS server the app settings already named, exactly as Tether would write them (the alternate included), when
     * the plan read them; null otherwise. A pass whose cluster DNS answers on that IP has nothing to write and does not
     * read the settings again.
     */
    public record DnsDecision(boolean replaceForeign, java.util.Map<String, String> previous, List<String> slotSettingsMarked,
                              String inPlaceIp) {
        public DnsDecision {
            previous = previous == null ? java.util.Map.of() : java.util.Map.copyOf(previous);
            slotSettingsMarked = slotSettingsMarked == null ? List.of() : List.copyOf(slotSettingsMarked);
        }

        public DnsDecision(boolean replaceForeign, java.util.Map<String, String> previous) {
            this(replaceForeign, previous, List.of(), null);
        }
    }

    /** Whether the app settings the plan read already name {@code dnsIp} as Tether would write them. */
    public boolean dnsSettingInPlace(String dnsIp) {
        return dns != null && dnsIp != null && dnsIp.equals(dns.inPlaceIp());
    }

    public SiteLinkPlan(String siteId, String link, Status status, String message, String clusterId, String domain,
                        SubnetDecision subnet, List<Change> changes, List<Finding> findings) {
        this(siteId, link, status, message, clusterId, domain, subnet, changes, findings, null, null);
    }

    /**
     * This plan with the DNS decision: each of {@code replacing} replaces the change of its step, or, when the plan has
     * none, goes in right before the app-settings change.
     */
    public SiteLinkPlan withDns(DnsDecision decision, Change... replacing) {
        List<Change> out = new java.util.ArrayList<>(changes);
        for (Change change : replacing) {
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).step().equals(change.step())) {
                    at = i;
                }
            }
            if (at >= 0) {
                out.set(at, change);
            } else {
                int settings = out.stream().map(Change::step).toList().indexOf("app-settings");
                out.add(settings < 0 ? out.size() : settings, change);
            }
        }
        return new SiteLinkPlan(siteId, link, status, message, clusterId, domain, subnet, out, findings, decision, routeAll);
    }

    public enum Status {
        /** Everything checked: the changes can be applied. */
        READY,
        /** No cluster carries the link name yet; nothing to do until one does. */
        WAITING,
        /** A pre-flight error: nothing is written until the user fixes it. */
        REJECTED,
        /** The resource no longer exists. */
        GONE,
        /** The resource does not carry the private-link tag. */
        NOT_TAGGED
    }

    public SiteLinkPlan {
        changes = changes == null ? List.of() : List.copyOf(changes);
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    /** Whether the site step turns route-all on (false when the plan did not decide it). */
    public boolean turnsRouteAllOn() {
        return routeAll != null && routeAll.turnOn();
    }

    /** The planned action of a step, or null when the plan does not decide it (it is decided when the step runs). */
    public Outcome actionOf(String step) {
        return changes.stream().filter(c -> c.step().equals(step)).map(Change::action).findFirst().orElse(null);
    }

    public static SiteLinkPlan without(String siteId, String link, Status status, String message, List<Finding> findings) {
        return new SiteLinkPlan(siteId, link, status, message, null, null, null, List.of(), findings);
    }
}
