package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.ClusterState;
import dev.tether.plan.ClusterUnlinkPlan;
import dev.tether.plan.ConfigMapState;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsPlan;
import dev.tether.plan.DeploymentFacts;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
import dev.tether.plan.Outcome;
import dev.tether.plan.ResourceId;
import dev.tether.plan.RolloutStatus;
import dev.tether.plan.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster unlink (docs/UNLINK.md), one small method per step, each re-observing before it writes so that a crash,
 * a retry or a second unlink writes nothing more: delete tether.override, restart CoreDNS, watch its rollout, delete
 * tether-dns once no app points at its IP. The exposure guard goes through the link's own guard step.
 */
public final class ClusterUnlinkActivities {
    private static final String COREDNS_PODS = "k8s-app=kube-dns";
    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final TetherConfig config;

    public ClusterUnlinkActivities(ArmGateway arm, ClusterConnector clusters, TetherConfig config) {
        this.arm = arm;
        this.clusters = clusters;
        this.config = config;
    }

    /** Inputs of the single steps. */
    public record Override(String clusterId, String valueAtPlan, boolean force) {
    }

    public record Restart(String clusterId, String at) {
    }

    public record DnsService(String clusterId, String dnsIp) {
    }

    /** Step 5's input: one Service to restore, the patch the plan made for it, and the request's force. */
    public record ServiceRestore(String clusterId, String service, Map<String, Object> patchAtPlan, boolean force) {
    }

    /** The rollout of CoreDNS after the restart: done, failed (with the reason), or still going. */
    public record Rollout(boolean done, boolean failed, String message) {
    }

    public String planClusterUnlink(String input) {
        LinkRequest request = Json.read(input, LinkRequest.class);
        try {
            return Json.write(observe(request.resourceId(), request.forced(), request.restoresServices()));
        } catch (RejectedException | InvalidInputException e) {
            return Json.write(new ClusterUnlinkPlan(request.resourceId(), ClusterUnlinkPlan.Status.REFUSED, e.getMessage(), null, null, false, false,
                    null, null, null, null));
        }
    }

