package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.Messages;
import dev.tether.orchestration.ServicesPlan;
import dev.tether.orchestration.ServicesRequest;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.ClusterPolicy;
import dev.tether.plan.ClusterState;
import dev.tether.plan.ExposureGuardPlan;
import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.Outcome;
import dev.tether.plan.ResourceId;
import dev.tether.plan.ServiceDecision;
import dev.tether.plan.ServiceExposurePlanner;
import dev.tether.plan.ServiceIp;
import dev.tether.plan.SubnetState;
import dev.tether.plan.Tags;
import dev.tether.plan.VnetState;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** The Service steps: observe a cluster's Services and plan each (reads only), then make one Service internal. */
public final class ServiceActivities {
    private static final Logger LOG = Logger.getLogger("dev.tether.activities");

    private final ArmGateway arm;
    private final ClusterConnector clusters;

    public ServiceActivities(ArmGateway arm, ClusterConnector clusters) {
        this.arm = arm;
        this.clusters = clusters;
    }

    public String planServices(String input) {
        ServicesRequest request = Json.read(input, ServicesRequest.class);
        try {
            return Json.write(observe(request.clusterId(), request.service()));
        } catch (RejectedException | InvalidInputException e) {
            return Json.write(new ServicesPlan(request.clusterId(), ServicesPlan.Status.REJECTED, e.getMessage(), null, List.of()));
        }
    }

    /** Reads the cluster and its Services and plans every one Tether manages. Writes nothing: also the dry run. */
    public ServicesPlan observe(String clusterId, String onlyService) {
        ResourceId id = ResourceId.parse(clusterId);
        Optional<ClusterState> cluster = arm.cluster(id);
        if (cluster.isEmpty()) {
            return new ServicesPlan(clusterId, ServicesPlan.Status.GONE, "cluster " + clusterId + " no longer exists", null, List.of());
        }
        if (Tags.link(cluster.get().tags()).isEmpty()) {
            return new ServicesPlan(clusterId, ServicesPlan.Status.NOT_LINKED, "cluster " + cluster.get().name() + " has no "
                    + Conventions.TAG_LINK + " tag; Tether leaves its Services alone", null, List.of());
        }
        ClusterPolicy policy = ClusterPolicy.of(cluster.get().tags());
        boolean guard = ExposureGuardPlan.enabled(cluster.get().tags());
        KubeGateway kube = clusters.gateway(clusterId);
        List<ServiceView> services;
        if (onlyService == null) {
            services = kube.services();
        } else {
            String[] key = onlyService.split("/", 2);
            Optional<ServiceView> one = key.length == 2 ? kube.service(key[0], key[1]) : Optional.empty();
            if (one.isEmpty()) {
                return new ServicesPlan(clusterId, ServicesPlan.Status.READY, "Service " + onlyService
                        + " no longer exists in cluster " + cluster.get().name() + "; nothing to do", policy, List.of(), guard);
            }
            services = List.of(one.get());
        }
        Set<String> subnets = services.stream().anyMatch(s -> s.shape().annotations().containsKey(Conventions.ANNOTATION_INTERNAL_SUBNET))
                ? subnetNames(cluster.get()) : null;
        List<ServiceDecision> decisions = services.stream()
                .filter(s -> !(Conventions.KUBE_SYSTEM.equals(s.namespace()) && Conventions.DNS_SERVICE.equals(s.name())))
                .map(s -> ServiceExposurePlanner.plan(s.facts(), policy, subnets))
                .filter(ServiceDecision::managed).toList();
        return new ServicesPlan(clusterId, ServicesPlan.Status.READY, decisions.size() + " managed Service(s) under policy "
                + policy.name().toLowerCase().replace('_', '-'), policy, decisions, guard);
    }

    private Set<String> subnetNames(ClusterState cluster) {
        if (cluster.nodeSubnetIds().isEmpty()) {
            return null;
        }
        String vnetId = ResourceId.parse(cluster.nodeSubnetIds().get(0)).parent().toString();
        return arm.vnet(vnetId).map(VnetState::subnets).map(l -> l.stream().map(SubnetState::name).collect(Collectors.toSet())).orElse(null);
    }

