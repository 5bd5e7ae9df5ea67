package dev.tether.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
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
        HttpRequest request = new HttpRequest(HttpMethod.PATCH, client.getEndpoint().replaceAll("/$", "") + siteOrSlotId
                + "?api-version=" + API_VERSION)
                .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body.toString());
        try (HttpResponse response = client.getHttpPipeline().sendSync(request, Context.NONE)) {
            int status = response.getStatusCode();
            if (status / 100 != 2) {
                String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
                throw new ManagementException("site PATCH answered " + status + ": " + text, response, error(text, status));
            }
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
