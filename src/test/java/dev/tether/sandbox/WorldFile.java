package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.kubernetes.ApiServerNetwork;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WORLD.json (docs/CONTRACT.md): ARM resource bodies exactly as GET returns them, app settings per site or slot,
 * Kubernetes objects per managed cluster, and optionally the subscriptions in scope, the Functions host's keys, and
 * {@code tether}, Tether's own network position ({@code {"vnetIds": [...], "outboundIps": [...]}}, see
 * {@link ApiServerNetwork.Position}), which decides which API servers it reaches and sets its TETHER_NETWORK_VNETS and
 * TETHER_OUTBOUND_IPS.
 */
public record WorldFile(List<ObjectNode> resources, Map<String, Map<String, String>> appSettings,
                        Map<String, List<ObjectNode>> kubernetes, List<String> subscriptions, ApiServerNetwork.Position tether,
                        HttpHost.Keys functionKeys) {

    public WorldFile(List<ObjectNode> resources, Map<String, Map<String, String>> appSettings,
                     Map<String, List<ObjectNode>> kubernetes, List<String> subscriptions) {
        this(resources, appSettings, kubernetes, subscriptions, ApiServerNetwork.Position.none(), HttpHost.Keys.defaults());
    }

    private static final ObjectMapper M = new ObjectMapper();

    /** Reads and checks a world file; a problem is an {@link IllegalArgumentException} whose message names it. */
    public static WorldFile read(Path path) {
        return parse(readJson(path, "world file"), path.toString());
    }

    /**
     * Reads a JSON input file; what is wrong with it is one line: not found, not readable, or not valid JSON at a line
     * and column.
     */
    public static JsonNode readJson(Path path, String what) {
        String text;
        try {
            text = Files.readString(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + path + " not found");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(what + " " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            JsonNode root = M.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new IllegalArgumentException(what + " " + path + " is empty");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException(what + " " + path + " is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        }
    }

    public static WorldFile parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("world file " + where + " must be a JSON object with \"resources\"");
        }
        JsonNode res = root.path("resources");
        if (!res.isArray()) {
            throw new IllegalArgumentException("world file " + where + ": \"resources\" must be an array of ARM resource bodies");
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (int i = 0; i < res.size(); i++) {
            JsonNode r = res.get(i);
            if (!r.isObject() || !r.path("id").isTextual() || !r.path("type").isTextual()) {
                throw new IllegalArgumentException("world file " + where + ": resources[" + i + "] needs at least \"id\" and \"type\"");
            }
            resources.add((ObjectNode) r);
        }
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        root.path("appSettings").fields().forEachRemaining(e -> {
            Map<String, String> values = new LinkedHashMap<>();
            if (!e.getValue().isObject()) {
                throw new IllegalArgumentException("world file " + where + ": appSettings[\"" + e.getKey() + "\"] must be an object of strings");
            }
            e.getValue().fields().forEachRemaining(v -> values.put(v.getKey(), v.getValue().asText()));
            settings.put(e.getKey(), values);
        });
        Map<String, List<ObjectNode>> kube = new LinkedHashMap<>();
        root.path("kubernetes").fields().forEachRemaining(e -> {
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException("world file " + where + ": kubernetes[\"" + e.getKey() + "\"] must be an array of objects");
            }
            List<ObjectNode> objects = new ArrayList<>();
            e.getValue().forEach(o -> objects.add((ObjectNode) o));
            kube.put(e.getKey(), objects);
        });
        List<String> subs = new ArrayList<>();
        if (root.path("subscriptions").isArray()) {
            root.path("subscriptions").forEach(s -> subs.add(s.asText()));
        } else {
            resources.forEach(r -> {
                String[] parts = r.get("id").asText().split("/");
                if (parts.length > 2 && parts[1].equalsIgnoreCase("subscriptions") && subs.stream().noneMatch(parts[2]::equalsIgnoreCase)) {
                    subs.add(parts[2]);
                }
            });
        }
        return new WorldFile(resources, settings, kube, subs, position(root.path("tether"), where), keys(root.path("functionKeys"), where));
    }

    private static ApiServerNetwork.Position position(JsonNode tether, String where) {
        if (tether.isMissingNode() || tether.isNull()) {
            return ApiServerNetwork.Position.none();
        }
        if (!tether.isObject()) {
            throw new IllegalArgumentException("world file " + where + ": \"tether\" must be an object with \"vnetIds\" and \"outboundIps\"");
        }
        List<String> vnets = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String f : (Iterable<String>) tether::fieldNames) {
            JsonNode v = tether.get(f);
            List<String> into = switch (f) {
                case "vnetIds" -> vnets;
                case "outboundIps" -> ips;
                default -> throw new IllegalArgumentException("world file " + where + ": tether." + f + " is not known (use vnetIds and outboundIps)");
            };
            if (!v.isArray()) {
                throw new IllegalArgumentException("world file " + where + ": tether." + f + " must be an array of strings");
            }
            v.forEach(x -> into.add(x.asText()));
        }
        return new ApiServerNetwork.Position(vnets, ips);
    }

    /** {@code "functionKeys": {"host": {"default": "..."}, "master": "...", "functions": {"<FunctionName>": {"default": "..."}}}}. */
    private static HttpHost.Keys keys(JsonNode k, String where) {
        if (k.isMissingNode() || k.isNull()) {
            return HttpHost.Keys.defaults();
        }
        if (!k.isObject()) {
            throw new IllegalArgumentException("world file " + where + ": \"functionKeys\" must be an object with \"host\", \"master\" or \"functions\"");
        }
        Map<String, String> host = strings(k.path("host"), where, "functionKeys.host");
        Map<String, Map<String, String>> functions = new LinkedHashMap<>();
        k.path("functions").fields().forEachRemaining(e -> functions.put(e.getKey(), strings(e.getValue(), where, "functionKeys.functions." + e.getKey())));
        String master = k.path("master").isTextual() ? k.get("master").asText() : null;
        if (host.isEmpty() && master == null && functions.isEmpty()) {
            throw new IllegalArgumentException("world file " + where + ": \"functionKeys\" names no key");
        }
        return new HttpHost.Keys(host, master, functions);
    }

    private static Map<String, String> strings(JsonNode o, String where, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o.isMissingNode()) {
            return out;
        }
        if (!o.isObject()) {
            throw new IllegalArgumentException("world file " + where + ": \"" + field + "\" must be an object of key name to key value");
        }
        o.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
                throw new IllegalArgumentException("world file " + where + ": " + field + "." + e.getKey() + " must be a non-empty string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    /** The same world with other host keys (simulate --function-key). */
    public WorldFile withHostKey(String key) {
        Map<String, String> host = new LinkedHashMap<>(functionKeys.host());
        host.put("default", key);
        return new WorldFile(resources, appSettings, kubernetes, subscriptions, tether, new HttpHost.Keys(host, functionKeys.master(), functionKeys.functions()));
    }
}
