package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * Microsoft.Web: sites and slots (GET, sparse PATCH, app settings list and PUT, config/web, the site's slot settings and
 * slot swaps: {@link WebSlots}) and plans (GET), with what
 * App Service does around VNet integration: the subnet must exist, be delegated to Microsoft.Web/serverFarms and be in
 * the app's region, and joining adds the subnet's service association link. Route-all is the site's own property
 * ({@code outboundVnetRouting.applicationTraffic}, formerly {@code vnetRouteAllEnabled}); a write that changes
 * {@code siteConfig.vnetRouteAllEnabled} is refused with App Service's 400.
 */
final class WebProvider {
    static final Pattern SITE = Pattern.compile(ArmEmulator.RG_PATH + "microsoft\\.web/sites/([^/]+)(/slots/([^/]+))?(/.*)?");
    static final Pattern PLAN = Pattern.compile(ArmEmulator.RG_PATH + "microsoft\\.web/serverfarms/([^/]+)(/virtualnetworkconnections)?");
    private static final String ROUTE_ALL_REFUSED = "SiteConfig.VnetRouteAllEnabled cannot be modified. Please modify the Site.VnetRouteAllEnabled property.";

    private final ArmWorld world;
    private final Operations operations;
    final WebSlots slots;
    /** When true, a site's app settings PUT answers 202 and runs as a long-running operation. */
    boolean appSettingsLongRunning;

    WebProvider(ArmWorld world, Operations operations) {
        this.world = world;
        this.operations = operations;
        this.slots = new WebSlots(world);
    }

    Reply plan(String method, String path, Matcher m) {
        ArmEmulator.requireMethod(method, "GET");
        if (m.group(4) == null) {
            return Reply.ok(world.existing(path));
        }
        // AppServicePlans_ListVnets: a plain array of VnetInfoResource, one regional (isSwift) connection per subnet its
        // apps are integrated with (App Service REST spec, Microsoft.Web/AppServicePlans.json).
        String planId = world.existing(path.substring(0, path.length() - m.group(4).length())).path("id").asText();
        ArrayNode out = ArmWorld.M.createArrayNode();
        integrationsOf(planId).forEach(subnetId -> {
            ObjectNode c = out.addObject();
            String name = ArmWorld.last(subnetId);
            c.put("id", planId + "/virtualNetworkConnections/" + name).put("name", name)
                    .put("type", "Microsoft.Web/serverfarms/virtualNetworkConnections");
            c.putObject("properties").put("vnetResourceId", subnetId).putNull("certThumbprint").putNull("certBlob")
                    .putNull("routes").put("resyncRequired", false).putNull("dnsServers").put("isSwift", true);
        });
        return Reply.ok(out);
    }

    /** The subnets the plan's apps and slots are integrated with (virtualNetworkSubnetId), in world order. */
    private java.util.List<String> integrationsOf(String planId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (ObjectNode r : world.resources.values()) {
            String type = r.path("type").asText();
            JsonNode p = r.path("properties");
            if ((type.equalsIgnoreCase("Microsoft.Web/sites") || type.equalsIgnoreCase("Microsoft.Web/sites/slots"))
                    && ArmWorld.key(p.path("serverFarmId").asText()).equals(ArmWorld.key(planId))) {
                String subnet = p.path("virtualNetworkSubnetId").asText("");
                if (!subnet.isEmpty() && out.stream().noneMatch(s -> ArmWorld.key(s).equals(ArmWorld.key(subnet)))) {
                    out.add(subnet);
                }
            }
        }
        return out;
    }

