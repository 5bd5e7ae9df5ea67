package dev.tether.azure;

/**
 * Every ARM operation Tether's gateways call, with the RBAC action it needs. This table is the source of truth for the
 * least-privilege role: nothing else may be called. Polls of long-running operations are calls like any other: ARM
 * authorizes them, so they are listed too.
 */
public enum ArmOperation {
    GET_SITE("Microsoft.Web/sites/read"),
    GET_SLOT("Microsoft.Web/sites/slots/read"),
    /**
     * The deployment slots of a site (WebApps_ListSlots): an unlink keeps Tether's slot-setting marks, which are
     * site-wide, while another slot (or production) of the site still carries Tether's DNS setting.
     */
    LIST_SLOTS("Microsoft.Web/sites/slots/read"),
    PATCH_SITE("Microsoft.Web/sites/write"),
    PATCH_SLOT("Microsoft.Web/sites/slots/write"),
    LIST_APP_SETTINGS("Microsoft.Web/sites/config/list/action"),
    LIST_SLOT_APP_SETTINGS("Microsoft.Web/sites/slots/config/list/action"),
    PUT_APP_SETTINGS("Microsoft.Web/sites/config/write"),
    PUT_SLOT_APP_SETTINGS("Microsoft.Web/sites/slots/config/write"),
    /**
     * The site's slot settings ({@code config/slotConfigNames}, one list for the production slot and every deployment slot):
     * Tether marks the DNS settings it writes so that a slot swap never carries them away from their VNet integration.
     */
    GET_SLOT_CONFIG_NAMES("Microsoft.Web/sites/config/read"),
    PUT_SLOT_CONFIG_NAMES("Microsoft.Web/sites/config/write"),
    /** The status poll of the site app settings PUT when App Service answers it 202 (a long-running operation). */
    POLL_WEB_OPERATION("Microsoft.Web/locations/operationResults/read"),
    /** An unlink leaves regional VNet integration (DELETE networkConfig/virtualNetwork). */
    DELETE_VNET_INTEGRATION("Microsoft.Web/sites/networkConfig/delete"),
    DELETE_SLOT_VNET_INTEGRATION("Microsoft.Web/sites/slots/networkConfig/delete"),
    GET_PLAN("Microsoft.Web/serverfarms/read"),
    /** The plan's VNet connections, read before a link would give the plan a new integration (SubnetSharing). */
    LIST_PLAN_VNET_CONNECTIONS("Microsoft.Web/serverfarms/virtualNetworkConnections/read"),
    GET_CLUSTER("Microsoft.ContainerService/managedClusters/read"),
    LIST_CLUSTERS("Microsoft.ContainerService/managedClusters/read"),
    GET_PUBLIC_IP("Microsoft.Network/publicIPAddresses/read"),
    LIST_CLUSTER_USER_CREDENTIAL("Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"),
    GET_VNET("Microsoft.Network/virtualNetworks/read"),
    GET_SUBNET("Microsoft.Network/virtualNetworks/subnets/read"),
    PUT_SUBNET("Microsoft.Network/virtualNetworks/subnets/write"),
    /** The subnet PUT's status poll (Azure-AsyncOperation): reading an operation is an authorized action of its own. */
    POLL_NETWORK_OPERATION("Microsoft.Network/locations/operations/read"),
    /** An unlink deletes the subnet Tether created, once nothing uses it. */
    DELETE_SUBNET("Microsoft.Network/virtualNetworks/subnets/delete"),
    JOIN_SUBNET("Microsoft.Network/virtualNetworks/subnets/join/action"),
    /**
     * Linked access checks of the subnet PUT that adds the Web delegation to an existing subnet: the PUT carries the
     * subnet's NSG, route table and NAT gateway references, and ARM answers 403 LinkedAuthorizationFailed without the
     * matching join/action (learn "virtual-network-manage-subnet#permissions"). Tether never sets them itself.
     */
    JOIN_NSG("Microsoft.Network/networkSecurityGroups/join/action"),
    JOIN_ROUTE_TABLE("Microsoft.Network/routeTables/join/action"),
    JOIN_NAT_GATEWAY("Microsoft.Network/natGateways/join/action"),
    LIST_RESOURCES_BY_TAG("Microsoft.Resources/subscriptions/resources/read"),
    RESOURCE_GRAPH_QUERY("Microsoft.ResourceGraph/resources/read");

    private final String action;

    ArmOperation(String action) {
        this.action = action;
    }

    public String action() {
        return action;
    }
}
