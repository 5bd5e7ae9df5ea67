package dev.tether.plan;

import java.util.List;
import java.util.Map;

/** The parts of a Kubernetes Service that Tether manages, free of any client library. */
public record ServiceShape(String type, Map<String, String> labels, Map<String, String> annotations,
                           Map<String, String> selector, List<Port> ports) {

    public record Port(String name, int port, String protocol) {
    }

    public ServiceShape {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        selector = selector == null ? Map.of() : Map.copyOf(selector);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
