package dev.tether.sandbox.kubernetes;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults of the simulated cluster controllers, per cluster, that tests inject (the request faults of
 * {@link dev.tether.sandbox.Faults} are about the API server; these are about what the cluster does on its own).
 */
public final class ControllerFaults {
    /** How the next rollouts of a Deployment go wrong. */
    public enum Rollout {
        /** New pods roll out and become ready after the rollout delay. */
        NONE,
        /** New pods stay Pending (ContainerCreating) forever: the rollout never finishes, then passes its progress deadline. */
        STUCK,
        /** New pods start, their container exits at once and is restarted with back-off: CrashLoopBackOff. */
        CRASH_LOOP
    }

    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    private final Set<String> noLoadBalancerIp = ConcurrentHashMap.newKeySet();
    /** Told when a fault is set: the controllers read these, so every cluster needs a pass on the next advance. */
    private volatile Runnable onChange = () -> {
    };

    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** {@code deployment} is "namespace/name". Applies to rollouts that start from now on. */
    public ControllerFaults rollout(String deployment, Rollout fault) {
        rollouts.put(deployment, fault);
        onChange.run();
        return this;
    }

    /** The load-balancer controller never gives this Service ("namespace/name") an IP (a frontend that never provisions). */
    public ControllerFaults neverAssignIp(String service) {
        noLoadBalancerIp.add(service);
        onChange.run();
        return this;
    }

    Rollout rollout(String deployment) {
        return rollouts.getOrDefault(deployment, Rollout.NONE);
    }

    boolean neverAssignsIp(String service) {
        return noLoadBalancerIp.contains(service);
    }
}
