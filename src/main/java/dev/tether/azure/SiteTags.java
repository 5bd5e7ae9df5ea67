package dev.tether.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.durable.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags of a site or slot, read with the same GET the SDK's {@code WebAppsClient.getByResourceGroup} (and
 * {@code getSlot}) sends, through the same pipeline (bearer token, retry, read governor), at {@link SitePatch#API_VERSION}.
 * The event intake needs only the tags; reading them this way spares a cold worker's first event App Service's generated
 * client, whose construction builds a reflective REST proxy for each of its 60-odd operation groups, and the deserialization
 * of the whole site model (together about 900 classes). A failure is a {@link ManagementException} with ARM's error, as
 * the SDK throws it, so {@link ArmErrors} judges it the same way (404: gone).
 */
final class SiteTags {
    private SiteTags() {
    }

    static Map<String, String> read(HttpPipeline pipeline, String endpoint, String siteOrSlotId) {
        return tags(SitePatch.exchange(pipeline, endpoint, HttpMethod.GET, siteOrSlotId, null));
    }

    /** The {@code tags} object of a site's JSON; none (absent or null) is no tags. */
    static Map<String, String> tags(String siteJson) {
        try {
            JsonNode tags = Json.mapper().readTree(siteJson).path("tags");
            Map<String, String> out = new LinkedHashMap<>();
            tags.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("the site's JSON could not be read", e);
        }
    }
}
