package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the emulated ARM holds: resource bodies as GET returns them (subnets inside their VNet), app settings, and the
 * resource groups they live in. Ids compare case-insensitively, as ARM compares them. Not thread-safe on its own: the
 * emulator serializes every request.
 */
final class ArmWorld {
    static final ObjectMapper M = new ObjectMapper();

    final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    final Map<String, Map<String, String>> appSettings = new LinkedHashMap<>();
    private final Map<String, String> settingsIds = new LinkedHashMap<>();
    /**
     * Service association links App Service has still to remove: {@code subnetKey|planKey} to the time it removes the
     * link (the last app of the plan left the subnet; {@link PlatformRules.Rule#SUBNET_LINK_REMOVAL_LAG}).
     */
    final Map<String, java.time.Instant> linkRemovals = new LinkedHashMap<>();
    /** How long App Service takes to remove a plan's link after its last app left (zero: at once). */
    java.time.Duration linkRemovalLag = java.time.Duration.ZERO;

    static String linkKey(String subnetId, String planId) {
        return key(subnetId) + "|" + key(planId);
    }

    /** Removes the plan's service association link from the subnet (App Service's, once its last app left). */
    void removeServiceLink(String subnetId, String planId) {
        findSubnet(subnetId).ifPresent(sn -> {
            ArrayNode kept = M.createArrayNode();
            sn.path("properties").path("serviceAssociationLinks").forEach(l -> {
                if (!l.path("properties").path("link").asText().equalsIgnoreCase(planId)) {
                    kept.add(l);
                }
            });
            if (kept.isEmpty()) {
                ((ObjectNode) sn.get("properties")).remove("serviceAssociationLinks");
            } else {
                ((ObjectNode) sn.get("properties")).set("serviceAssociationLinks", kept);
            }
        });
    }

