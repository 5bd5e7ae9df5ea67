package dev.tether.plan;

import java.util.Map;

/**
 * What Tether would do with one Service, and why. {@code action} is null when Tether does not manage the Service,
 * UPDATED when it must change, UNCHANGED when it is already private. {@code error} is set for bad input.
 * {@code exposureBefore} and {@code exposureAfter} show the change a caller would notice.
 */
public record ServiceDecision(String service, Outcome action, String exposureBefore, String exposureAfter, String reason,
                              String error, Map<String, Object> patch) {
    public boolean managed() {
        return action != null || error != null;
    }
}
