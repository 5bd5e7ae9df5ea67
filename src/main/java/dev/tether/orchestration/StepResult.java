package dev.tether.orchestration;

import dev.tether.plan.Outcome;

/**
 * What one activity did. {@code error} is set when the step was refused for a reason retrying cannot fix
 * (transient failures throw instead, so that the durable retry policy retries them).
 */
public record StepResult(String step, Outcome outcome, String detail, String error) {
    public static StepResult done(String step, Outcome outcome, String detail) {
        return new StepResult(step, outcome, detail, null);
    }

    public static StepResult refused(String step, String error) {
        return new StepResult(step, null, null, error);
    }
}