    Reply site(String method, String path, Matcher m, JsonNode body, String apiVersion) {
        String suffix = m.group(6) == null ? "" : m.group(6);
        String siteId = suffix.isEmpty() ? path : path.substring(0, path.length() - suffix.length());
        siteId = siteId.endsWith("/") ? siteId.substring(0, siteId.length() - 1) : siteId;
        ObjectNode site = world.existing(siteId);
        switch (suffix) {
            case "" -> {
                ArmEmulator.requireMethod(method, "GET", "PATCH");
                if (method.equals("PATCH")) {
                    patchSite(site, body);
                }
                return Reply.ok(site);
            }
            case "/config/appsettings/list" -> {
                ArmEmulator.requireMethod(method, "POST");
                return Reply.ok(settingsBody(site, world.appSettingsOf(siteId)));
            }
            case "/config/appsettings" -> {
                ArmEmulator.requireMethod(method, "PUT", "GET");
                if (method.equals("GET")) {
                    // The read a long-running PUT ends with: the SDK fetches the final result from the PUT's own URL.
                    return Reply.ok(settingsBody(site, world.appSettingsOf(siteId)));
                }
                if (body == null || !body.path("properties").isObject()) {
                    throw Rule.WEB_APP_SETTINGS_BODY.error("The app settings body must have an object 'properties'.");
                }
                Map<String, String> replaced = new LinkedHashMap<>();
                body.path("properties").fields().forEachRemaining(e -> replaced.put(e.getKey(), e.getValue().asText()));
                world.replaceAppSettings(site.path("id").asText(), replaced);
                boolean slot = m.group(5) != null;
                if (appSettingsLongRunning && !slot) {
                    return accepted(siteId, site.path("location").asText(), apiVersion);
                }
                return Reply.ok(settingsBody(site, replaced));
            }
            case "/config/slotconfignames" -> {
                if (m.group(5) != null) {
                    throw world.notFound(path); // a slot has no list of its own: the site's serves every slot
                }
                return slots.slotConfigNames(method, site, body);
            }
            case "/slots" -> {
                // WebApps_ListSlots (Microsoft.Web spec, GET /sites/{name}/slots): a WebAppCollection {value, nextLink} of
                // the site's deployment slots; on a slot the path names no collection.
                ArmEmulator.requireMethod(method, "GET");
                if (m.group(5) != null) {
                    throw world.notFound(path);
                }
                String prefix = ArmWorld.key(site.path("id").asText()) + "/slots/";
                com.fasterxml.jackson.databind.node.ObjectNode out = ArmWorld.M.createObjectNode();
                com.fasterxml.jackson.databind.node.ArrayNode value = out.putArray("value");
                for (ObjectNode r : world.resources.values()) {
                    if (r.path("type").asText().equalsIgnoreCase("Microsoft.Web/sites/slots") && ArmWorld.key(r.path("id").asText()).startsWith(prefix)) {
                        value.add(r.deepCopy());
                    }
                }
                out.putNull("nextLink");
                return Reply.ok(out);
            }
            case "/slotsswap" -> {
                ArmEmulator.requireMethod(method, "POST");
                ObjectNode production = m.group(5) == null ? site : world.existing(siteId.substring(0, siteId.toLowerCase(Locale.ROOT).lastIndexOf("/slots/")));
                slots.swap(production, site, body);
                return accepted(siteId, site.path("location").asText(), apiVersion);
            }
            case "/config/web" -> {
                ArmEmulator.requireMethod(method, "GET");
                ObjectNode config = ArmWorld.M.createObjectNode();
                // The shape of GetSiteConfig: id, name, type, kind and the site's siteConfig as properties.
                config.put("id", site.path("id").asText() + "/config/web").put("name", "web")
                        .put("type", site.path("type").asText() + "/config").put("kind", site.path("kind").asText("app"));
                config.set("properties", site.path("properties").path("siteConfig").deepCopy());
                return Reply.ok(config);
            }
            case "/networkconfig/virtualnetwork" -> {
                // DeleteSwiftVirtualNetwork: the app leaves regional VNet integration. The service association link is the
                // App Service plan's (its link names the plan), so it goes only with the last app of that plan in the
                // subnet; in Azure that can lag (MicrosoftDocs/azure-docs#116634): the emulator removes it after
                // ArmEmulator.setServiceLinkRemovalLag (zero by default: at once).
                ArmEmulator.requireMethod(method, "DELETE");
                leave(site);
                return Reply.ok(null);
            }
            default -> throw world.notFound(path);
        }
    }

    /** 202 Accepted for a long-running write: the operation's status URL in Azure-AsyncOperation and Location. */
    private Reply accepted(String resourceId, String location, String apiVersion) {
        String op = operations.start(null);
        String sub = resourceId.split("/")[2];
        String url = ArmEmulator.HOST + "/subscriptions/" + sub + "/providers/Microsoft.Web/locations/" + ArmWorld.canonicalLocation(location)
                + "/operationResults/" + op + "?api-version=" + apiVersion;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", url);
        headers.put("Location", url);
        return new Reply(202, null, headers);
    }

    private static ObjectNode settingsBody(ObjectNode site, Map<String, String> settings) {
        ObjectNode out = ArmWorld.M.createObjectNode();
        out.put("id", site.path("id").asText() + "/config/appsettings").put("name", "appsettings")
                .put("type", site.path("type").asText() + "/config").put("kind", site.path("kind").asText("app"));
        ObjectNode props = out.putObject("properties");
        settings.forEach(props::put);
        return out;
    }

