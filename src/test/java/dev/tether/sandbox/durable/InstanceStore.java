package dev.tether.sandbox.durable;

import dev.tether.sandbox.VirtualClock;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The backend's instances by id, in start order, and the messages a client sends them (start, raise, terminate,
 * purge), queued in an instance's inbox as the real backend queues them. Callers hold the driver's lock.
 */
final class InstanceStore {
    private final VirtualClock clock;
    private final Map<String, Instance> byId = new LinkedHashMap<>();

    InstanceStore(VirtualClock clock) {
        this.clock = clock;
    }

    Instance get(String instanceId) {
        return byId.get(instanceId);
    }

    Collection<Instance> values() {
        return byId.values();
    }

    Set<String> keySet() {
        return byId.keySet();
    }

    /** A new instance with its start message queued; an active instance of that id refuses, a finished one is replaced. */
    String start(String name, String instanceId, String serializedInput) {
        Instance existing = byId.get(instanceId);
        if (existing != null && existing.isActive()) {
            throw new IllegalStateException("An orchestration with instance ID '" + instanceId + "' already exists and is "
                    + existing.status.toLowerCase());
        }
        byId.remove(instanceId);
        Instance in = new Instance(instanceId, name, serializedInput, clock.now());
        in.inbox.add(Protos.executionStarted(instanceId, name, serializedInput, clock.now()));
        byId.put(instanceId, in);
        return instanceId;
    }

    /** Queues an external event; false when no active instance has that id. */
    boolean raise(String instanceId, String eventName, String serializedPayload) {
        Instance in = byId.get(instanceId);
        if (in == null || !in.isActive()) {
            return false;
        }
        in.inbox.add(Protos.eventRaised(eventName, serializedPayload, clock.now()));
        return true;
    }

    /** Queues a termination, like the real backend: the instance is Terminated once its next episode runs. */
    void terminate(String instanceId, String serializedOutput) {
        Instance in = byId.get(instanceId);
        if (in != null && in.isActive()) {
            in.inbox.add(Protos.executionTerminated(serializedOutput, clock.now()));
        }
    }

    /** Forgets a finished instance; false when there is none of that id or it is still active. */
    boolean purge(String instanceId) {
        Instance in = byId.get(instanceId);
        if (in != null && !in.isActive()) {
            byId.remove(instanceId);
            return true;
        }
        return false;
    }
}
