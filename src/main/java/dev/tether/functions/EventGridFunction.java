package dev.tether.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.tether.events.EventIntake;

/** Event Grid trigger: one ARM notification per invocation, bound as text and parsed by Tether. */
public final class EventGridFunction {

    @FunctionName("OnResourceEvent")
    public String run(@EventGridTrigger(name = "event") String event,
                      @DurableClientInput(name = "durableContext") DurableClientContext durable,
                      ExecutionContext context) {
        try (DurableTaskClient client = durable.getClient()) {
            EventIntake.Result result = Tether.get().intake().handle(event, client, context.getLogger());
            return result.action();
        }
    }
}
