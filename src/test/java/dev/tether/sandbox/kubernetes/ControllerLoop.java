package dev.tether.sandbox.kubernetes;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * When the simulated controllers of a cluster run: on an advance of the virtual clock, a cluster's controllers make a
 * pass only when it may find something to do, which is exactly when a pass of theirs would not be a no-op:
 * <ul>
 * <li>the cluster {@linkplain ClusterServer#changed changed} since its last pass: any mutating request reached its API
 * server (Tether's, a test's, the sandbox's own, the controllers' own writes included), or a sandbox setter changed
 * something the controllers read (controller faults, VNet subnets, the Azure side, ...);</li>
 * <li>or a controller has something due by now: a rollout finishing ({@link SimulatedDeploymentController#due}), a load
 * balancer IP due ({@link SimulatedLoadBalancerController#due}), or a rollout with an injected fault, which changes with
 * time alone (crash-loop restarts, the deadline's status), so its cluster runs on every advance as before.</li>
 * </ul>
 * Why this is the world of a pass on every advance, unchanged: a pass reads only the API server's objects, the
 * controllers' memory, the sandbox settings above and the clock; with none of the first three changed, a pass at a later
 * instant differs from the last one only through the instants the controllers' {@code due} already names. The flag is
 * cleared before a pass reads anything, so the pass's own writes (and any write racing with it) leave the cluster
 * changed and the next advance runs one more pass, which finds the world as its writes left it; a pass that writes
 * nothing leaves the cluster at rest. The one effect a skipped pass still has is kept: the load-balancer controller
 * hands the Azure side the frontends of its last pass ({@link SimulatedLoadBalancerController#replayFrontends}), which
 * writes what differs, as after any pass.
 * <p>{@link KubernetesSandbox#tick()} still forces a pass over every cluster.
 */
final class ControllerLoop {
    private final SimulatedDeploymentController deployments;
    private final SimulatedEndpointSliceController endpointSlices;
    private final SimulatedLoadBalancerController loadBalancers;
    /** Passes made (one per cluster reconciled), for tests that show an idle advance makes none. */
    private long passes;

    ControllerLoop(SimulatedDeploymentController deployments, SimulatedEndpointSliceController endpointSlices,
                   SimulatedLoadBalancerController loadBalancers) {
        this.deployments = deployments;
        this.endpointSlices = endpointSlices;
        this.loadBalancers = loadBalancers;
    }

    /** An advance of the virtual clock: a pass over each cluster that changed or has something due by {@code now}. */
    void advance(Collection<ClusterServer> clusters, Instant now) {
        for (ClusterServer s : clusters) {
            if (s.changed.getAndSet(false) || deployments.due(s, now) || loadBalancers.due(s, now)) {
                pass(s, now);
            } else {
                loadBalancers.replayFrontends(s);
            }
        }
    }

    /** A pass over the cluster whatever its state ({@link KubernetesSandbox#tick()}, a new cluster). */
    void reconcile(ClusterServer s, Instant now) {
        s.changed.set(false);
        pass(s, now);
    }

    /** The controllers in the order their effects feed each other: pods, then endpoints, then load balancers. */
    private void pass(ClusterServer s, Instant now) {
        passes++;
        deployments.reconcile(s, now);
        endpointSlices.reconcile(s);
        loadBalancers.reconcile(s, now);
    }

    long passes() {
        return passes;
    }

    /** When a controller of any cluster next has something to do, or empty when all are at rest. */
    Optional<Instant> nextWakeup(Collection<ClusterServer> clusters, Instant now) {
        Instant next = null;
        for (ClusterServer s : clusters) {
            for (Optional<Instant> t : List.of(deployments.nextWakeup(s, now), loadBalancers.nextWakeup(s))) {
                if (t.isPresent() && (next == null || t.get().isBefore(next))) {
                    next = t.get();
                }
            }
        }
        return Optional.ofNullable(next);
    }
}
