package dev.tether.plan;

/** One change a plan would make (or a step did), with its reason. {@code action} is the outcome it leads to. */
public record Change(String step, String target, Outcome action, String reason) {
}