    /** Removes every link whose lag has passed at {@code now}. */
    void settleServiceLinks(java.time.Instant now) {
        var due = linkRemovals.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey).toList();
        for (String k : due) {
            linkRemovals.remove(k);
            String[] parts = k.split("\\|", 2);
            removeServiceLink(parts[0], parts[1]);
        }
    }

    /** Subnets given on their own before their VNet: VNet key to subnet key to body. */
    private final Map<String, Map<String, ObjectNode>> waitingSubnets = new LinkedHashMap<>();

    static String key(String id) {
        String k = id.toLowerCase(Locale.ROOT);
        return k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
    }

    static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String canonicalLocation(String location) {
        return location.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Stores a resource body as GET returns it. A subnet given on its own is placed inside its VNet's
     * {@code properties.subnets} (replacing a nested subnet with the same id), whichever of the two comes first: a subnet
     * whose VNet is not stored yet waits, listed at top level by {@link #all()}, and joins the VNet when it arrives.
     */
    void put(ObjectNode body) {
        String id = body.path("id").asText();
        String type = body.path("type").asText("");
        if (type.equalsIgnoreCase("Microsoft.Network/virtualNetworks/subnets") || key(id).matches(".*/virtualnetworks/[^/]+/subnets/[^/]+")) {
            String vnetKey = key(id.substring(0, id.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/")));
            ObjectNode vnet = resources.get(vnetKey);
            if (vnet == null) {
                waitingSubnets.computeIfAbsent(vnetKey, k -> new LinkedHashMap<>()).put(key(id), body.deepCopy());
            } else {
                upsertSubnet(vnet, body.deepCopy());
            }
            return;
        }
        ObjectNode stored = body.deepCopy();
        resources.put(key(id), stored);
        Map<String, ObjectNode> waiting = waitingSubnets.remove(key(id));
        if (waiting != null) {
            waiting.values().forEach(subnet -> upsertSubnet(stored, subnet));
        }
    }

    void putAppSettings(String siteOrSlotId, Map<String, String> settings) {
        appSettings.put(key(siteOrSlotId), new LinkedHashMap<>(settings));
        settingsIds.put(key(siteOrSlotId), siteOrSlotId);
    }

    void replaceAppSettings(String siteOrSlotId, Map<String, String> settings) {
        appSettings.put(key(siteOrSlotId), settings);
        settingsIds.putIfAbsent(key(siteOrSlotId), siteOrSlotId);
    }

    Map<String, String> appSettingsOf(String siteOrSlotId) {
        return appSettings.getOrDefault(key(siteOrSlotId), Map.of());
    }

    Map<String, Map<String, String>> allAppSettings() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        appSettings.forEach((k, v) -> out.put(settingsIds.get(k), new LinkedHashMap<>(v)));
        return out;
    }

    /** A stored resource by id; subnets are found inside their VNet (or waiting for it). The stored node, not a copy. */
    Optional<ObjectNode> find(String id) {
        ObjectNode r = resources.get(key(id));
        if (r != null) {
            return Optional.of(r);
        }
        Optional<ObjectNode> subnet = findSubnet(id);
        if (subnet.isPresent()) {
            return subnet;
        }
        return waitingSubnets.values().stream().map(w -> w.get(key(id))).filter(Objects::nonNull).findFirst();
    }

    /**
     * The current world, for RESULT.json: every stored resource in insertion order, subnets nested in their VNet as ARM
     * returns them (never duplicated at top level), then any subnet still waiting for a VNet that was never given.
     */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>();
        resources.values().forEach(r -> out.add(r.deepCopy()));
        waitingSubnets.values().forEach(w -> w.values().forEach(s -> out.add(s.deepCopy())));
        return out;
    }

    /** The stored resource, or ARM's 404: ResourceGroupNotFound when its group holds nothing, else ResourceNotFound. */
    ObjectNode existing(String id) {
        ObjectNode r = resources.get(key(id));
        if (r == null) {
            throw notFound(id);
        }
        return r;
    }

    Optional<ObjectNode> findSubnet(String subnetId) {
        String k = key(subnetId);
        int i = k.lastIndexOf("/subnets/");
        if (i < 0) {
            return Optional.empty();
        }
        ObjectNode vnet = resources.get(k.substring(0, i));
        if (vnet == null) {
            return Optional.empty();
        }
        for (JsonNode s : vnet.path("properties").path("subnets")) {
            if (key(s.path("id").asText()).equals(k)) {
                return Optional.of((ObjectNode) s);
            }
        }
        return Optional.empty();
    }

    static void upsertSubnet(ObjectNode vnet, ObjectNode subnet) {
        ObjectNode props = vnet.with("properties");
        ArrayNode subnets = props.has("subnets") ? (ArrayNode) props.get("subnets") : props.putArray("subnets");
        for (int i = 0; i < subnets.size(); i++) {
            if (key(subnets.get(i).path("id").asText()).equals(key(subnet.path("id").asText()))) {
                subnets.set(i, subnet);
                return;
            }
        }
        subnets.add(subnet);
    }

    /**
     * A resource group exists when the world holds anything in it (the world files list resources, not groups). Ids
     * outside a resource group have none to check.
     */
    boolean resourceGroupExists(String id) {
        String[] parts = id.split("/");
        if (parts.length < 5 || !parts[3].equalsIgnoreCase("resourceGroups")) {
            return true;
        }
        String prefix = ("/subscriptions/" + parts[2] + "/resourcegroups/" + parts[4] + "/").toLowerCase(Locale.ROOT);
        return resources.keySet().stream().anyMatch(k -> k.startsWith(prefix))
                || waitingSubnets.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /**
     * ARM's 404 for a missing resource: {@code ResourceGroupNotFound} when the group itself is missing, else
     * {@code ResourceNotFound} naming the resource by its full type ("Microsoft.Network/virtualNetworks/v/subnets/s").
     */
    ArmError notFound(String id) {
        String[] parts = id.split("/");
        String rg = parts.length > 4 ? parts[4] : "";
        if (!resourceGroupExists(id)) {
            return PlatformRules.Rule.RESOURCE_GROUP_NOT_FOUND.error("Resource group '" + rg + "' could not be found.");
        }
        int providers = id.toLowerCase(Locale.ROOT).lastIndexOf("/providers/");
        String typeAndName = providers < 0 ? id : id.substring(providers + "/providers/".length());
        return PlatformRules.Rule.RESOURCE_NOT_FOUND.error("The Resource '" + typeAndName + "' under resource group '" + rg
                + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }
}
