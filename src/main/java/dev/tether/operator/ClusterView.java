package dev.tether.operator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.azure.ArmGateway;
import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.plan.Change;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsPlan;
import dev.tether.plan.DeploymentFacts;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.DnsReadiness;
import dev.tether.plan.Outcome;
import dev.tether.plan.ResourceId;
import dev.tether.plan.RolloutStatus;
import dev.tether.plan.ServiceIp;
import dev.tether.plan.SiteLinkPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads (never writes) what a cluster's link looks like now, for status and dry-run plans: tether-dns's IP, the DNS
 * readiness checks (Services list, EndpointSlices of tether-dns, CoreDNS Deployment: three reads), and each managed
 * Service with the name apps use, its IP and its state.
 */
final class ClusterView {
    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final String altDns;

    ClusterView(ArmGateway arm, ClusterConnector clusters, String altDns) {
        this.arm = arm;
        this.clusters = clusters;
        this.altDns = altDns;
    }

    /** The live state of the cluster's DNS and managed Services, as JSON for status. */
    ObjectNode read(String clusterId, String domain) {
        ObjectNode out = Json.mapper().createObjectNode();
        try {
            KubeGateway kube = clusters.gateway(clusterId);
            List<ServiceView> services = kube.services();
            Optional<ServiceView> dns = dns(services);
            String ip = dns.map(ServiceView::ingressIp).orElse(null);
            String pinned = dns.map(d -> d.shape().annotations().get(Conventions.ANNOTATION_LB_IPV4)).orElse(null);
            List<DnsReadiness.Slice> slices = dns.isPresent() ? kube.endpointSlices(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE) : List.of();
            Optional<DeploymentFacts> coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT);
            RolloutStatus.Verdict rollout = coredns.map(RolloutStatus::judge)
                    .orElse(new RolloutStatus.Verdict(false, true, "deployment kube-system/coredns was not found"));
            String waiting = dns.isEmpty() ? "kube-system/" + Conventions.DNS_SERVICE + " does not exist" : ip == null ? "the load balancer IP is still pending"
                    : pinned == null ? "IP " + ip + " is not pinned yet" : !pinned.equals(ip) ? "IP " + ip + " differs from the pinned " + pinned : null;
            DnsReadiness r = DnsReadiness.evaluate(ip, waiting, false, slices, rollout, List.of(),
                    DnsReadiness.names(services.stream().map(ServiceView::facts).toList(), domain));
            out.put("dnsIp", ip);
            out.put("ready", r.ready());
            out.set("readiness", Json.mapper().valueToTree(r.progress()));
            ArrayNode svcs = out.putArray("services");
            for (ServiceView v : services) {
                boolean managed = Conventions.MANAGED_BY_TETHER.equals(v.shape().labels().get(Conventions.LABEL_MANAGED_BY))
                        || "true".equals(v.shape().annotations().get(Conventions.ANNOTATION_PRIVATE));
                if (!managed || (Conventions.KUBE_SYSTEM.equals(v.namespace()) && Conventions.DNS_SERVICE.equals(v.name()))) {
                    continue;
                }
                ServiceIp s = ServiceIp.judge(v.facts(), domain, null);
                svcs.addObject().put("service", s.service()).put("name", s.name()).put("ip", s.ip()).put("state", s.state());
            }
        } catch (RejectedException e) {
            out.put("error", e.getMessage());
        }
        return out;
    }

    private static Optional<ServiceView> dns(List<ServiceView> services) {
        return services.stream().filter(s -> Conventions.KUBE_SYSTEM.equals(s.namespace()) && Conventions.DNS_SERVICE.equals(s.name())).findFirst();
    }

    /**
     * The plan's cluster-dns and app-settings rows as they stand: UNCHANGED "nothing to do" when tether-dns has its IP
     * pinned, CoreDNS runs the override and the app already points at that IP; otherwise what is left to do.
     * Reads: tether-dns, the CoreDNS Deployment, and the app's settings (only when the DNS IP is known).
     */
    SiteLinkPlan converged(SiteLinkPlan plan) {
        if (plan.status() != SiteLinkPlan.Status.READY) {
            return plan;
        }
        KubeGateway kube = clusters.gateway(plan.clusterId());
        Optional<ServiceView> dns = kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
        String ip = dns.map(ServiceView::ingressIp).orElse(null);
        boolean pinned = ip != null && ip.equals(dns.get().shape().annotations().get(Conventions.ANNOTATION_LB_IPV4));
        boolean restarted = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT)
                .map(d -> CorednsPlan.hash(CorednsPlan.overrideFor(plan.domain())).equals(d.templateAnnotations().get(Conventions.ANNOTATION_OVERRIDE_HASH)))
                .orElse(false);
        List<Change> changes = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c.step().equals("cluster-dns") && dns.isPresent() && pinned && restarted) {
                changes.add(new Change(c.step(), c.target(), Outcome.UNCHANGED, "nothing to do: tether-dns " + ip
                        + " (pinned), CoreDNS runs k8s_external " + plan.domain()));
            } else if (c.step().equals("app-settings") && pinned) {
                Map<String, String> settings = arm.appSettings(ResourceId.parse(plan.siteId()));
                boolean same = DnsPlan.merge(settings, ip, altDns).isEmpty();
                changes.add(same ? new Change(c.step(), c.target(), Outcome.UNCHANGED, "nothing to do: "
                        + Conventions.SETTING_DNS_SERVER + " is " + ip)
                        : new Change(c.step(), c.target(), settings.containsKey(Conventions.SETTING_DNS_SERVER) ? Outcome.UPDATED : Outcome.CREATED,
                        "set " + Conventions.SETTING_DNS_SERVER + " to " + ip + " once the cluster DNS answers, keeping every other setting"));
            } else {
                changes.add(c);
            }
        }
        return new SiteLinkPlan(plan.siteId(), plan.link(), plan.status(), plan.message(), plan.clusterId(), plan.domain(), plan.subnet(),
                changes, plan.findings(), plan.dns(), plan.routeAll());
    }
}
