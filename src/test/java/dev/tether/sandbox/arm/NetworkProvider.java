package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * Microsoft.Network: VNets (GET), subnets (GET, and PUT as a long-running operation judged like the network provider
 * judges ranges), and any other network resource the world holds (public IPs, load balancers: GET).
 */
final class NetworkProvider {
    static final Pattern VNET = Pattern.compile(ArmEmulator.RG_PATH + "microsoft\\.network/virtualnetworks/([^/]+)(/subnets/([^/]+))?");
    static final Pattern OTHER = Pattern.compile(ArmEmulator.RG_PATH + "microsoft\\.network/(publicipaddresses|loadbalancers)/[^/]+");

    private final ArmWorld world;
    private final Operations operations;

    NetworkProvider(ArmWorld world, Operations operations) {
        this.world = world;
        this.operations = operations;
    }

    Reply vnet(String method, String path) {
        ArmEmulator.requireMethod(method, "GET");
        return Reply.ok(world.existing(path));
    }

    Reply other(String method, String path) {
        ArmEmulator.requireMethod(method, "GET");
        return Reply.ok(world.existing(path));
    }

    Reply subnet(String method, String path, JsonNode body, String apiVersion) {
        ArmEmulator.requireMethod(method, "GET", "PUT", "DELETE");
        String vnetId = path.substring(0, path.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/"));
        ObjectNode vnet = world.existing(vnetId);
        Optional<ObjectNode> current = world.findSubnet(path);
        if (method.equals("GET")) {
            // A subnet is a child resource: the network provider, not ARM, says it is missing, in its own words.
            return Reply.ok(current.orElseThrow(() -> Rule.NETWORK_CHILD_NOT_FOUND.networkError("Resource " + path + " not found.")));
        }
        if (method.equals("DELETE")) {
            return delete(vnet, path, current, apiVersion);
        }
        ObjectNode written = writeSubnet(vnet, path, current, body);
        String op = operations.start(written.path("id").asText());
        String location = ArmWorld.canonicalLocation(vnet.path("location").asText());
        String sub = path.split("/")[2];
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", ArmEmulator.HOST + "/subscriptions/" + sub + "/providers/Microsoft.Network/locations/" + location
                + "/operations/" + op + "?api-version=" + apiVersion);
        return new Reply(current.isPresent() ? 200 : 201, written.deepCopy(), headers);
    }

