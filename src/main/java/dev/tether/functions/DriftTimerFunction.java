package dev.tether.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.tether.durable.Instances;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.DriftMessages;
import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.Steps;

import java.util.Map;

/** The drift timer: starts the drift scan on TETHER_DRIFT_SCHEDULE, unless the previous scan still runs. */
public final class DriftTimerFunction {
    /** Sites checked per activity (one ARM read each); pacing happens between batches. */
    static final int BATCH = 50;

    @FunctionName("DriftTimer")
    public void run(@TimerTrigger(name = "timer", schedule = "%TETHER_DRIFT_SCHEDULE%") String timer,
                    @DurableClientInput(name = "durableContext") DurableClientContext durable,
                    ExecutionContext context) {
        Tether tether = Tether.get();
        try (DurableTaskClient client = durable.getClient()) {
            OrchestrationMetadata last = Instances.find(client, Steps.DRIFT_SCAN_INSTANCE, false);
            if (last != null && (last.isRunning() || last.getRuntimeStatus() == OrchestrationRuntimeStatus.PENDING)) {
                StructuredLog.info(context.getLogger(), "drift.skipped", Map.of("reason", "the previous drift scan is still running",
                        "instanceId", Steps.DRIFT_SCAN_INSTANCE));
                return;
            }
            client.scheduleNewOrchestrationInstance(Steps.DRIFT_SCAN_ORCHESTRATION, new NewOrchestrationInstanceOptions()
                    .setInstanceId(Steps.DRIFT_SCAN_INSTANCE)
                    .setInput(new DriftMessages.ScanRequest(tether.config().driftReadShare(), BATCH, LinkOptions.from(tether.config()))));
            StructuredLog.info(context.getLogger(), "drift.started", Map.of("instanceId", Steps.DRIFT_SCAN_INSTANCE));
        }
    }
}
