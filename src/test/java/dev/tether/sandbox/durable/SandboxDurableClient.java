package dev.tether.sandbox.durable;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import com.microsoft.durabletask.PurgeResult;
import com.microsoft.durabletask.SandboxMetadata;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The {@link DurableTaskClient} that Tether's triggers get in the sandbox: the real client API, backed by the
 * {@link DurableDriver} instead of the gRPC sidecar. Payloads are serialized with durabletask's own JSON converter.
 */
public final class SandboxDurableClient extends DurableTaskClient {
    private final DurableDriver driver;
    private int generatedIds;

    SandboxDurableClient(DurableDriver driver) {
        this.driver = driver;
    }

    @Override
    public String scheduleNewOrchestrationInstance(String orchestratorName, NewOrchestrationInstanceOptions options) {
        String id = options.getInstanceId() != null ? options.getInstanceId() : "sandbox-" + (++generatedIds);
        String input = options.getInput() == null ? null : SandboxMetadata.converter().serialize(options.getInput());
        return driver.start(orchestratorName, id, input);
    }

    @Override
    public void raiseEvent(String instanceId, String eventName, Object eventPayload) {
        driver.raise(instanceId, eventName, eventPayload == null ? null : SandboxMetadata.converter().serialize(eventPayload));
    }

    @Override
    public OrchestrationMetadata getInstanceMetadata(String instanceId, boolean getInputsAndOutputs) {
        Instance in = driver.raw(instanceId);
        // As DurableTaskGrpcClient does: never null; an unknown id (the sidecar's exists=false) gives the empty state,
        // whose runtime status reads RUNNING and whose isInstanceFound() is false.
        return SandboxMetadata.of(in == null ? OrchestratorService.OrchestrationState.getDefaultInstance() : state(in, getInputsAndOutputs),
                getInputsAndOutputs);
    }

    static OrchestratorService.OrchestrationState state(Instance in, boolean withPayloads) {
        OrchestratorService.OrchestrationState.Builder b = OrchestratorService.OrchestrationState.newBuilder()
                .setInstanceId(in.id).setName(in.name).setOrchestrationStatus(protoStatus(in.status))
                .setCreatedTimestamp(Protos.ts(in.createdAt)).setLastUpdatedTimestamp(Protos.ts(in.lastUpdatedAt));
        if (withPayloads) {
            if (in.input != null) {
                b.setInput(Protos.str(in.input));
            }
            if (in.output != null) {
                b.setOutput(Protos.str(in.output));
            }
            if (in.customStatus != null) {
                b.setCustomStatus(Protos.str(in.customStatus));
            }
        }
        if (in.failure != null) {
            b.setFailureDetails(in.failureDetails);
        }
        return b.build();
    }

    static OrchestratorService.OrchestrationStatus protoStatus(String status) {
        return switch (status) {
            case "Pending" -> OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
            case "Running" -> OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            case "Completed" -> OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED;
            case "Terminated" -> OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED;
            default -> OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_FAILED;
        };
    }

    static OrchestrationRuntimeStatus runtimeStatus(String status) {
        return switch (status) {
            case "Pending" -> OrchestrationRuntimeStatus.PENDING;
            case "Running" -> OrchestrationRuntimeStatus.RUNNING;
            case "Completed" -> OrchestrationRuntimeStatus.COMPLETED;
            case "Terminated" -> OrchestrationRuntimeStatus.TERMINATED;
            default -> OrchestrationRuntimeStatus.FAILED;
        };
    }

    @Override
    public OrchestrationMetadata waitForInstanceStart(String instanceId, Duration timeout, boolean getInputsAndOutputs) throws TimeoutException {
        return waitFor(instanceId, timeout, getInputsAndOutputs, in -> !in.status.equals("Pending"));
    }

    @Override
    public OrchestrationMetadata waitForInstanceCompletion(String instanceId, Duration timeout, boolean getInputsAndOutputs) throws TimeoutException {
        return waitFor(instanceId, timeout, getInputsAndOutputs, in -> !in.isActive());
    }

