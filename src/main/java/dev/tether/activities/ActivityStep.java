package dev.tether.activities;

import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.InvalidInputException;

import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** How every writing step of the activities runs: its outcome logged, a refusal answered, a transient failure rethrown. */
final class ActivityStep {
    private static final Logger LOG = Logger.getLogger("dev.tether.activities");

    private ActivityStep() {
    }

    /** Runs a step; a refusal becomes a StepResult with the message, a transient failure is thrown for the retry policy. */
    static String run(String name, Supplier<StepResult> body) {
        return Json.write(result(name, body));
    }

    /** {@link #run}, for a step that answers more than its StepResult: the result itself, logged the same way. */
    static StepResult result(String name, Supplier<StepResult> body) {
        StepResult result;
        try {
            result = body.get();
        } catch (RejectedException | InvalidInputException e) {
            result = StepResult.refused(name, e.getMessage());
        } catch (TransientException e) {
            StructuredLog.log(LOG, Level.WARNING, "step.transient", Map.of("step", name, "error", String.valueOf(e.getMessage())));
            throw e;
        }
        if (result.error() != null) {
            StructuredLog.log(LOG, Level.SEVERE, "step.refused", Map.of("step", name, "error", result.error()));
        } else {
            StructuredLog.info(LOG, "step.done", Map.of("step", name, "outcome", String.valueOf(result.outcome()), "detail", result.detail()));
        }
        return result;
    }
}
