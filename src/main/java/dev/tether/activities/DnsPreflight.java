package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.ServiceView;
import dev.tether.plan.Change;
import dev.tether.plan.Conventions;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.Finding;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.plan.SiteState;
import dev.tether.plan.Tags;

import java.util.List;
import java.util.Map;

/**
 * The DNS part of a site's pre-flight: reads the app settings (and tether-dns's IP only when the app already names a DNS
 * server), then asks {@link DnsPlan} whether the app's effective DNS server may become Tether's. Reads only.
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
        String named = settings.get(Conventions.SETTING_DNS_SERVER);
        String inPlace = named != null && DnsPlan.merge(settings, named, config.altDnsServer()).isEmpty() ? named : null;
        return planned.withDns(new SiteLinkPlan.DnsDecision(Tags.flag(replaceTag, Conventions.TAG_DNS_REPLACE), check.replaced(), inPlace),
                new Change("app-settings", site.id(), null, reason));
    }

    /** The IP tether-dns answers on (pinned, else assigned), or null when the cluster has none yet. */
    private String tetherDnsIp(String clusterId) {
        return clusters.gateway(clusterId).service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE)
                .map(ServiceView::ingressIp).orElse(null);
    }
}
