package dev.tether.azure;

/**
 * Every ARM operation Tether's gateways call, with the RBAC action it needs. This table is the source of truth for the
 * least-privilege role: nothing else may be called.
 */
public enum ArmOperation {
    GET_SITE("Microsoft.Web/sites/read"),
    GET_SLOT("Microsoft.Web/sites/slots/read"),
    PATCH_SITE("Microsoft.Web/sites/write"),
    PATCH_SLOT("Microsoft.Web/sites/slots/write"),
    LIST_APP_SETTINGS("Microsoft.Web/sites/config/list/action"),
    LIST_SLOT_APP_SETTINGS("Microsoft.Web/sites/slots/config/list/action"),
    PUT_APP_SETTINGS("Microsoft.Web/sites/config/write"),
    PUT_SLOT_APP_SETTINGS("Microsoft.Web/sites/slots/config/write"),
    GET_PLAN("Microsoft.Web/serverfarms/read"),
    GET_CLUSTER("Microsoft.ContainerService/managedClusters/read"),
    LIST_CLUSTERS("Microsoft.ContainerService/managedClusters/read"),
    GET_PUBLIC_IP("Microsoft.Network/publicIPAddresses/read"),
    LIST_CLUSTER_USER_CREDENTIAL("Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"),
    GET_VNET("Microsoft.Network/virtualNetworks/read"),
    GET_SUBNET("Microsoft.Network/virtualNetworks/subnets/read"),
    PUT_SUBNET("Microsoft.Network/virtualNetworks/subnets/write"),
    JOIN_SUBNET("Microsoft.Network/virtualNetworks/subnets/join/action"),
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
