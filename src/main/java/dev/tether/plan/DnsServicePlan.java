package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The kube-system/tether-dns Service: an internal LoadBalancer in front of CoreDNS (selector k8s-app: kube-dns,
 * 53/UDP and 53/TCP). Once it has an IP, the IP is pinned with azure-load-balancer-ipv4 so that it survives
 * load-balancer rebuilds.
 */
public final class DnsServicePlan {
    private DnsServicePlan() {
    }

    public static ServiceShape desired(String pinnedIp) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Conventions.ANNOTATION_INTERNAL_LB, "true");
        if (pinnedIp != null) {
            annotations.put(Conventions.ANNOTATION_LB_IPV4, pinnedIp);
        }
        return new ServiceShape("LoadBalancer",
                Map.of(Conventions.LABEL_MANAGED_BY, Conventions.MANAGED_BY_TETHER),
                annotations,
                Map.of("k8s-app", "kube-dns"),
                List.of(new ServiceShape.Port("dns", 53, "UDP"), new ServiceShape.Port("dns-tcp", 53, "TCP")));
    }

    /**
     * A {@code kube-system/tether-dns} Tether did not create (no {@code app.kubernetes.io/managed-by: tether} label) is
     * someone else's: Tether refuses to take it over, since patching it would change what it selects and exposes.
     */
    public static Optional<Finding> foreign(ServiceShape current) {
        if (Conventions.MANAGED_BY_TETHER.equals(current.labels().get(Conventions.LABEL_MANAGED_BY))) {
            return Optional.empty();
        }
        String owner = current.labels().get(Conventions.LABEL_MANAGED_BY);
        return Optional.of(Finding.error("FOREIGN_DNS_SERVICE", "Service kube-system/" + Conventions.DNS_SERVICE + " exists but was not"
                        + " created by Tether (label " + Conventions.LABEL_MANAGED_BY + " is " + (owner == null ? "missing" : "'" + owner + "'")
                        + "); Tether will not take over a Service it does not own",
                "rename or delete that Service (kubectl -n kube-system delete service " + Conventions.DNS_SERVICE
                        + ") so Tether can create its own, then rerun the link"));
    }

    /**
     * A JSON merge patch (RFC 7386) that brings {@code current} to {@code desired}, or empty when nothing differs.
     * Labels and annotations are merged key by key, so keys others added are kept; selector, type and ports are Tether's
     * and converge exactly: a selector key Tether did not set is removed with a {@code null} in the patch (a merge patch
     * of the desired keys alone would keep it, and every later pass would patch again).
     */
    public static Optional<Map<String, Object>> patch(ServiceShape current, ServiceShape desired) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, String> labels = missingOrDifferent(current.labels(), desired.labels());
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        Map<String, String> annotations = missingOrDifferent(current.annotations(), desired.annotations());
        if (!annotations.isEmpty()) {
            metadata.put("annotations", annotations);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (!Objects.equals(current.type(), desired.type())) {
            spec.put("type", desired.type());
        }
        if (!current.selector().equals(desired.selector())) {
            Map<String, String> selector = new LinkedHashMap<>(desired.selector());
            current.selector().keySet().stream().filter(k -> !desired.selector().containsKey(k)).sorted().forEach(k -> selector.put(k, null));
            spec.put("selector", selector);
        }
        if (!samePorts(current.ports(), desired.ports())) {
            spec.put("ports", desired.ports().stream()
                    .map(p -> Map.<String, Object>of("name", p.name(), "port", p.port(), "protocol", p.protocol(), "targetPort", p.port()))
                    .toList());
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            patch.put("metadata", metadata);
        }
        if (!spec.isEmpty()) {
            patch.put("spec", spec);
        }
        return patch.isEmpty() ? Optional.empty() : Optional.of(patch);
    }

    private static Map<String, String> missingOrDifferent(Map<String, String> current, Map<String, String> desired) {
        Map<String, String> out = new LinkedHashMap<>();
        desired.forEach((k, v) -> {
            if (!Objects.equals(current.get(k), v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static boolean samePorts(List<ServiceShape.Port> current, List<ServiceShape.Port> desired) {
        if (current.size() != desired.size()) {
            return false;
        }
        return desired.stream().allMatch(d -> current.stream().anyMatch(c -> c.port() == d.port()
                && d.protocol().equalsIgnoreCase(c.protocol() == null ? "TCP" : c.protocol())));
    }
}