    /**
     * Runs the sandbox until the condition holds, or until the timeout passes in virtual time: no timer beyond the
     * deadline is fired, and a wait that times out leaves the clock at the deadline, as real waiting would.
     */
    private OrchestrationMetadata waitFor(String instanceId, Duration timeout, boolean payloads, Predicate<Instance> done) throws TimeoutException {
        Instant deadline = driver.clock.now().plus(timeout);
        while (true) {
            Instance in = driver.raw(instanceId);
            if (in != null && done.test(in)) {
                return SandboxMetadata.of(state(in, payloads), payloads);
            }
            if (!driver.step(deadline)) {
                driver.clock.advanceTo(deadline);
                throw new TimeoutException("instance " + instanceId + " did not reach the state within " + timeout);
            }
        }
    }

    @Override
    public void terminate(String instanceId, Object output) {
        driver.terminate(instanceId, output == null ? null : SandboxMetadata.converter().serialize(output));
    }

    @Override
    public OrchestrationStatusQueryResult queryInstances(OrchestrationStatusQuery query) {
        List<OrchestrationRuntimeStatus> statuses = query.getRuntimeStatusList();
        String prefix = query.getInstanceIdPrefix();
        List<OrchestrationMetadata> out = driver.instances.values().stream()
                .filter(in -> statuses == null || statuses.isEmpty()
                        || statuses.contains(runtimeStatus(in.status)))
                .filter(in -> prefix == null || in.id.startsWith(prefix))
                .filter(in -> query.getCreatedTimeFrom() == null || !in.createdAt.isBefore(query.getCreatedTimeFrom()))
                .filter(in -> query.getCreatedTimeTo() == null || !in.createdAt.isAfter(query.getCreatedTimeTo()))
                .limit(query.getMaxInstanceCount() > 0 ? query.getMaxInstanceCount() : Long.MAX_VALUE)
                .map(in -> SandboxMetadata.of(state(in, query.isFetchInputsAndOutputs()), query.isFetchInputsAndOutputs()))
                .toList();
        return SandboxMetadata.queryResult(out);
    }

    @Override
    public void createTaskHub(boolean recreateIfExists) {
        // The sandbox backend always has its task hub.
    }

    @Override
    public void deleteTaskHub() {
        // Nothing to delete: the sandbox backend lives in memory.
    }

    @Override
    public PurgeResult purgeInstance(String instanceId) {
        return SandboxMetadata.purged(driver.purge(instanceId) ? 1 : 0);
    }

    @Override
    public PurgeResult purgeInstances(PurgeInstanceCriteria criteria) {
        int n = 0;
        for (String id : List.copyOf(driver.instances.keySet())) {
            Instance in = driver.raw(id);
            boolean statusOk = criteria.getRuntimeStatusList() == null || criteria.getRuntimeStatusList().isEmpty()
                    || criteria.getRuntimeStatusList().contains(runtimeStatus(in.status));
            if (statusOk && driver.purge(id)) {
                n++;
            }
        }
        return SandboxMetadata.purged(n);
    }

    @Override
    public String restartInstance(String instanceId, boolean restartWithNewInstanceId) {
        Instance in = driver.raw(instanceId);
        if (in == null) {
            throw new IllegalArgumentException("no instance " + instanceId);
        }
        String id = restartWithNewInstanceId ? "sandbox-" + (++generatedIds) : instanceId;
        return driver.start(in.name, id, in.input);
    }

    @Override
    public void suspendInstance(String instanceId, String reason) {
        throw new UnsupportedOperationException("the sandbox backend does not suspend instances, and Tether never does");
    }

    @Override
    public void resumeInstance(String instanceId, String reason) {
        throw new UnsupportedOperationException("the sandbox backend does not suspend instances, and Tether never does");
    }

    @Override
    public void close() {
        // Nothing to release: no channel.
    }
}
