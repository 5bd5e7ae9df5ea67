package dev.tether.durable;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;

/** Reads of an orchestration instance's metadata that tell "no such instance" apart from a running one. */
public final class Instances {
    private Instances() {
    }

    /**
     * The instance's metadata, or null when the task hub has no such instance. The durable client (1.4.0) never returns
     * null itself: for an unknown id the sidecar answers {@code exists=false} with an empty state, which the client
     * turns into metadata with no name or id whose runtime status reads RUNNING (the protobuf default). Only
     * {@link OrchestrationMetadata#isInstanceFound()} tells them apart (DurableGrpcTest drives this over gRPC).
     */
    public static OrchestrationMetadata find(DurableTaskClient client, String instanceId, boolean withInputsAndOutputs) {
        OrchestrationMetadata m = client.getInstanceMetadata(instanceId, withInputsAndOutputs);
        return m == null || !m.isInstanceFound() ? null : m;
    }
}
