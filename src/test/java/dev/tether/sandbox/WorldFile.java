package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WORLD.json (DESIGN.md section 4): ARM resource bodies exactly as GET returns them, app settings per site or slot,
 * and Kubernetes objects per managed cluster.
 */
public record WorldFile(List<ObjectNode> resources, Map<String, Map<String, String>> appSettings,
                        Map<String, List<ObjectNode>> kubernetes, List<String> subscriptions) {

    private static final ObjectMapper M = new ObjectMapper();

    /** Reads and checks a world file; a problem is an {@link IllegalArgumentException} whose message names it. */
    public static WorldFile read(Path path) {
        JsonNode root;
        try {
            root = M.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("world file " + path + " is unreadable: " + e.getMessage());
        }
        return parse(root, path.toString());
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
        return new WorldFile(resources, settings, kube, subs);
    }
}
