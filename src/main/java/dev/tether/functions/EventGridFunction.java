package dev.tether.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;

/** Event Grid trigger: one ARM notification per invocation, bound as text and parsed by Tether. */
public final class EventGridFunction {

    @FunctionName("OnResourceEvent")
    public void run(@EventGridTrigger(name = "event") String event,
                    @DurableClientInput(name = "durableContext") DurableClientContext durable,
                    ExecutionContext context) {
        try (DurableTaskClient client = durable.getClient()) {
            Tether.get().intake().handle(event, client, context.getLogger());
        }
    }
}