    /**
     * Writes, updates or removes the exposure guard (policy, then binding; removal in the reverse order, so a binding
     * never names a missing policy). Each object is read first and written only when it differs.
     */
    public String ensureExposureGuard(String input) {
        Messages.Guard guard = Json.read(input, Messages.Guard.class);
        String step = "exposure-guard";
        StepResult result;
        try {
            KubeGateway kube = clusters.gateway(guard.clusterId());
            Map<String, String> labels = Map.of(Conventions.LABEL_MANAGED_BY, Conventions.MANAGED_BY_TETHER);
            List<KubeGateway.GuardKind> order = guard.enabled()
                    ? List.of(KubeGateway.GuardKind.ValidatingAdmissionPolicy, KubeGateway.GuardKind.ValidatingAdmissionPolicyBinding)
                    : List.of(KubeGateway.GuardKind.ValidatingAdmissionPolicyBinding, KubeGateway.GuardKind.ValidatingAdmissionPolicy);
            List<ExposureGuardPlan.Decision> decisions = new java.util.ArrayList<>();
            List<Map<String, Object>> specs = new java.util.ArrayList<>();
            for (KubeGateway.GuardKind kind : order) {
                Map<String, Object> desired = !guard.enabled() ? null : kind == KubeGateway.GuardKind.ValidatingAdmissionPolicy
                        ? ExposureGuardPlan.policySpec(guard.policy()) : ExposureGuardPlan.bindingSpec(guard.policy());
                ExposureGuardPlan.Decision d = ExposureGuardPlan.decide(kind.name(), kube.guardObject(kind, ExposureGuardPlan.NAME)
                        .map(ServiceActivities::observedGuard).orElse(null), desired);
                if (d.error() != null) {
                    throw new InvalidInputException(d.error()); // before any write: both objects are checked first
                }
                decisions.add(d);
                specs.add(desired);
            }
            for (int i = 0; i < order.size(); i++) {
                KubeGateway.GuardKind kind = order.get(i);
                switch (decisions.get(i).action()) {
                    case CREATE -> kube.createGuardObject(kind, ExposureGuardPlan.NAME, labels, specs.get(i));
                    case PATCH -> kube.patchGuardObject(kind, ExposureGuardPlan.NAME, labels, specs.get(i));
                    case DELETE -> kube.deleteGuardObject(kind, ExposureGuardPlan.NAME);
                    case NONE -> {
                    }
                }
            }
            boolean created = decisions.stream().anyMatch(d -> d.action() == ExposureGuardPlan.Action.CREATE);
            boolean changed = decisions.stream().anyMatch(d -> d.action() != ExposureGuardPlan.Action.NONE);
            String detail = decisions.stream().map(d -> d.kind() + " " + d.action().name().toLowerCase()).collect(Collectors.joining(", "))
                    + (guard.enabled() ? "; guard " + ExposureGuardPlan.NAME + " "
                    + (guard.policy() == ClusterPolicy.AUDIT ? "warns" : "denies") + " under policy " + guard.policy().name().toLowerCase().replace('_', '-')
                    : "; no guard (tag " + Conventions.TAG_GUARD + " is not true)");
            result = StepResult.done(step, created ? Outcome.CREATED : changed ? Outcome.UPDATED : Outcome.UNCHANGED, detail);
        } catch (RejectedException | InvalidInputException e) {
            result = StepResult.refused(step, e.getMessage());
        }
        return logged(step, result);
    }

    @SuppressWarnings("unchecked")
    static ExposureGuardPlan.Observed observedGuard(Map<String, Object> object) {
        Map<String, Object> meta = (Map<String, Object>) object.getOrDefault("metadata", Map.of());
        Map<String, Object> labels = (Map<String, Object>) meta.getOrDefault("labels", Map.of());
        return new ExposureGuardPlan.Observed(Conventions.MANAGED_BY_TETHER.equals(labels == null ? null : labels.get(Conventions.LABEL_MANAGED_BY)),
                (Map<String, Object>) object.getOrDefault("spec", Map.of()));
    }

    /**
     * One check of Services Tether made internal: one list of the cluster's Services; on the first check also the
     * cluster and its VNet (ARM), to know the subnet each Service's IP must come from and the zone of its name.
     */
    public String observeServiceIps(String input) {
        return observeServiceIps(Json.read(input, dev.tether.orchestration.ServiceIps.Check.class));
    }

    /** Whether a Service IP check is the first of its wait, which also reads the cluster and its VNet from ARM. */
    public static boolean firstIpCheck(String input) {
        return Json.read(input, dev.tether.orchestration.ServiceIps.Check.class).subnets() == null;
    }

