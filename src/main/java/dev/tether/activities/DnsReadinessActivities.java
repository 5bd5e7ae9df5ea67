package dev.tether.activities;

import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.DnsCheck;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsPlan;
import dev.tether.plan.DeploymentFacts;
import dev.tether.plan.DnsReadiness;
import dev.tether.plan.RolloutStatus;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One readiness check of the cluster DNS, before the app is switched to it. Reads: the cluster's Services (tether-dns's
 * IP and every linked internal Service's IP, one list), the EndpointSlices of tether-dns, the CoreDNS Deployment, and,
 * only while its rollout is unfinished, the CoreDNS pods (to tell a crash loop from a slow start). Writes: the IP pin
 * once the IP is assigned, and, when the rollout failed for Tether's override, the marker that stops Tether restarting
 * CoreDNS for that override again.
 */
public final class DnsReadinessActivities {
    private static final Logger LOG = Logger.getLogger("dev.tether.activities");
    private static final String COREDNS_PODS = "k8s-app=kube-dns";

    private final ClusterConnector clusters;

    public DnsReadinessActivities(ClusterConnector clusters) {
        this.clusters = clusters;
    }

    public String observeDnsReadiness(String input) {
        DnsCheck check = Json.read(input, DnsCheck.class);
        try {
            return Json.write(observe(check));
        } catch (RejectedException e) {
            return Json.write(new DnsReadiness(null, false, false, e.getMessage(), List.of(), List.of()));
        }
    }

    DnsReadiness observe(DnsCheck check) {
        KubeGateway kube = clusters.gateway(check.clusterId());
        List<ServiceView> services = kube.services();
        Optional<ServiceView> dns = services.stream()
                .filter(s -> Conventions.KUBE_SYSTEM.equals(s.namespace()) && Conventions.DNS_SERVICE.equals(s.name())).findFirst();
        if (dns.isEmpty()) {
            return new DnsReadiness(null, false, false, "kube-system/" + Conventions.DNS_SERVICE
                    + " was deleted while Tether waited for the cluster DNS; rerun the link to recreate it", List.of(), List.of());
        }
        String ip = dns.get().ingressIp();
        String pinned = dns.get().shape().annotations().get(Conventions.ANNOTATION_LB_IPV4);
        String waitingFor = null;
        boolean pinnedNow = false;
        if (ip == null) {
            waitingFor = "the load balancer IP is still pending";
        } else if (pinned != null && !pinned.equals(ip)) {
            waitingFor = "the IP " + ip + " differs from the pinned " + pinned + "; the load balancer is being updated";
        } else if (pinned == null) {
            kube.patchService(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE,
                    Map.of("metadata", Map.of("annotations", Map.of(Conventions.ANNOTATION_LB_IPV4, ip))));
            pinnedNow = true;
        }
        List<DnsReadiness.Slice> slices = kube.endpointSlices(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
        Optional<DeploymentFacts> coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT);
        if (coredns.isEmpty()) {
            throw new RejectedException("COREDNS_MISSING", "deployment kube-system/" + Conventions.COREDNS_DEPLOYMENT
                    + " was not found; is this an AKS cluster with its CoreDNS add-on?");
        }
        RolloutStatus.Verdict rollout = RolloutStatus.judge(coredns.get());
        List<String> problems = rollout.done() ? List.of() : kube.podProblems(Conventions.KUBE_SYSTEM, COREDNS_PODS);
        DnsReadiness readiness = DnsReadiness.evaluate(ip, waitingFor, pinnedNow, slices, rollout, problems,
                DnsReadiness.names(services.stream().map(ServiceView::facts).toList(), check.domain()));
        if (readiness.failure() != null) {
            String hash = CorednsPlan.hash(CorednsPlan.overrideFor(check.domain()));
            if (!hash.equals(coredns.get().annotations().get(Conventions.ANNOTATION_ROLLOUT_FAILED))) {
                kube.patchDeploymentAnnotations(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT,
                        Map.of(Conventions.ANNOTATION_ROLLOUT_FAILED, hash));
            }
            StructuredLog.log(LOG, java.util.logging.Level.SEVERE, "dns.not-ready", Map.of("clusterId", check.clusterId(), "error", readiness.failure()));
        }
        return readiness;
    }
}