    private void patchSite(ObjectNode site, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw Rule.INVALID_REQUEST_CONTENT.error("The PATCH body must be a JSON object.");
        }
        JsonNode props = patch.path("properties");
        JsonNode legacy = props.path("siteConfig").path("vnetRouteAllEnabled");
        if (legacy.isBoolean() && legacy.asBoolean() != routeAll(site)) {
            // Since 2024 App Service refuses the siteConfig form (terraform-provider-azurerm #24878, #25819).
            throw Rule.WEB_SITECONFIG_ROUTE_ALL.appServiceError("01020", "There was a conflict. {0}", ROUTE_ALL_REFUSED);
        }
        String subnetId = props.path("virtualNetworkSubnetId").asText(null);
        if (subnetId != null && !subnetId.isEmpty()) {
            ObjectNode subnet = world.findSubnet(subnetId).orElseThrow(() -> Rule.WEB_SUBNET_MISSING.error(
                    "Subnet '" + subnetId + "' was not found. The subnet must exist before the app can be integrated."));
            boolean delegated = false;
            for (JsonNode d : subnet.path("properties").path("delegations")) {
                delegated |= d.path("properties").path("serviceName").asText().equalsIgnoreCase("Microsoft.Web/serverFarms");
            }
            if (!delegated) {
                throw Rule.WEB_SUBNET_NOT_DELEGATED.error("Subnet " + subnet.path("name").asText() + " must be delegated to Microsoft.Web/serverFarms.");
            }
            String vnetId = subnetId.substring(0, subnetId.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/"));
            ObjectNode vnet = world.resources.get(ArmWorld.key(vnetId));
            if (!ArmWorld.canonicalLocation(vnet.path("location").asText()).equals(ArmWorld.canonicalLocation(site.path("location").asText()))) {
                throw Rule.WEB_SUBNET_OTHER_REGION.error("The virtual network must be in the same region as the app (" + site.path("location").asText() + ").");
            }
            String planId = site.path("properties").path("serverFarmId").asText();
            String current = site.path("properties").path("virtualNetworkSubnetId").asText("");
            if (!ArmWorld.key(current).equals(ArmWorld.key(subnetId))) {
                refuseBeyondPlanLimit(planId, subnetId);
            }
            // An app of the plan joining again keeps the plan's link: a removal still pending is off.
            world.linkRemovals.remove(ArmWorld.linkKey(subnetId, planId));
            linkSubnetToPlan(subnet, planId);
        }
        JsonMerge.merge(site, patch);
        JsonNode written = props.path("outboundVnetRouting").path("applicationTraffic");
        if (!written.isBoolean()) {
            written = props.path("vnetRouteAllEnabled");
        }
        if (written.isBoolean()) {
            setRouteAll(site, written.asBoolean());
        }
    }

    private void leave(ObjectNode site) {
        ObjectNode props = site.with("properties");
        String subnetId = props.path("virtualNetworkSubnetId").asText("");
        if (subnetId.isEmpty()) {
            return;
        }
        props.remove("virtualNetworkSubnetId");
        String plan = props.path("serverFarmId").asText();
        boolean othersOfPlan = world.resources.values().stream().anyMatch(r -> r != site
                && r.path("type").asText().toLowerCase(Locale.ROOT).startsWith("microsoft.web/sites")
                && r.path("properties").path("serverFarmId").asText().equalsIgnoreCase(plan)
                && r.path("properties").path("virtualNetworkSubnetId").asText("").equalsIgnoreCase(subnetId));
        if (!othersOfPlan) {
            // The link is the plan's; App Service removes it after the last app of the plan left, which can lag.
            if (world.linkRemovalLag.isZero()) {
                world.removeServiceLink(subnetId, plan);
            } else {
                world.linkRemovals.put(ArmWorld.linkKey(subnetId, plan), operations.now().plus(world.linkRemovalLag));
            }
        }
    }

    static java.util.List<String> effectiveDns(ObjectNode site, Map<String, String> settings) {
        java.util.List<String> out = new java.util.ArrayList<>();
        site.path("properties").path("dnsConfiguration").path("dnsServers").forEach(d -> out.add(d.asText()));
        if (!out.isEmpty()) {
            return out;
        }
        for (String name : java.util.List.of("WEBSITE_DNS_SERVER", "WEBSITE_DNS_ALT_SERVER")) {
            settings.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .filter(v -> v != null && !v.isBlank()).findFirst().ifPresent(out::add);
        }
        return out;
    }

