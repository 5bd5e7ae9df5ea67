package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * ARM's authorization, checked before a request reaches its provider: the action a request performs is derived the
 * way ARM derives it ({@code {namespace}/{type}[/{child type}]/read|write|delete}, or {@code .../{name}/action} for a
 * POST), and must be one of the role's actions; a write that references another resource also needs that resource's
 * {@code join/action} (the linked access check). Sources: learn "Azure resource provider operations" and
 * "Troubleshoot Azure RBAC" (AuthorizationFailed, body as in Azure/ARO-RP#66); App Service's VNet integration permissions
 * (subnets/join/action, learn overview-vnet-integration#permissions); the network provider's linked access checks on a
 * subnet's NSG, route table and NAT gateway (learn virtual-network-manage-subnet#permissions; body as in
 * microsoft/planetary-computer-hub#25, kubernetes-sigs/azurefile-csi-driver#2495).
 */
final class Authorization {
    /** The object id the sandbox's managed identity is given in refusals. */
    static final String PRINCIPAL = dev.tether.sandbox.EntraTokens.TETHER_OBJECT_ID;
    static final Path CONTRACT = Path.of("infra", "generated", "tether-contract.json");

    /** The actions a principal holds; {@code null} holds everything (an Owner). Compared case-insensitively, as ARM does. */
    record Role(Set<String> actions) {
        static Role everything() {
            return new Role(null);
        }

        /** Tether's custom role, as the deployment creates it from infra/generated/tether-contract.json. */
        static Role tether() {
            try {
                Set<String> actions = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                ArmWorld.M.readTree(Files.readString(CONTRACT)).path("roleActions").forEach(a -> actions.add(a.asText()));
                if (actions.isEmpty()) {
                    throw new IllegalStateException(CONTRACT + " lists no roleActions");
                }
                return new Role(actions);
            } catch (IOException e) {
                throw new UncheckedIOException("the sandbox enforces Tether's role from " + CONTRACT + " (run from the repository root)", e);
            }
        }

        static Role of(Set<String> actions) {
            Set<String> copy = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            copy.addAll(actions);
            return new Role(copy);
        }

        boolean allows(String action) {
            return actions == null || actions.contains(action);
        }
    }

    private static final Set<String> SERVED = Set.of("microsoft.web", "microsoft.network", "microsoft.containerservice",
            "microsoft.resources", "microsoft.resourcegraph");

    private record Linked(String action, String scope) {
    }

    private Role role = Role.tether();
    /** Every action granted so far, linked ones included, in first-use order: what an activity log would show. */
    final Set<String> granted = new java.util.LinkedHashSet<>();

    /** While true, calls are another actor's (an Owner): authorized, and not added to {@link #granted}. */
    volatile boolean user;

    void setRole(Role role) {
        this.role = role;
    }

    /** Refuses the request with ARM's 403 when the role lacks its action or a linked resource's join action. */
    void check(String method, String path, JsonNode body) {
        if (user) {
            return;
        }
        String scope = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String action = actionOf(method, scope);
        if (action == null || !SERVED.contains(action.substring(0, action.indexOf('/')).toLowerCase(Locale.ROOT))) {
            return; // a namespace no provider of this world serves: answered InvalidResourceType by the router
        }
        if (!role.allows(action)) {
            throw Rule.AUTHORIZATION_FAILED.error("The client '" + PRINCIPAL + "' with object id '" + PRINCIPAL
                    + "' does not have authorization to perform action '" + action + "' over scope '" + scope
                    + "' or the scope is invalid. If access was recently granted, please refresh your credentials.");
        }
        List<String> used = new ArrayList<>(List.of(action));
        for (Linked l : linked(method, scope, body)) {
            if (!role.allows(l.action())) {
                throw Rule.LINKED_AUTHORIZATION_FAILED.error("The client '" + PRINCIPAL + "' with object id '" + PRINCIPAL
                        + "' has permission to perform action '" + action + "' on scope '" + scope + "'; however, it does not have permission to perform action '"
                        + l.action() + "' on the linked scope(s) '" + l.scope() + "' or the linked scope(s) are invalid.");
            }
            used.add(l.action());
        }
        granted.addAll(used);
    }

    /** The RBAC action of a request, derived from its method and path as ARM derives it. */
    static String actionOf(String method, String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.equals("/providers/microsoft.resourcegraph/resources")) {
            return "Microsoft.ResourceGraph/resources/read";
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        int providers = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).equalsIgnoreCase("providers")) {
                providers = i;
            }
        }
        String namespace;
        List<String> rest;
        if (providers >= 0 && providers + 1 >= segments.size()) {
            return null;
        }
        if (providers < 0) {
            // Microsoft.Resources itself: /subscriptions/{s}/resources, /subscriptions/{s}/resourceGroups/{rg}
            namespace = "Microsoft.Resources";
            rest = segments;
        } else {
            namespace = segments.get(providers + 1);
            rest = segments.subList(providers + 2, segments.size());
        }
        String actionName = null;
        if (method.equals("POST")) {
            actionName = rest.get(rest.size() - 1);
            rest = rest.subList(0, rest.size() - 1);
        }
        StringBuilder action = new StringBuilder(namespace);
        for (int i = 0; i < rest.size(); i += 2) {
            action.append('/').append(rest.get(i));
        }
        if (actionName != null) {
            return action.append('/').append(actionName).append("/action").toString();
        }
        return action.append('/').append(switch (method) {
            case "GET", "HEAD" -> "read";
            case "DELETE" -> "delete";
            default -> "write";
        }).toString();
    }

    private static List<Linked> linked(String method, String path, JsonNode body) {
        List<Linked> out = new ArrayList<>();
        if (body == null || !(method.equals("PUT") || method.equals("PATCH"))) {
            return out;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        JsonNode props = body.path("properties");
        if (WebProvider.SITE.matcher(lower).matches() && !lower.contains("/config/")) {
            String subnet = props.path("virtualNetworkSubnetId").asText("");
            if (!subnet.isEmpty()) {
                out.add(new Linked("Microsoft.Network/virtualNetworks/subnets/join/action", subnet));
            }
        }
        if (lower.matches(".*/providers/microsoft\\.network/virtualnetworks/[^/]+/subnets/[^/]+")) {
            for (String[] ref : new String[][]{{"networkSecurityGroup", "Microsoft.Network/networkSecurityGroups/join/action"},
                    {"routeTable", "Microsoft.Network/routeTables/join/action"}, {"natGateway", "Microsoft.Network/natGateways/join/action"}}) {
                String id = props.path(ref[0]).path("id").asText("");
                if (!id.isEmpty()) {
                    out.add(new Linked(ref[1], id));
                }
            }
        }
        return out;
    }
}
