package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The restore of one Service Tether made internal, asked for explicitly by a cluster unlink with
 * {@code restoreServices} (docs/UNLINK.md): making a Service reachable again is an exposure decision, not cleanup. Pure.
 *
 * <p>Only a Service carrying Tether's record ({@value Conventions#ANNOTATION_PRIOR_TYPE}) is considered. What Tether
 * changed is what the link's {@link ServiceExposurePlanner} writes, in one merge patch: the type (to LoadBalancer, from
 * the recorded prior type), the internal-LB annotation ({@code "true"}), the record itself and the managed-by label;
 * the record also keeps the annotation's and the label's values from before that patch, when they had one
 * ({@value Conventions#ANNOTATION_PRIOR_INTERNAL_LB}, {@value Conventions#ANNOTATION_PRIOR_MANAGED_BY}).
 * The restore writes back only what differs, in one merge patch: the recorded type, the annotation and the label back
 * to their recorded values (removed where none is recorded; the label only where it still says Tether), the record
 * removed. A Service no longer as Tether left it (another type,
 * the internal annotation changed or gone, the label changed) was changed by someone since: it is refused, not
 * overwritten, unless {@code force}; an unreadable record is always refused.
 *
 * @param service "namespace/name"
 * @param action  UPDATED (a patch to write), UNCHANGED (nothing differs), or null when refused
 * @param patch   the JSON merge patch (nulls delete; empty: no write)
 * @param error   why it is refused (null: not refused)
 */
public record ServiceRestorePlan(String service, Outcome action, String reason, Map<String, Object> patch, String error) {

    public ServiceRestorePlan {
        patch = patch == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(patch));
    }

    static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");

    /** Whether Tether's record is on the Service. */
    public static boolean recorded(ServiceFacts s) {
        return s.annotations().containsKey(Conventions.ANNOTATION_PRIOR_TYPE);
    }

    public static ServiceRestorePlan plan(ServiceFacts s, boolean force) {
        String prior = s.annotations().get(Conventions.ANNOTATION_PRIOR_TYPE);
        String type = s.type() == null ? "ClusterIP" : s.type();
        if (!TYPES.contains(prior)) {
            return refused(s, s.key() + " has " + Conventions.ANNOTATION_PRIOR_TYPE + "='" + ResourceId.abbreviate(String.valueOf(prior))
                    + "', which is not a type Tether records (ClusterIP, NodePort or LoadBalancer). Fix: set the Service as you want it by hand");
        }
        String internal = s.annotations().get(Conventions.ANNOTATION_INTERNAL_LB);
        String label = s.labels().get(Conventions.LABEL_MANAGED_BY);
        boolean asLeft = type.equals("LoadBalancer") && "true".equals(internal) && Conventions.MANAGED_BY_TETHER.equals(label);
        if (!asLeft && !force) {
            return refused(s, s.key() + " is no longer as Tether left it (type " + type + ", " + Conventions.ANNOTATION_INTERNAL_LB + "="
                    + (internal == null ? "(absent)" : "'" + internal + "'") + ", " + Conventions.LABEL_MANAGED_BY + "=" + (label == null ? "(absent)" : "'" + label + "'")
                    + "): someone changed it since. Fix: set it as you want it by hand, or ask again with force to restore type " + prior);
        }
        // What the link's record says was there before Tether's first patch goes back; what it does not name, Tether added.
        String priorInternal = s.annotations().get(Conventions.ANNOTATION_PRIOR_INTERNAL_LB);
        String priorLabel = s.annotations().get(Conventions.ANNOTATION_PRIOR_MANAGED_BY);
        boolean removeInternal = priorInternal == null && internal != null;
        boolean tetherLabel = Conventions.MANAGED_BY_TETHER.equals(label);
        Map<String, Object> annotations = new LinkedHashMap<>();
        if (removeInternal) {
            annotations.put(Conventions.ANNOTATION_INTERNAL_LB, null);
        }
        annotations.put(Conventions.ANNOTATION_PRIOR_TYPE, null);
        List<String> restored = new java.util.ArrayList<>();
        if (priorInternal != null) {
            annotations.put(Conventions.ANNOTATION_PRIOR_INTERNAL_LB, null);
            if (!priorInternal.equals(internal)) {
                annotations.put(Conventions.ANNOTATION_INTERNAL_LB, priorInternal);
            }
            restored.add(Conventions.ANNOTATION_INTERNAL_LB + "='" + ResourceId.abbreviate(priorInternal) + "' as before the link");
        }
        if (priorLabel != null) {
            annotations.put(Conventions.ANNOTATION_PRIOR_MANAGED_BY, null);
            if (tetherLabel) {
                restored.add(Conventions.LABEL_MANAGED_BY + "='" + ResourceId.abbreviate(priorLabel) + "' as before the link");
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("annotations", annotations);
        if (tetherLabel) {
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put(Conventions.LABEL_MANAGED_BY, priorLabel);
            metadata.put("labels", labels);
        }
        List<String> records = annotations.keySet().stream().filter(k -> k.startsWith("tether.dev/")).toList();
        String removed = (removeInternal ? Conventions.ANNOTATION_INTERNAL_LB + ", " : "") + String.join(", ", records)
                + (tetherLabel && priorLabel == null ? " and " + Conventions.LABEL_MANAGED_BY + "=" + Conventions.MANAGED_BY_TETHER : "");
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", metadata);
        if (!type.equals(prior)) {
            patch.put("spec", Map.of("type", prior));
        }
        String becomes = prior.equals("LoadBalancer") ? "a public LoadBalancer again (a public IP is assigned: the Service is reachable from the internet)"
                : prior + " again (not reachable from the VNet; its load balancer IP goes)";
        return new ServiceRestorePlan(s.key(), Outcome.UPDATED, "restore " + s.key() + ": " + becomes + "; remove " + removed
                + (restored.isEmpty() ? "" : "; set " + String.join(", ", restored)) + "; every other field kept" + (asLeft ? "" : " (force: over a change since the link)"), patch, null);
    }

    private static ServiceRestorePlan refused(ServiceFacts s, String error) {
        return new ServiceRestorePlan(s.key(), null, null, Map.of(), error);
    }
}
