package dev.tether.activities;

import dev.tether.kubernetes.ClusterConnector;
import dev.tether.kubernetes.KubeGateway;
import dev.tether.kubernetes.ServiceView;
import dev.tether.plan.ApiServerReach;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.CorednsChecks;
import dev.tether.plan.DnsServicePlan;
import dev.tether.plan.ExposureGuardPlan;
import dev.tether.plan.Finding;
import dev.tether.plan.TetherNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster half of every pre-flight, run before the app or the cluster is written: can Tether reach the API server
 * (from ARM data alone, so an unreachable cluster costs no connection attempt), is {@code kube-system/tether-dns}
 * Tether's own or absent, and is there nothing in {@code coredns-custom} that would shadow Tether's zone or make
 * CoreDNS fail on its next restart. Two Kubernetes reads when the API server is reachable. A cluster pass that writes the
 * exposure guard also checks, before any write, that the cluster can hold it ({@link #guard}).
 */
final class ClusterPreflight {
    private final ClusterConnector clusters;
    private final TetherNetwork network;

    ClusterPreflight(ClusterConnector clusters, TetherNetwork network) {
        this.clusters = clusters;
        this.network = network;
    }

    /** Errors that stop the link; empty when the cluster side can be linked to {@code zone}. */
    List<Finding> check(ClusterState cluster, String zone) {
        Optional<Finding> reach = ApiServerReach.check(cluster, network);
        if (reach.isPresent()) {
            return List.of(reach.get());
        }
        KubeGateway kube = clusters.gateway(cluster.id());
        List<Finding> findings = new ArrayList<>();
        kube.service(Conventions.KUBE_SYSTEM, Conventions.DNS_SERVICE).map(ServiceView::shape).flatMap(DnsServicePlan::foreign)
                .ifPresent(findings::add);
        kube.configMapData(Conventions.KUBE_SYSTEM, Conventions.COREDNS_CUSTOM).ifPresent(data -> findings.addAll(CorednsChecks.check(data, zone)));
        return findings;
    }

    /**
     * The exposure guard's half, for a cluster pass that will write the guard (tag {@code private-link-guard=true}):
     * the API server serves ValidatingAdmissionPolicy and its binding, and no foreign object holds their name. One
     * discovery read, then one read per object; none when the guard is off (removing Tether's own guard needs no check).
     */
    List<Finding> guard(ClusterState cluster) {
        if (!ExposureGuardPlan.enabled(cluster.tags())) {
            return List.of();
        }
        KubeGateway kube = clusters.gateway(cluster.id());
        return ExposureGuardPlan.preflight(cluster.name(), kube.admissionResources(), kind -> kube.guardObject(KubeGateway.GuardKind.valueOf(kind),
                ExposureGuardPlan.NAME).map(ServiceActivities::observedGuard).orElse(null));
    }
}
