package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * Deployment slots as App Service swaps them.
 * <ul>
 * <li>{@code GET|PUT /sites/{name}/config/slotConfigNames}: the site's slot settings, one list for the production slot
 * and every deployment slot (slots have no slotConfigNames of their own: the REST spec's {@code WebApps_ListSlotConfigurationNames}
 * and {@code WebApps_UpdateSlotConfigurationNames} exist on the site only). Properties {@code appSettingNames},
 * {@code connectionStringNames}, {@code azureStorageConfigNames} (SlotConfigNames in the Microsoft.Web spec; Azure/bicep-types-az
 * "Microsoft.Web/sites/config" name 'slotConfigNames'). The PUT replaces the whole list with what it carries.</li>
 * <li>{@code POST /sites/{name}/slotsswap} (production with {@code targetSlot}) and {@code POST /sites/{name}/slots/{slot}/slotsswap}
 * ({@code slot} with {@code targetSlot}, which may be "production"): body CsmSlotEntity {@code {targetSlot, preserveVnet}}, both
 * required; a long-running operation (200 or 202 in the spec; answered 202 here, polled through operationResults).</li>
 * </ul>
 * What a swap exchanges, from learn "Set up staging environments in Azure App Service", "Which settings are swapped?":
 * app settings swap unless their name is in {@code appSettingNames} (matched exactly: the docs do not say the match ignores
 * case, so the world takes the stricter reading); virtual network integration is not swapped ({@code virtualNetworkSubnetId}
 * and route-all, {@code outboundVnetRouting} / {@code vnetRouteAllEnabled}, stay with the slot while {@code preserveVnet} is
 * true, which is what the portal and {@code az webapp deployment slot swap} send; with false they move, as CsmSlotEntity
 * describes preserveVnet). Tags are ARM metadata of each slot resource and stay. The site property
 * {@code dnsConfiguration} is in neither list of the docs: the world moves it with the content, the case in which a site
 * property could be separated from its integration (Tether never writes it and refuses one that is not tether-dns's).
 */
final class WebSlots {
    private final ArmWorld world;
    /** Site key to its slotConfigNames properties as last PUT (absent: never set). */
    private final Map<String, ObjectNode> slotConfigNames = new LinkedHashMap<>();

    WebSlots(ArmWorld world) {
        this.world = world;
    }

    void put(String siteId, ObjectNode properties) {
        slotConfigNames.put(ArmWorld.key(siteId), properties.deepCopy());
    }

    /** The stored properties (a copy), or an empty object when the site never set any. */
    ObjectNode properties(String siteId) {
        ObjectNode p = slotConfigNames.get(ArmWorld.key(siteId));
        return p == null ? ArmWorld.M.createObjectNode() : p.deepCopy();
    }

    Reply slotConfigNames(String method, ObjectNode site, JsonNode body) {
        ArmEmulator.requireMethod(method, "GET", "PUT");
        String siteId = site.path("id").asText();
        if (method.equals("PUT")) {
            if (body == null || !body.path("properties").isObject()) {
                throw Rule.WEB_SLOT_CONFIG_NAMES_BODY.error("The slot configuration names body must have an object 'properties'.");
            }
            put(siteId, (ObjectNode) body.path("properties"));
        }
        ObjectNode out = ArmWorld.M.createObjectNode();
        out.put("id", siteId + "/config/slotConfigNames").put("name", "slotConfigNames").put("type", "Microsoft.Web/sites/config");
        out.set("properties", properties(siteId));
        return Reply.ok(out);
    }

    /** Swaps {@code source} (the site, or one of its slots) with the slot {@code body.targetSlot} names. */
    void swap(ObjectNode site, ObjectNode source, JsonNode body) {
        if (body == null || !body.path("targetSlot").isTextual() || body.path("targetSlot").asText().isBlank() || !body.path("preserveVnet").isBoolean()) {
            throw Rule.WEB_SLOT_SWAP_BODY.error("The swap body must name 'targetSlot' and set 'preserveVnet'.");
        }
        String siteId = site.path("id").asText();
        String target = body.path("targetSlot").asText();
        ObjectNode other = target.equalsIgnoreCase("production") ? site : world.existing(siteId + "/slots/" + target);
        if (other == source) {
            throw Rule.WEB_SLOT_SWAP_BODY.error("Cannot swap slot '" + target + "' with itself.");
        }
        List<String> sticky = new java.util.ArrayList<>();
        properties(siteId).path("appSettingNames").forEach(n -> sticky.add(n.asText()));
        String a = source.path("id").asText();
        String b = other.path("id").asText();
        Map<String, String> settingsA = world.appSettingsOf(a);
        Map<String, String> settingsB = world.appSettingsOf(b);
        world.replaceAppSettings(a, swapped(settingsA, settingsB, sticky));
        world.replaceAppSettings(b, swapped(settingsB, settingsA, sticky));
        List<String> moving = new java.util.ArrayList<>(List.of("dnsConfiguration"));
        if (!body.path("preserveVnet").asBoolean()) {
            moving.addAll(List.of("virtualNetworkSubnetId", "outboundVnetRouting", "vnetRouteAllEnabled"));
        }
        ObjectNode pa = source.with("properties");
        ObjectNode pb = other.with("properties");
        for (String field : moving) {
            JsonNode va = pa.remove(field);
            JsonNode vb = pb.remove(field);
            if (vb != null) {
                pa.set(field, vb);
            }
            if (va != null) {
                pb.set(field, va);
            }
        }
    }

    /** What a slot holds after a swap: its own slot settings, and the other slot's settings that are not slot settings. */
    private static Map<String, String> swapped(Map<String, String> own, Map<String, String> other, List<String> sticky) {
        Map<String, String> out = new LinkedHashMap<>();
        other.forEach((k, v) -> {
            if (!sticky.contains(k)) {
                out.put(k, v);
            }
        });
        own.forEach((k, v) -> {
            if (sticky.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    static boolean isSwap(String suffix) {
        return suffix.toLowerCase(Locale.ROOT).equals("/slotsswap");
    }
}
