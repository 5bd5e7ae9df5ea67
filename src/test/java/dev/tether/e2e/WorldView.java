package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.Sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small readers over a sandbox's RESULT.json world, for assertions. */
final class WorldView {
    private final ObjectNode result;

    WorldView(Sandbox sandbox) {
        this.result = sandbox.result();
    }

    ObjectNode result() {
        return result;
    }

    Optional<JsonNode> resource(String id) {
        for (JsonNode r : result.path("world").path("resources")) {
            if (r.path("id").asText().equalsIgnoreCase(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    List<JsonNode> subnets(String vnetId) {
        List<JsonNode> out = new ArrayList<>();
        resource(vnetId).ifPresent(v -> v.path("properties").path("subnets").forEach(out::add));
        return out;
    }

    JsonNode appSettings(String siteId) {
        var it = result.path("world").path("appSettings").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(siteId)) {
                return e.getValue();
            }
        }
        return null;
    }

    Optional<JsonNode> kube(String clusterId, String kind, String namespace, String name) {
        var it = result.path("world").path("kubernetes").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().equalsIgnoreCase(clusterId)) {
                continue;
            }
            for (JsonNode o : e.getValue()) {
                if (o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name)
                        && o.path("metadata").path("namespace").asText().equals(namespace)) {
                    return Optional.of(o);
                }
            }
        }
        return Optional.empty();
    }

    /** The world with fields that legitimately differ between equal runs (server-assigned versions, restart stamps) removed. */
    ObjectNode comparableWorld() {
        ObjectNode w = result.path("world").deepCopy();
        w.path("resources").forEach(r -> r.path("properties").path("subnets").forEach(sn -> ((ObjectNode) sn).remove("etag")));
        // What the simulated controllers derive (pods, EndpointSlices, rollout status) follows the virtual clock, which
        // a crash moves; what Tether wrote is the rest.
        w.path("kubernetes").forEach(objects -> {
            for (java.util.Iterator<JsonNode> it = objects.iterator(); it.hasNext(); ) {
                String kind = it.next().path("kind").asText();
                if (kind.equals("Pod") || kind.equals("EndpointSlice")) {
                    it.remove();
                }
            }
        });
        // AKS names a Service's public IP, frontends and rules after its uid, which is volatile like the uid itself (a crash
        // can spend uids on creates that fail): they are compared under the Service's name instead.
        java.util.Map<String, String> uidNames = new java.util.HashMap<>();
        w.path("kubernetes").forEach(objects -> objects.forEach(o -> {
            String uid = o.path("metadata").path("uid").asText("");
            if (o.path("kind").asText().equals("Service") && !uid.isEmpty()) {
                String lb = "a" + uid.replace("-", "");
                uidNames.put(lb.length() > 32 ? lb.substring(0, 32) : lb,
                        "<" + o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText() + ">");
            }
        }));
        if (!uidNames.isEmpty()) {
            String text = w.path("resources").toString();
            for (java.util.Map.Entry<String, String> e : uidNames.entrySet()) {
                text = text.replace(e.getKey(), e.getValue());
            }
            try {
                com.fasterxml.jackson.databind.node.ArrayNode resources = (com.fasterxml.jackson.databind.node.ArrayNode)
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                List<JsonNode> sorted = new java.util.ArrayList<>();
                resources.forEach(sorted::add);
                sorted.sort(java.util.Comparator.comparing(r -> r.path("id").asText()));
                resources.removeAll();
                resources.addAll(sorted);
                w.set("resources", resources);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        w.path("kubernetes").forEach(objects -> objects.forEach(o -> {
            if (o.path("kind").asText().equals("Deployment") && o instanceof ObjectNode d) {
                d.remove("status");
            }
            if (o.path("metadata") instanceof ObjectNode m) {
                m.remove(List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"));
            }
            JsonNode ann = o.path("spec").path("template").path("metadata").path("annotations");
            if (ann instanceof ObjectNode a) {
                a.remove("kubectl.kubernetes.io/restartedAt");
            }
        }));
        return w;
    }

    /** The first JSON path where two documents differ, or null when they are equal. */
    static String firstDifference(JsonNode a, JsonNode b, String path) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            var names = new java.util.TreeSet<String>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String d = firstDifference(a.path(n), b.path(n), path + "/" + n);
                if (d != null) {
                    return d;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(a.get(i), b.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        return path + ": " + abbreviate(a) + " != " + abbreviate(b);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
