package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Pre-flight checks on a tagged cluster and on its CoreDNS customizations. Pure. */
public final class ClusterChecks {
    private static final Pattern K8S_EXTERNAL = Pattern.compile("(?m)^\\s*k8s_external\\b");

    private ClusterChecks() {
    }

    /**
     * k8s_external may appear once per server block; every {@code *.override} key lands in the same default block, so
     * another override that already uses it would make CoreDNS refuse the merged config.
     */
    public static List<Finding> corednsConflicts(Map<String, String> corednsCustom) {
        List<Finding> findings = new ArrayList<>();
        if (corednsCustom == null) {
            return findings;
        }
        corednsCustom.forEach((key, value) -> {
            if (!key.equals(Conventions.OVERRIDE_KEY) && key.endsWith(".override") && value != null && K8S_EXTERNAL.matcher(value).find()) {
                findings.add(Finding.error("COREDNS_CONFLICT", "key '" + key + "' of kube-system/" + Conventions.COREDNS_CUSTOM
                                + " already uses k8s_external, and CoreDNS allows it once per server block",
                        "remove k8s_external from '" + key + "' and let Tether manage it through " + Conventions.OVERRIDE_KEY));
            }
        });
        return findings;
    }

    /** Other clusters that carry the same link name make the link ambiguous. */
    public static List<Finding> duplicates(String clusterId, String link, List<String> taggedClusterIds) {
        List<String> others = taggedClusterIds.stream().filter(id -> !ResourceId.same(id, clusterId)).sorted().toList();
        if (others.isEmpty()) {
            return List.of();
        }
        return List.of(Finding.error("DUPLICATE_LINK", (others.size() + 1) + " clusters carry " + Conventions.TAG_LINK + "=" + link
                + ": " + clusterId + ", " + String.join(", ", others), "keep the tag on exactly one cluster; remove it from the others"));
    }
}
