package dev.tether.events;

/** The fields Tether uses from an ARM notification, whatever schema it came in. */
public record ResourceEvent(String id, String eventType, String resourceUri, String operationName, String status, String subscriptionId) {
}
