package dev.tether.events;

import java.util.Map;

/**
 * The fields Tether uses from an ARM notification, whatever schema it came in. {@code time} is when ARM raised it
 * (Event Grid {@code eventTime}, CloudEvents {@code time}); null when the event did not say. {@code tags} are the
 * resource's tags as the event carries them (Azure Resource Notifications' CreatedOrUpdated), or null when the event
 * carries none (ResourceWriteSuccess) and the resource must be read.
 */
public record ResourceEvent(String id, String eventType, String resourceUri, String operationName, String status, String subscriptionId,
                            java.time.Instant time, Map<String, String> tags) {

    public ResourceEvent(String id, String eventType, String resourceUri, String operationName, String status, String subscriptionId,
                         java.time.Instant time) {
        this(id, eventType, resourceUri, operationName, status, subscriptionId, time, null);
    }

    /** True when the event says what the resource's tags were when it was written, so no read is needed to know them. */
    public boolean carriesTags() {
        return tags != null;
    }
}
