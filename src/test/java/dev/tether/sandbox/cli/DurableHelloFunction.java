package dev.tether.sandbox.cli;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.TaskOrchestrationContext;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import com.microsoft.durabletask.azurefunctions.DurableOrchestrationTrigger;

/**
 * The cold-start peer a user compares Tether with: the hello world of Durable Functions for Java (Microsoft's
 * quickstart: a client function starts "Cities", which calls "Capitalize"), triggered by Event Grid as Tether is and
 * on the same durabletask-azure-functions client library. Its client function starts one orchestration per event,
 * with the event as input.
 */
public final class DurableHelloFunction {

    @FunctionName("DurableHello")
    public void run(@EventGridTrigger(name = "event") String event,
                    @DurableClientInput(name = "durableContext") DurableClientContext durable,
                    ExecutionContext context) {
        DurableTaskClient client = durable.getClient();
        String instanceId = client.scheduleNewOrchestrationInstance("Cities", event);
        context.getLogger().info("Created new Java orchestration with instance ID = " + instanceId);
    }

    @FunctionName("Cities")
    public String cities(@DurableOrchestrationTrigger(name = "taskOrchestrationContext") TaskOrchestrationContext ctx) {
        return ctx.callActivity("Capitalize", "Tokyo", String.class).await() + ", "
                + ctx.callActivity("Capitalize", "London", String.class).await();
    }

    @FunctionName("Capitalize")
    public String capitalize(@DurableActivityTrigger(name = "name") String name, ExecutionContext context) {
        return name.toUpperCase(java.util.Locale.ROOT);
    }
}