    /**
     * Observes the cluster (ARM, then coredns-custom, CoreDNS, tether-dns, the Services, the apps on its IP) and plans.
     * Reads only. With {@code restoreServices} the plan also restores each Service carrying Tether's record (no extra read).
     */
    public ClusterUnlinkPlan observe(String clusterId, boolean force, boolean restoreServices) {
        ResourceId id = ResourceId.parse(clusterId);
        Optional<ClusterState> cluster = arm.cluster(id);
        if (cluster.isEmpty() || stillTagged(cluster.get())) {
            return ClusterUnlinkPlan.plan(clusterId, cluster.orElse(null), null, null, null, null, List.of(), List.of(), force);
        }
        KubeGateway kube = clusters.gateway(clusterId);
        ConfigMapState coredns = kube.configMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM).orElse(null);
        String stamped = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT)
                .map(d -> d.templateAnnotations().get(Conventions.ANNOTATION_OVERRIDE_HASH)).orElse(null);
        Optional<ServiceView> dns = kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
        String ip = dns.map(ServiceView::ingressIp).orElse(null);
        List<String> apps = ip == null || dns.get().shape().labels().get(Conventions.LABEL_MANAGED_BY) == null ? List.of() : appsUsing(id, ip);
        List<ServiceView> recorded = kube.services().stream().filter(s -> s.shape().annotations().containsKey(Conventions.ANNOTATION_PRIOR_TYPE)).toList();
        List<String> internal = recorded.stream().map(s -> s.namespace() + "/" + s.name()).sorted().toList();
        return ClusterUnlinkPlan.plan(clusterId, cluster.get(), coredns, stamped, dns.map(ServiceView::shape).orElse(null), ip, apps, internal,
                restoreServices ? recorded.stream().map(ServiceView::facts).toList() : null, force);
    }

    private static boolean stillTagged(ClusterState cluster) {
        try {
            return Tags.link(cluster.tags()).isPresent();
        } catch (InvalidInputException e) {
            return true;
        }
    }

    /**
     * The apps whose effective DNS server is {@code ip}, among those that can point at this cluster: the untagged apps
     * still joined to a Tether subnet (the drift scan's released query: an app mid-unlink, or untagged and not unlinked)
     * and the tagged apps of a link no tagged cluster serves any more (Resource Graph inventory), each read once.
     */
    List<String> appsUsing(ResourceId cluster, String ip) {
        List<String> subs = new ArrayList<>(config.subscriptions());
        if (subs.stream().noneMatch(s -> s.equalsIgnoreCase(cluster.subscriptionId()))) {
            subs.add(cluster.subscriptionId());
        }
        List<InventoryItem> items = arm.inventory(subs);
        Set<String> served = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        items.stream().filter(InventoryItem::isCluster).forEach(c -> link(c).ifPresent(served::add));
        Map<String, InventoryItem> candidates = new LinkedHashMap<>();
        arm.released(subs, config.subnetNamePrefix()).forEach(i -> candidates.put(i.id().toLowerCase(java.util.Locale.ROOT), i));
        items.stream().filter(i -> !i.isCluster()).filter(i -> link(i).map(l -> !served.contains(l)).orElse(false))
                .forEach(i -> candidates.putIfAbsent(i.id().toLowerCase(java.util.Locale.ROOT), i));
        List<String> out = new ArrayList<>();
        for (InventoryItem app : candidates.values()) {
            Map<String, String> settings = arm.appSettings(ResourceId.parse(app.id()));
            if (DnsPlan.effective(app.siteDnsServers(), settings).contains(ip)) {
                out.add(ResourceId.parse(app.id()).name() + " (" + app.id() + ")");
            }
        }
        return out;
    }

    private static Optional<String> link(InventoryItem item) {
        try {
            return Tags.link(item.tags());
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** Step 1: tether.override and its ownership annotation, removed in one merge patch of those alone. */
    public String deleteOverride(String input) {
        Override r = Json.read(input, Override.class);
        return ActivityStep.run("coredns-override", () -> {
            KubeGateway kube = clusters.gateway(r.clusterId());
            Optional<ConfigMapState> cm = kube.configMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM);
            String now = cm.map(c -> c.data().get(Conventions.OVERRIDE_KEY)).orElse(null);
            if (now == null) {
                return StepResult.done("coredns-override", Outcome.UNCHANGED, Conventions.OVERRIDE_KEY + " is not in kube-system/" + Conventions.COREDNS_CUSTOM);
            }
            if (!now.equals(r.valueAtPlan())) {
                return StepResult.refused("coredns-override", "kube-system/" + Conventions.COREDNS_CUSTOM + " key " + Conventions.OVERRIDE_KEY
                        + " changed since the unlink was planned. Fix: check who changed it, then ask for the unlink again");
            }
            Map<String, String> data = new HashMap<>();
            data.put(Conventions.OVERRIDE_KEY, null); // a JSON merge patch removes a key with null (RFC 7386)
            Map<String, String> annotations = new LinkedHashMap<>();
            String owns = cm.get().annotations().get(Conventions.ANNOTATION_OWNS_KEYS);
            if (owns != null) {
                List<String> rest = java.util.Arrays.stream(owns.split(",")).map(String::trim)
                        .filter(k -> !k.isEmpty() && !k.equals(Conventions.OVERRIDE_KEY)).toList();
                annotations.put(Conventions.ANNOTATION_OWNS_KEYS, rest.isEmpty() ? null : String.join(",", rest));
            }
            if (cm.get().annotations().containsKey(Conventions.ANNOTATION_LINK)) {
                annotations.put(Conventions.ANNOTATION_LINK, null); // the link name goes with the key it describes
            }
            kube.patchConfigMap(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM, data, annotations);
            return StepResult.done("coredns-override", Outcome.DELETED, "deleted " + Conventions.OVERRIDE_KEY + "; kept "
                    + (cm.get().data().size() - 1) + " other keys");
        });
    }

    /**
     * Step 2: restart CoreDNS once to unload the override. Level-triggered: the pod template then carries the hash of
     * the empty override, so a retry or a second unlink sees it restarted.
     */
    public String restartCoredns(String input) {
        Restart r = Json.read(input, Restart.class);
        return ActivityStep.run("coredns-restart", () -> {
            KubeGateway kube = clusters.gateway(r.clusterId());
            DeploymentFacts coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT).orElseThrow(() -> new RejectedException(
                    "COREDNS_MISSING", "deployment kube-system/" + Conventions.COREDNS_DEPLOYMENT + " was not found; is this an AKS cluster with its CoreDNS add-on?"));
            if (CorednsPlan.NO_OVERRIDE_HASH.equals(coredns.templateAnnotations().get(Conventions.ANNOTATION_OVERRIDE_HASH))) {
                return StepResult.done("coredns-restart", Outcome.UNCHANGED, "CoreDNS was restarted without the override");
            }
            kube.patchPodTemplateAnnotations(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT,
                    Map.of(Conventions.ANNOTATION_RESTARTED_AT, r.at(), Conventions.ANNOTATION_OVERRIDE_HASH, CorednsPlan.NO_OVERRIDE_HASH));
            return StepResult.done("coredns-restart", Outcome.UPDATED, "rolling restart of CoreDNS to unload the override");
        });
    }

    /** The CoreDNS rollout, as {@code kubectl rollout status} judges it, with the pods' problems while it is unfinished. Reads only. */
    public String observeRollout(String input) {
        String clusterId = Json.read(input, String.class);
        KubeGateway kube = clusters.gateway(clusterId);
        DeploymentFacts coredns = kube.deployment(Conventions.KUBE_SYSTEM, Conventions.COREDNS_DEPLOYMENT).orElseThrow(() -> new RejectedException(
                "COREDNS_MISSING", "deployment kube-system/" + Conventions.COREDNS_DEPLOYMENT + " was not found"));
        RolloutStatus.Verdict v = RolloutStatus.judge(coredns);
        if (v.done() || v.failed()) {
            return Json.write(new Rollout(v.done(), v.failed(), v.message()));
        }
        List<String> problems = kube.podProblems(Conventions.KUBE_SYSTEM, COREDNS_PODS);
        boolean crashing = problems.stream().anyMatch(p -> p.contains("CrashLoopBackOff"));
        return Json.write(new Rollout(false, crashing, v.message() + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")")));
    }

    /**
     * Step 5 (restoreServices only, after the exposure guard is gone): one Service back to its recorded type, re-read and
     * re-planned right before its one merge patch. A Service changed since the plan (its patch differs) is refused, not
     * overwritten, unless force; one already restored (no record left) or gone writes nothing. The API server's refusal
     * (an admission policy that is not Tether's) is reported as this Service's refusal.
     */
    public String restoreService(String input) {
        ServiceRestore r = Json.read(input, ServiceRestore.class);
        String step = "restore-service";
        return ActivityStep.run(step, () -> {
            KubeGateway kube = clusters.gateway(r.clusterId());
            String[] ns = r.service().split("/", 2);
            Optional<ServiceView> svc = kube.service(ns[0], ns[1]);
            if (svc.isEmpty()) {
                return StepResult.done(step, Outcome.UNCHANGED, r.service() + " no longer exists");
            }
            if (!dev.tether.plan.ServiceRestorePlan.recorded(svc.get().facts())) {
                return StepResult.done(step, Outcome.UNCHANGED, r.service() + " carries no " + Conventions.ANNOTATION_PRIOR_TYPE + ": already restored");
            }
            dev.tether.plan.ServiceRestorePlan now = dev.tether.plan.ServiceRestorePlan.plan(svc.get().facts(), r.force());
            if (now.error() != null) {
                return StepResult.refused(step, now.error());
            }
            if (!r.force() && !Json.mapper().valueToTree(now.patch()).equals(Json.mapper().valueToTree(r.patchAtPlan()))) {
                return StepResult.refused(step, r.service() + " changed since the unlink was planned; kept internal. Fix: check who changed it,"
                        + " then ask again (with force to restore anyway)");
            }
            kube.patchService(ns[0], ns[1], now.patch());
            return StepResult.done(step, Outcome.UPDATED, now.reason().replaceFirst("^restore ", "restored "));
        });
    }

    /** Step 3: delete tether-dns, re-checking at write time that it is Tether's and that no app points at its IP. */
    public String deleteDnsService(String input) {
        DnsService r = Json.read(input, DnsService.class);
        return ActivityStep.run("dns-service", () -> {
            KubeGateway kube = clusters.gateway(r.clusterId());
            Optional<ServiceView> dns = kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
            if (dns.isEmpty()) {
                return StepResult.done("dns-service", Outcome.UNCHANGED, "kube-system/" + Conventions.DNS_SERVICE + " does not exist");
            }
            if (!Conventions.MANAGED_BY_TETHER.equals(dns.get().shape().labels().get(Conventions.LABEL_MANAGED_BY))) {
                return StepResult.refused("dns-service", "kube-system/" + Conventions.DNS_SERVICE + " is no longer labelled "
                        + Conventions.LABEL_MANAGED_BY + "=" + Conventions.MANAGED_BY_TETHER + "; Tether will not delete it");
            }
            String ip = dns.get().ingressIp() != null ? dns.get().ingressIp() : r.dnsIp();
            List<String> apps = ip == null ? List.of() : appsUsing(ResourceId.parse(r.clusterId()), ip);
            if (!apps.isEmpty()) {
                return StepResult.refused("dns-service", "kept kube-system/" + Conventions.DNS_SERVICE + ": " + String.join(", ", apps)
                        + " now " + (apps.size() == 1 ? "uses " : "use ") + ip + " as DNS server. Fix: unlink " + (apps.size() == 1 ? "that app" : "those apps")
                        + ", then ask for the cluster's unlink again");
            }
            kube.deleteService(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE);
            return StepResult.done("dns-service", Outcome.DELETED, "deleted kube-system/" + Conventions.DNS_SERVICE
                    + (ip == null ? "" : " (" + ip + "; no app uses it)"));
        });
    }
}
