package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lets other test packages build the slot world and the cluster tag event of {@link ClusterLinkTest}. */
public final class ClusterLinkAccess {
    private ClusterLinkAccess() {
    }

    public static ObjectNode worldWithSlot() {
        return ClusterLinkTest.worldWithSlot();
    }

    public static ArrayNode clusterTagEvent() {
        return ClusterLinkTest.clusterTagEvent();
    }
}
