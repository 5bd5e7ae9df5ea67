package dev.tether.infra;

import dev.tether.azure.ArmOperation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Maps an ARM request, as the emulator logs it (method and path), to the {@link ArmOperation} it performs. */
public final class ArmCallMapper {
    private static final String RG = "/subscriptions/[^/]+/resourcegroups/[^/]+/providers/";
    private static final Map<Pattern, ArmOperation> ROUTES = new LinkedHashMap<>();

    static {
        route("GET", RG + "microsoft\\.web/sites/[^/]+", ArmOperation.GET_SITE);
        route("PATCH", RG + "microsoft\\.web/sites/[^/]+", ArmOperation.PATCH_SITE);
        route("GET", RG + "microsoft\\.web/sites/[^/]+/slots/[^/]+", ArmOperation.GET_SLOT);
        route("GET", RG + "microsoft\\.web/sites/[^/]+/slots", ArmOperation.LIST_SLOTS);
        route("PATCH", RG + "microsoft\\.web/sites/[^/]+/slots/[^/]+", ArmOperation.PATCH_SLOT);
        route("POST", RG + "microsoft\\.web/sites/[^/]+/config/appsettings/list", ArmOperation.LIST_APP_SETTINGS);
        route("POST", RG + "microsoft\\.web/sites/[^/]+/slots/[^/]+/config/appsettings/list", ArmOperation.LIST_SLOT_APP_SETTINGS);
        route("PUT", RG + "microsoft\\.web/sites/[^/]+/config/appsettings", ArmOperation.PUT_APP_SETTINGS);
        route("PUT", RG + "microsoft\\.web/sites/[^/]+/slots/[^/]+/config/appsettings", ArmOperation.PUT_SLOT_APP_SETTINGS);
        route("GET", RG + "microsoft\\.web/sites/[^/]+/config/slotconfignames", ArmOperation.GET_SLOT_CONFIG_NAMES);
        route("PUT", RG + "microsoft\\.web/sites/[^/]+/config/slotconfignames", ArmOperation.PUT_SLOT_CONFIG_NAMES);
        route("DELETE", RG + "microsoft\\.web/sites/[^/]+/networkconfig/virtualnetwork", ArmOperation.DELETE_VNET_INTEGRATION);
        route("DELETE", RG + "microsoft\\.web/sites/[^/]+/slots/[^/]+/networkconfig/virtualnetwork", ArmOperation.DELETE_SLOT_VNET_INTEGRATION);
        route("DELETE", RG + "microsoft\\.network/virtualnetworks/[^/]+/subnets/[^/]+", ArmOperation.DELETE_SUBNET);
        route("GET", RG + "microsoft\\.web/serverfarms/[^/]+", ArmOperation.GET_PLAN);
        route("GET", RG + "microsoft\\.web/serverfarms/[^/]+/virtualnetworkconnections", ArmOperation.LIST_PLAN_VNET_CONNECTIONS);
        route("GET", RG + "microsoft\\.containerservice/managedclusters/[^/]+", ArmOperation.GET_CLUSTER);
        route("POST", RG + "microsoft\\.containerservice/managedclusters/[^/]+/listclusterusercredential", ArmOperation.LIST_CLUSTER_USER_CREDENTIAL);
        route("GET", RG + "microsoft\\.network/virtualnetworks/[^/]+", ArmOperation.GET_VNET);
        route("GET", RG + "microsoft\\.network/virtualnetworks/[^/]+/subnets/[^/]+", ArmOperation.GET_SUBNET);
        route("PUT", RG + "microsoft\\.network/virtualnetworks/[^/]+/subnets/[^/]+", ArmOperation.PUT_SUBNET);
        route("GET", "/subscriptions/[^/]+/resources", ArmOperation.LIST_RESOURCES_BY_TAG);
        route("GET", "/subscriptions/[^/]+/providers/microsoft\\.containerservice/managedclusters", ArmOperation.LIST_CLUSTERS);
        route("GET", RG + "microsoft\\.network/publicipaddresses/[^/]+", ArmOperation.GET_PUBLIC_IP);
        route("POST", "/providers/microsoft\\.resourcegraph/resources", ArmOperation.RESOURCE_GRAPH_QUERY);
        route("GET", "/subscriptions/[^/]+/providers/microsoft\\.network/locations/[^/]+/operations/[^/]+", ArmOperation.POLL_NETWORK_OPERATION);
        route("GET", "/subscriptions/[^/]+/providers/microsoft\\.web/locations/[^/]+/operationresults/[^/]+", ArmOperation.POLL_WEB_OPERATION);
    }

    private ArmCallMapper() {
    }

    private static void route(String method, String path, ArmOperation op) {
        ROUTES.put(Pattern.compile(method + " " + path), op);
    }

    private static String pathOnly(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        int q = p.indexOf('?');
        p = q < 0 ? p : p.substring(0, q);
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    public static Optional<ArmOperation> map(String method, String path) {
        String key = method.toUpperCase(Locale.ROOT) + " " + pathOnly(path);
        return ROUTES.entrySet().stream().filter(e -> e.getKey().matcher(key).matches()).map(Map.Entry::getValue).findFirst();
    }
}
