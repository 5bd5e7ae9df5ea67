package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.ServiceView;
import dev.tether.plan.Change;
import dev.tether.plan.Conventions;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.Finding;
import dev.tether.plan.Outcome;
import dev.tether.plan.SlotSettings;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.plan.SiteState;
import dev.tether.plan.Tags;

import java.util.List;
import java.util.Map;

/**
 * The DNS part of a site's pre-flight: reads the app settings (and tether-dns's IP only when the app already names a DNS
 * server), then asks {@link DnsPlan} whether the app's effective DNS server may become Tether's, and reads the site's
 * slot settings to plan the mark that keeps the DNS settings with their slot in a swap. Reads only.
 */
final class DnsPreflight {
    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final TetherConfig config;

    DnsPreflight(ArmGateway arm, ClusterConnector clusters, TetherConfig config) {
        this.arm = arm;
        this.clusters = clusters;
        this.config = config;
    }

    SiteLinkPlan apply(SiteLinkPlan planned, SiteState site) {
        Map<String, String> settings = arm.appSettings(ResourceId.parse(site.id()));
        boolean namesDns = !site.dnsServers().isEmpty() || !DnsPlan.keysOf(settings, Conventions.SETTING_DNS_SERVER).isEmpty()
                || !DnsPlan.keysOf(settings, Conventions.SETTING_DNS_ALT_SERVER).isEmpty();
        String tetherIp = namesDns ? tetherDnsIp(planned.clusterId()) : null;
        String replaceTag = Tags.get(site.tags(), Conventions.TAG_DNS_REPLACE).orElse(null);
        DnsPlan.Preflight check = DnsPlan.check(site.name(), site.dnsServers(), settings, tetherIp, config.altDnsServer(), replaceTag);
        if (check.error().isPresent()) {
            Finding f = check.error().get();
            return SiteLinkPlan.without(planned.siteId(), planned.link(), SiteLinkPlan.Status.REJECTED, f.describe(), List.of(f));
        }
        String reason = "set " + Conventions.SETTING_DNS_SERVER + " to the IP of " + Conventions.DNS_SERVICE
                + " once it is assigned, keeping every other setting"
                + (check.replaced().isEmpty() ? "" : "; replaces " + DnsPlan.describe(check.replaced()) + " (tag "
                + Conventions.TAG_DNS_REPLACE + "=true; old value recorded for an unlink)");
        // The site's slot settings: one list for the site and its slots, read here so that a pass with nothing to mark
        // costs no second read (the step runs only when a name is missing, and re-reads before it writes).
        List<String> wanted = SlotSettings.tetherNames(config.altDnsServer());
        List<String> missing = arm.slotSettings(ResourceId.parse(site.id())).missing(wanted);
        String siteId = ArmGateway.siteOf(ResourceId.parse(site.id())).toString();
        Change slotSettings = missing.isEmpty()
                ? new Change(SlotSettingsStep.STEP, siteId, Outcome.UNCHANGED, "nothing to do: " + String.join(", ", wanted)
                + (wanted.size() == 1 ? " is a slot setting" : " are slot settings") + " of the site (config/slotConfigNames)")
                : new Change(SlotSettingsStep.STEP, siteId, Outcome.UPDATED, SlotSettingsStep.why(missing));
        String named = settings.get(Conventions.SETTING_DNS_SERVER);
        String inPlace = named != null && DnsPlan.merge(settings, named, config.altDnsServer()).isEmpty() ? named : null;
        return planned.withDns(new SiteLinkPlan.DnsDecision(Tags.flag(replaceTag, Conventions.TAG_DNS_REPLACE), check.replaced(), missing, inPlace),
                slotSettings, new Change("app-settings", site.id(), null, reason));
    }

    /** The IP tether-dns answers on (pinned, else assigned), or null when the cluster has none yet. */
    private String tetherDnsIp(String clusterId) {
        return clusters.gateway(clusterId).service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE)
                .map(ServiceView::ingressIp).orElse(null);
    }
}
