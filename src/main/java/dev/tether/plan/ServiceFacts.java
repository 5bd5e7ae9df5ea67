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

    /**
     * Internal exactly as AKS decides it: cloud-provider-azure's requiresInternalLoadBalancer compares the annotation with
     * "true" and nothing else, so a Service annotated "True" stays public (and Tether repairs it).
     */
    public boolean internal() {
        return "true".equals(annotations.get(Conventions.ANNOTATION_INTERNAL_LB));
    }
}
