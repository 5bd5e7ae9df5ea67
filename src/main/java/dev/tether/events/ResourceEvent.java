package dev.tether.events;

/**
 * The fields Tether uses from an ARM notification, whatever schema it came in. {@code time} is when ARM raised it
 * (Event Grid {@code eventTime}, CloudEvents {@code time}); null when the event did not say.
 */
public record ResourceEvent(String id, String eventType, String resourceUri, String operationName, String status, String subscriptionId,
                            java.time.Instant time) {
}