    /**
     * A subnet DELETE: 204 when there is no such subnet; refused while anything is in it (a service association link,
     * IP configurations); otherwise removed from its VNet and answered 202 with the operation's Azure-AsyncOperation.
     */
    private Reply delete(ObjectNode vnet, String path, Optional<ObjectNode> current, String apiVersion) {
        if (current.isEmpty()) {
            return new Reply(204, null, Map.of());
        }
        JsonNode props = current.get().path("properties");
        List<String> users = new ArrayList<>();
        props.path("serviceAssociationLinks").forEach(l -> users.add(l.path("id").asText()));
        props.path("ipConfigurations").forEach(c -> users.add(c.path("id").asText()));
        boolean onlyLingering = !users.isEmpty() && props.path("ipConfigurations").isEmpty();
        for (JsonNode l : props.path("serviceAssociationLinks")) {
            onlyLingering &= world.linkRemovals.containsKey(ArmWorld.linkKey(current.get().path("id").asText(), l.path("properties").path("link").asText()));
        }
        if (onlyLingering) {
            // The plan's last app has left, but App Service has not removed its link yet: the same refusal, until it does.
            throw Rule.SUBNET_LINK_REMOVAL_LAG.error("Subnet " + current.get().path("name").asText() + " is in use by " + String.join(", ", users)
                    + " and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
        }
        if (!users.isEmpty()) {
            throw Rule.SUBNET_IN_USE_DELETE.error("Subnet " + current.get().path("name").asText() + " is in use by " + String.join(", ", users)
                    + " and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
        }
        ArrayNode kept = ArmWorld.M.createArrayNode();
        for (JsonNode sn : vnet.path("properties").path("subnets")) {
            if (!ArmWorld.key(sn.path("id").asText()).equals(ArmWorld.key(current.get().path("id").asText()))) {
                kept.add(sn);
            }
        }
        ((ObjectNode) vnet.get("properties")).set("subnets", kept);
        String op = operations.start(null);
        String location = ArmWorld.canonicalLocation(vnet.path("location").asText());
        String sub = path.split("/")[2];
        String url = ArmEmulator.HOST + "/subscriptions/" + sub + "/providers/Microsoft.Network/locations/" + location + "/operations/" + op
                + "?api-version=" + apiVersion;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", url);
        headers.put("Location", url);
        return new Reply(202, null, headers);
    }

    /** An operation ends: its subnet leaves Updating. */
    void operationEnded(String subnetId, String state) {
        world.findSubnet(subnetId).ifPresent(sn -> ((ObjectNode) sn.get("properties")).put("provisioningState", state));
    }

    private ObjectNode writeSubnet(ObjectNode vnet, String path, Optional<ObjectNode> current, JsonNode body) {
        if (body == null || !body.path("properties").isObject()) {
            throw Rule.SUBNET_BODY_INVALID.error("Cannot parse the request: the subnet needs 'properties'.");
        }
        JsonNode props = body.path("properties");
        String prefix = props.path("addressPrefix").asText(null);
        if (prefix == null && props.path("addressPrefixes").isArray() && !props.path("addressPrefixes").isEmpty()) {
            prefix = props.path("addressPrefixes").get(0).asText();
        }
        if (prefix == null) {
            throw Rule.SUBNET_BODY_INVALID.error("Subnet " + path + " has no addressPrefix.");
        }
        Ipv4Prefix cidr;
        try {
            cidr = Ipv4Prefix.parse(prefix);
        } catch (Ipv4Prefix.Invalid e) {
            if (e.misaligned) {
                throw Rule.SUBNET_CIDR_MISALIGNED.error("The address prefix " + prefix + " in resource " + path
                        + " has an invalid CIDR notation. " + e.getMessage());
            }
            throw Rule.SUBNET_PREFIX_FORMAT.error("Address prefix " + prefix + " of subnet " + path + " is not formatted correctly.");
        }
        boolean inside = false;
        for (JsonNode space : vnet.path("properties").path("addressSpace").path("addressPrefixes")) {
            inside |= Ipv4Prefix.stored(space.asText()).map(s -> s.contains(cidr)).orElse(false);
        }
        if (!inside) {
            throw Rule.SUBNET_OUTSIDE_VNET.error("Subnet '" + ArmWorld.last(path) + "' is not valid because its IP address range is outside the IP address range of virtual network '"
                    + vnet.path("name").asText() + "'.");
        }
        for (JsonNode other : vnet.path("properties").path("subnets")) {
            if (ArmWorld.key(other.path("id").asText()).equals(ArmWorld.key(path))) {
                continue;
            }
            for (String op : prefixesOf(other.path("properties"))) {
                if (Ipv4Prefix.stored(op).map(o -> o.overlaps(cidr)).orElse(false)) {
                    throw Rule.SUBNET_OVERLAP.error("Subnet '" + ArmWorld.last(path) + "' is not valid because its IP address range overlaps with that of an existing subnet '"
                            + other.path("name").asText() + "' in virtual network '" + vnet.path("name").asText() + "'.");
                }
            }
        }
        current.ifPresent(c -> refuseChangesInUse(c, props, cidr));
        String id = current.map(c -> c.path("id").asText()).orElse(path);
        ObjectNode subnet = ArmWorld.M.createObjectNode();
        subnet.put("name", ArmWorld.last(id)).put("id", id).put("etag", "W/\"" + UUID.randomUUID() + "\"")
                .put("type", "Microsoft.Network/virtualNetworks/subnets");
        ObjectNode outProps = subnet.putObject("properties");
        // Updating until its operation is polled to an end, as Azure shows a subnet while its PUT runs.
        outProps.put("provisioningState", "Updating");
        outProps.put("addressPrefix", prefix);
        props.fields().forEachRemaining(e -> {
            if (!List.of("provisioningState", "addressPrefix", "delegations", "serviceAssociationLinks", "ipConfigurations").contains(e.getKey())) {
                outProps.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        ArrayNode delegations = outProps.putArray("delegations");
        for (JsonNode d : props.path("delegations")) {
            String dname = d.path("name").asText("delegation");
            ObjectNode dn = delegations.addObject();
            dn.put("name", dname).put("id", id + "/delegations/" + dname).put("type", "Microsoft.Network/virtualNetworks/subnets/delegations");
            ObjectNode dp = dn.putObject("properties");
            dp.put("serviceName", d.path("properties").path("serviceName").asText());
            dp.putArray("actions").add("Microsoft.Network/virtualNetworks/subnets/action");
            dp.put("provisioningState", "Succeeded");
        }
        current.ifPresent(c -> {
            for (String kept : List.of("serviceAssociationLinks", "ipConfigurations")) {
                if (c.path("properties").has(kept)) {
                    outProps.set(kept, c.path("properties").get(kept).deepCopy());
                }
            }
        });
        outProps.put("purpose", "");
        ArmWorld.upsertSubnet(vnet, subnet);
        return subnet;
    }

    /**
     * A subnet in use keeps what its users need: a service association link (App Service's AppServiceLink) requires its
     * delegation to stay, and a subnet with an association link or IP configurations keeps its address range.
     */
    private static void refuseChangesInUse(ObjectNode current, JsonNode wanted, Ipv4Prefix cidr) {
        JsonNode links = current.path("properties").path("serviceAssociationLinks");
        for (JsonNode link : links) {
            boolean web = link.path("properties").path("linkedResourceType").asText().equalsIgnoreCase("Microsoft.Web/serverfarms");
            boolean keeps = false;
            for (JsonNode d : wanted.path("delegations")) {
                keeps |= d.path("properties").path("serviceName").asText().equalsIgnoreCase("Microsoft.Web/serverFarms");
            }
            if (web && !keeps) {
                throw Rule.SUBNET_DELEGATION_REQUIRED.error("Subnet " + current.path("id").asText() + " requires any of the following delegation(s)"
                        + " [Microsoft.Web/serverFarms] to reference service association link " + link.path("id").asText() + ".");
            }
        }
        boolean inUse = !links.isEmpty() || !current.path("properties").path("ipConfigurations").isEmpty();
        boolean samePrefix = prefixesOf(current.path("properties")).stream()
                .anyMatch(p -> Ipv4Prefix.stored(p).map(c -> c.equals(cidr)).orElse(false));
        if (inUse && !samePrefix) {
            throw Rule.SUBNET_IN_USE.error("Subnet " + current.path("name").asText() + " is in use and cannot be updated.");
        }
    }

    /** A subnet's prefixes: addressPrefix and/or addressPrefixes, as ARM bodies carry either. */
    static List<String> prefixesOf(JsonNode subnetProperties) {
        List<String> out = new ArrayList<>();
        if (subnetProperties.hasNonNull("addressPrefix")) {
            out.add(subnetProperties.get("addressPrefix").asText());
        }
        subnetProperties.path("addressPrefixes").forEach(p -> out.add(p.asText()));
        return out;
    }
}