    /** The site's route-all: {@code outboundVnetRouting.applicationTraffic}, else the older site-level property. */
    static boolean routeAll(ObjectNode site) {
        JsonNode p = site.path("properties");
        JsonNode routing = p.path("outboundVnetRouting").path("applicationTraffic");
        if (routing.isBoolean()) {
            return routing.asBoolean();
        }
        if (p.path("vnetRouteAllEnabled").isBoolean()) {
            return p.path("vnetRouteAllEnabled").asBoolean();
        }
        return p.path("siteConfig").path("vnetRouteAllEnabled").asBoolean(false);
    }

    /** One value, shown by every property that carries it (GET returns the site property and its siteConfig mirror). */
    private static void setRouteAll(ObjectNode site, boolean on) {
        ObjectNode p = site.with("properties");
        p.with("outboundVnetRouting").put("applicationTraffic", on);
        if (p.has("vnetRouteAllEnabled")) {
            p.put("vnetRouteAllEnabled", on);
        }
        if (p.get("siteConfig") instanceof ObjectNode config) {
            config.put("vnetRouteAllEnabled", on);
        }
    }

    /**
     * A plan has one regional integration on Linux and two on Windows; one more is App Service's 409 Conflict "Adding this
     * VNET would exceed the App Service Plan VNET limit of 1." (MicrosoftDocs/azure-docs#63177, #59669).
     */
    private void refuseBeyondPlanLimit(String planId, String subnetId) {
        ObjectNode plan = world.resources.get(ArmWorld.key(planId));
        boolean linux = plan != null && plan.path("properties").path("reserved").asBoolean(false);
        int limit = linux ? 1 : 2;
        long others = integrationsOf(planId).stream().filter(s -> !ArmWorld.key(s).equals(ArmWorld.key(subnetId))).count();
        if (others >= limit) {
            throw Rule.WEB_PLAN_VNET_LIMIT.error("Adding this VNET would exceed the App Service Plan VNET limit of " + limit + ".");
        }
    }

    /**
     * Joins the plan to the subnet: one service association link per plan, never overwriting another plan's. A second
     * plan joins only within the multi-plan subnet join limits: a /26 or larger subnet (the message as App Service gives
     * it, Azure/GPT-RAG#226) and plans of one subscription (learn overview-vnet-integration, "Subnet requirements").
     */
    private static void linkSubnetToPlan(ObjectNode subnet, String planId) {
        ObjectNode props = (ObjectNode) subnet.get("properties");
        String sid = subnet.path("id").asText();
        ArrayNode links = props.has("serviceAssociationLinks") && props.get("serviceAssociationLinks").isArray()
                ? (ArrayNode) props.get("serviceAssociationLinks") : props.putArray("serviceAssociationLinks");
        java.util.List<String> others = new java.util.ArrayList<>();
        for (JsonNode l : links) {
            String linked = l.path("properties").path("link").asText();
            if (ArmWorld.key(linked).equals(ArmWorld.key(planId))) {
                return;
            }
            if (l.path("properties").path("linkedResourceType").asText().equalsIgnoreCase("Microsoft.Web/serverfarms")) {
                others.add(linked);
            }
        }
        if (!others.isEmpty()) {
            String sub = planId.split("/")[2];
            if (others.stream().anyMatch(o -> !o.split("/")[2].equalsIgnoreCase(sub))) {
                throw Rule.WEB_MPSJ_SUBSCRIPTION.error("All App Service plans joining subnet " + subnet.path("name").asText()
                        + " must be in the same subscription; it serves " + String.join(", ", others) + ".");
            }
            int prefix = NetworkProvider.prefixesOf(props).stream().map(Ipv4Prefix::stored).flatMap(java.util.Optional::stream)
                    .mapToInt(Ipv4Prefix::length).findFirst().orElse(32);
            if (prefix > 26) {
                throw Rule.WEB_MPSJ_SUBNET_SIZE.error("Minimum subnet size allowed for joining multiple App Service Plans to same subnet is /26,"
                        + " the subnet attempting to be joined is /" + prefix);
            }
        }
        // The first plan's link is AppServiceLink, as App Service names it; how it names a second plan's is not published.
        String name = links.isEmpty() ? "AppServiceLink" : "AppServiceLink-" + ArmWorld.last(planId);
        ObjectNode link = links.addObject();
        link.put("name", name).put("id", sid + "/serviceAssociationLinks/" + name)
                .put("type", "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks");
        link.putObject("properties").put("linkedResourceType", "Microsoft.Web/serverfarms").put("link", planId)
                .put("provisioningState", "Succeeded");
    }
}
