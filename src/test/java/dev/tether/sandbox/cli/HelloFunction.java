package dev.tether.sandbox.cli;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;

/** The cold-start baseline: the smallest Event Grid function, with the same trigger binding as Tether's. */
public final class HelloFunction {

    @FunctionName("Hello")
    public void run(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        context.getLogger().info("hello, " + event.length() + " characters");
    }
}
