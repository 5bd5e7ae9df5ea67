package dev.tether.plan;

import java.util.List;

/** Pre-flight checks on a tagged cluster (CoreDNS customizations: {@link CorednsChecks}). Pure. */
public final class ClusterChecks {
    private ClusterChecks() {
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
