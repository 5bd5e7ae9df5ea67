package dev.tether.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.durable.Json;

/**
 * The sparse site PATCH that joins an app (or slot) to a subnet with route-all on: {@code virtualNetworkSubnetId} and the
 * site-level {@code outboundVnetRouting.applicationTraffic} in one write. App Service refuses route-all through
 * {@code siteConfig.vnetRouteAllEnabled} since 2024 ("SiteConfig.VnetRouteAllEnabled cannot be modified. Please modify
 * the Site.VnetRouteAllEnabled property.", terraform-provider-azurerm #24878, #25819), and the SDK's
 * {@code SitePatchResourceInner} (api 2025-03-01) has no site-level route-all field, so the body is written here and sent
 * through the manager's own pipeline (auth, retry).
 */
final class SitePatch {
    /** The api-version of azure-resourcemanager-appservice 2.54.1, which every other Web call of Tether uses. */
    static final String API_VERSION = "2025-03-01";

    private SitePatch() {
    }

    /** {@code routeAllOn}: also set route-all on; false leaves it as it is (Tether never turns it off). */
    static ObjectNode joinBody(String subnetId, boolean routeAllOn) {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode props = body.putObject("properties");
        if (subnetId != null) {
            props.put("virtualNetworkSubnetId", subnetId);
        }
        if (routeAllOn) {
            props.putObject("outboundVnetRouting").put("applicationTraffic", true);
        }
        return body;
    }

    /** Route-all off through the site property, nothing else. */
    static ObjectNode routeAllOffBody() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("properties").putObject("outboundVnetRouting").put("applicationTraffic", false);
        return body;
    }

    static void send(WebSiteManagementClient client, String siteOrSlotId, ObjectNode body) {
        exchange(client.getHttpPipeline(), client.getEndpoint(), HttpMethod.PATCH, siteOrSlotId, body);
    }

    /**
     * One request Tether writes itself to a site or slot ({@code path}: its id), at {@link #API_VERSION}, through the
     * pipeline the SDK's clients send through (bearer token, retry, read governor); the answer's body. Anything but a 2xx
     * is a {@link ManagementException} with ARM's (or App Service's) error, as the SDK throws it, so that {@link ArmErrors}
     * judges it the same way.
     */
    static String exchange(HttpPipeline pipeline, String endpoint, HttpMethod method, String path, ObjectNode body) {
        HttpRequest request = new HttpRequest(method, endpoint.replaceAll("/$", "") + path + "?api-version=" + API_VERSION)
                .setHeader(HttpHeaderName.ACCEPT, "application/json");
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body.toString());
        }
        try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
            int status = response.getStatusCode();
            String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
            if (status / 100 != 2) {
                throw new ManagementException("site " + method + " answered " + status + ": " + text, response, error(text, status));
            }
            return text;
        }
    }

    /** ARM's {"error":{"code","message"}} or App Service's own {"Code","Message"}. */
    static ManagementError error(String text, int status) {
        try {
            var root = Json.mapper().readTree(text);
            var e = root.has("error") ? root.path("error") : root;
            String code = e.has("code") ? e.path("code").asText() : e.path("Code").asText("HTTP" + status);
            String message = e.has("message") ? e.path("message").asText() : e.path("Message").asText(text);
            return new ManagementError(code, message);
        } catch (java.io.IOException | RuntimeException ex) {
            return new ManagementError("HTTP" + status, text);
        }
    }
}
