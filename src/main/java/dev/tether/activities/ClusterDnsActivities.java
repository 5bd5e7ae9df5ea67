package dev.tether.activities;

import dev.tether.durable.Json;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.orchestration.Messages;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsChecks;
import dev.tether.plan.CorednsPlan;
import dev.tether.plan.DnsServicePlan;
import dev.tether.plan.Finding;
import dev.tether.plan.Outcome;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster side of a link, one small method per step: the internal DNS Service, the CoreDNS override, and the
 * CoreDNS restart that loads it. Each observes, asks plan/ what differs, and writes only that. Input and output are
 * JSON text.
 */
public final class ClusterDnsActivities {
    private final ClusterConnector clusters;

    public ClusterDnsActivities(ClusterConnector clusters) {
        this.clusters = clusters;
    }

    public String ensureDnsService(String input) {
        String clusterId = Json.read(input, String.class);
        return ActivityStep.run("dns-service", () -> {
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
        return ActivityStep.run("coredns-override", () -> {
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
        return ActivityStep.run("coredns-restart", () -> {
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
}
