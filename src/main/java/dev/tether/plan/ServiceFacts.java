package dev.tether.plan;

import java.util.Map;

/** What the Service planner needs to know about one Kubernetes Service. */
public record ServiceFacts(String namespace, String name, String type, String clusterIp, Map<String, String> annotations,
                           Map<String, String> labels, String ingressIp) {
    public ServiceFacts {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public boolean internal() {
        return "true".equalsIgnoreCase(annotations.get(Conventions.ANNOTATION_INTERNAL_LB));
    }
}
