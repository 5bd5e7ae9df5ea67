package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the EndpointSlice controller does, on each tick of the virtual clock: for every Service with a selector, one
 * EndpointSlice ({@code discovery.k8s.io/v1}, label {@code kubernetes.io/service-name}, managed by
 * {@code endpointslice-controller.k8s.io}) listing each pod of the Service's namespace whose labels match the selector
 * and that has an IP, with {@code conditions.ready} from the pod's Ready condition, and the Service's ports (named,
 * with the target port). A Service without a selector gets no managed slice; a slice whose Service is gone is deleted.
 * Kubernetes docs: "EndpointSlices" (ownership, conditions ready / serving / terminating, address types).
 * <p>Simplified: one slice per Service (the real controller splits at 100 endpoints), IPv4 only, numeric target ports
 * only (a named targetPort resolves to the Service port), and a tick's delay instead of a watch.
 */
final class SimulatedEndpointSliceController {
    static final String SERVICE_NAME = "kubernetes.io/service-name";
    static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    static final String CONTROLLER = "endpointslice-controller.k8s.io";
    private static final ObjectMapper M = new ObjectMapper();

    void reconcile(ClusterServer cluster) {
        List<ObjectNode> pods = cluster.list("Pod");
        Set<String> wanted = new HashSet<>();
        for (ObjectNode svc : cluster.list("Service")) {
            JsonNode selector = svc.path("spec").path("selector");
            if (!selector.isObject() || selector.isEmpty() || "ExternalName".equals(svc.path("spec").path("type").asText())) {
                continue;
            }
            String namespace = svc.path("metadata").path("namespace").asText();
            String name = svc.path("metadata").path("name").asText();
            ObjectNode slice = desired(svc, namespace, name, selector, pods);
            wanted.add(namespace + "/" + sliceName(name));
            var current = cluster.get("EndpointSlice", namespace, sliceName(name));
            if (current.isEmpty()) {
                cluster.create(slice);
            } else if (!same(current.get(), slice)) {
                slice.with("metadata").put("resourceVersion", current.get().path("metadata").path("resourceVersion").asText());
                cluster.replace(slice);
            }
        }
        for (ObjectNode slice : cluster.list("EndpointSlice")) {
            String key = slice.path("metadata").path("namespace").asText() + "/" + slice.path("metadata").path("name").asText();
            if (CONTROLLER.equals(slice.path("metadata").path("labels").path(MANAGED_BY).asText()) && !wanted.contains(key)) {
                cluster.delete("EndpointSlice", slice.path("metadata").path("namespace").asText(), slice.path("metadata").path("name").asText());
            }
        }
    }

    static String sliceName(String service) {
        return service + "-" + Integer.toHexString(service.hashCode() & 0xfffff);
    }

    private static ObjectNode desired(ObjectNode svc, String namespace, String name, JsonNode selector, List<ObjectNode> pods) {
        ObjectNode slice = M.createObjectNode().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata").put("name", sliceName(name)).put("namespace", namespace);
        meta.putObject("labels").put(SERVICE_NAME, name).put(MANAGED_BY, CONTROLLER);
        meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Service").put("name", name)
                .put("uid", svc.path("metadata").path("uid").asText()).put("controller", true).put("blockOwnerDeletion", true);
        slice.put("addressType", "IPv4");
        ArrayNode endpoints = slice.putArray("endpoints");
        pods.stream().filter(p -> namespace.equals(p.path("metadata").path("namespace").asText()))
                .filter(p -> matches(selector, p.path("metadata").path("labels")))
                .filter(p -> !p.path("status").path("podIP").asText("").isEmpty())
                .sorted(java.util.Comparator.comparing(p -> p.path("metadata").path("name").asText()))
                .forEach(p -> {
                    boolean ready = ready(p);
                    ObjectNode e = endpoints.addObject();
                    e.putArray("addresses").add(p.path("status").path("podIP").asText());
                    e.putObject("conditions").put("ready", ready).put("serving", ready).put("terminating", false);
                    e.putObject("targetRef").put("kind", "Pod").put("namespace", namespace).put("name", p.path("metadata").path("name").asText());
                    if (p.path("spec").hasNonNull("nodeName")) {
                        e.put("nodeName", p.path("spec").path("nodeName").asText());
                    }
                });
        ArrayNode ports = slice.putArray("ports");
        for (JsonNode port : svc.path("spec").path("ports")) {
            ObjectNode p = ports.addObject();
            p.put("name", port.path("name").asText(""));
            JsonNode target = port.path("targetPort");
            p.put("port", target.isInt() ? target.asInt() : port.path("port").asInt());
            p.put("protocol", port.path("protocol").asText("TCP"));
        }
        return slice;
    }

    static boolean ready(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(ObjectNode current, ObjectNode desired) {
        return current.path("endpoints").equals(desired.path("endpoints")) && current.path("ports").equals(desired.path("ports"))
                && current.path("metadata").path("labels").equals(desired.path("metadata").path("labels"));
    }
}