    private String observeServiceIps(dev.tether.orchestration.ServiceIps.Check check) {
        try {
            Map<String, String> subnets = check.subnets();
            String domain = check.domain();
            List<ServiceView> all = clusters.gateway(check.clusterId()).services();
            if (subnets == null) {
                ClusterState cluster = arm.cluster(ResourceId.parse(check.clusterId())).orElseThrow(() -> new RejectedException("GONE",
                        "cluster " + check.clusterId() + " no longer exists"));
                domain = Tags.domain(cluster.tags(), Tags.link(cluster.tags()).orElseThrow(() -> new RejectedException("NOT_LINKED",
                        "cluster " + cluster.name() + " has no " + Conventions.TAG_LINK + " tag any more")));
                Map<String, String> cidrs = subnetCidrs(cluster);
                subnets = new java.util.LinkedHashMap<>();
                for (ServiceView v : all) {
                    if (check.services().contains(v.namespace() + "/" + v.name())) {
                        String named = v.shape().annotations().get(Conventions.ANNOTATION_INTERNAL_SUBNET);
                        String cidr = named != null ? cidrs.get(named.toLowerCase(java.util.Locale.ROOT)) : cidrs.get("");
                        subnets.put(v.namespace() + "/" + v.name(), cidr == null ? "" : cidr);
                    }
                }
            }
            Map<String, String> expected = subnets;
            String zone = domain;
            List<ServiceIp> ips = all.stream()
                    .filter(v -> check.services().contains(v.namespace() + "/" + v.name()))
                    .map(v -> ServiceIp.judge(v.facts(), zone, emptyToNull(expected.get(v.namespace() + "/" + v.name()))))
                    .toList();
            return Json.write(new dev.tether.orchestration.ServiceIps.Observed(domain, subnets, ips, null));
        } catch (RejectedException | InvalidInputException e) {
            return Json.write(new dev.tether.orchestration.ServiceIps.Observed(null, null, List.of(), e.getMessage()));
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Subnet name (lower case) to CIDR in the cluster's VNet, and "" to the node subnet's CIDR; empty when AKS manages the VNet. */
    private Map<String, String> subnetCidrs(ClusterState cluster) {
        Map<String, String> out = new java.util.HashMap<>();
        if (cluster.nodeSubnetIds().isEmpty()) {
            return out;
        }
        ResourceId node = ResourceId.parse(cluster.nodeSubnetIds().get(0));
        arm.vnet(node.parent().toString()).ifPresent(v -> v.subnets().forEach(sn -> {
            if (!sn.addressPrefixes().isEmpty()) {
                out.put(sn.name().toLowerCase(java.util.Locale.ROOT), sn.addressPrefixes().get(0));
                if (sn.name().equalsIgnoreCase(node.name())) {
                    out.put("", sn.addressPrefixes().get(0));
                }
            }
        }));
        return out;
    }

    /** Re-observes one Service and applies what its plan says, if anything still differs. */
    public String applyService(String input) {
        Messages.ApplyService request = Json.read(input, Messages.ApplyService.class);
        String step = "service " + request.service();
        StepResult result;
        try {
            KubeGateway kube = clusters.gateway(request.clusterId());
            String[] key = request.service().split("/", 2);
            Optional<ServiceView> svc = kube.service(key[0], key[1]);
            if (svc.isEmpty()) {
                result = StepResult.done(step, Outcome.UNCHANGED, "no longer exists");
            } else {
                Set<String> subnets = svc.get().shape().annotations().containsKey(Conventions.ANNOTATION_INTERNAL_SUBNET)
                        ? arm.cluster(ResourceId.parse(request.clusterId())).map(this::subnetNames).orElse(null) : null;
                ServiceDecision d = ServiceExposurePlanner.plan(svc.get().facts(), request.policy(), subnets);
                if (d.error() != null) {
                    result = StepResult.refused(step, d.error());
                } else if (d.action() == Outcome.UPDATED) {
                    kube.patchService(key[0], key[1], d.patch());
                    result = StepResult.done(step, Outcome.UPDATED, d.reason());
                } else {
                    result = StepResult.done(step, Outcome.UNCHANGED, d.reason());
                }
            }
        } catch (RejectedException | InvalidInputException e) {
            result = StepResult.refused(step, e.getMessage());
        }
        return logged(step, result);
    }

    /** Logs a step's result as {@code step.done} or {@code step.refused} and returns it as the activity's JSON output. */
    private static String logged(String step, StepResult result) {
        StructuredLog.log(LOG, result.error() == null ? Level.INFO : Level.SEVERE, result.error() == null ? "step.done" : "step.refused",
                result.error() == null ? Map.of("step", step, "outcome", String.valueOf(result.outcome()), "detail", result.detail())
                        : Map.of("step", step, "error", result.error()));
        return Json.write(result);
    }
}
