package dev.tether.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The dry run of a cluster unlink, and what its steps apply: every change with its reason, in the order that never
 * breaks an app (docs/UNLINK.md): delete {@code tether.override} (a merge patch of that key and its ownership
 * annotation alone), restart CoreDNS once to unload it, delete {@code kube-system/tether-dns}, remove the exposure
 * guard. Pure.
 *
 * <p>It refuses, with zero writes, while any app still resolves through the cluster's DNS IP (the override is what
 * answers that app's names: removing it would break the app; force does not change that), and when the state is not
 * Tether's to undo unless the request says {@code force}: {@code tether.override} not recorded as Tether's, or changed
 * since Tether wrote it; {@code tether-dns} without Tether's label (force keeps that Service and goes on). Services
 * Tether made internal are listed and kept internal: making one public again is an exposure decision, not cleanup.
 *
 * @param overrideAtPlan the value of tether.override seen by the plan (null: no delete); the step re-checks it
 * @param restart        restart CoreDNS after the delete (only when the key was there)
 * @param deleteService  delete tether-dns (Tether's, and no app points at {@code dnsIp})
 * @param keptInternal   the Services Tether made internal ("namespace/name"), kept as they are
 * @param appsOnIp       when refused for them: the apps still resolving through {@code dnsIp}
 * @param restores       with {@code restoreServices}: each Service carrying Tether's record, restored or refused
 *                       ({@link ServiceRestorePlan}), in the last step, after the exposure guard is removed
 */
public record ClusterUnlinkPlan(String clusterId, Status status, String message, List<Change> changes, String overrideAtPlan,
                                boolean restart, boolean deleteService, String dnsIp, List<String> keptInternal, List<String> appsOnIp,
                                List<ServiceRestorePlan> restores) {

    public enum Status { READY, NOTHING, REFUSED, TAGGED, GONE }

    public ClusterUnlinkPlan {
        changes = changes == null ? List.of() : List.copyOf(changes);
        keptInternal = keptInternal == null ? List.of() : List.copyOf(keptInternal);
        appsOnIp = appsOnIp == null ? List.of() : List.copyOf(appsOnIp);
        restores = restores == null ? List.of() : List.copyOf(restores);
    }

    /** The restores that write (planned, not refused). */
    public List<ServiceRestorePlan> restoring() {
        return restores.stream().filter(r -> r.action() == Outcome.UPDATED).toList();
    }

    static ClusterUnlinkPlan of(String clusterId, Status status, String message) {
        return new ClusterUnlinkPlan(clusterId, status, message, List.of(), null, false, false, null, List.of(), List.of(), List.of());
    }

    /** Whether the ConfigMap's ownership annotation names {@code tether.override}. */
    public static boolean ownsOverride(ConfigMapState cm) {
        String owns = cm.annotations().get(Conventions.ANNOTATION_OWNS_KEYS);
        return owns != null && Arrays.stream(owns.split(",")).map(String::trim).anyMatch(Conventions.OVERRIDE_KEY::equals);
    }

    /**
     * Whether {@code value} is what Tether wrote: the override CoreDNS was last restarted for (its hash on the pod
     * template), or, when CoreDNS carries no such stamp, the one form Tether writes ({@code k8s_external <zone>}).
     */
    public static boolean tetherWrote(String value, String stampedHash) {
        if (stampedHash != null) {
            return stampedHash.equals(CorednsPlan.hash(value));
        }
        return value.matches("k8s_external [^\\s]+\n");
    }

    /**
     * @param cluster     the cluster as read (null: gone)
     * @param coredns     kube-system/coredns-custom (null: absent)
     * @param stampedHash the override hash on the CoreDNS pod template (null: none)
     * @param dnsService  kube-system/tether-dns (null: absent)
     * @param dnsIp       its load balancer IP (null: none)
     * @param appsOnIp    the apps whose DNS setting is {@code dnsIp} ("name (id)")
     * @param internal    the Services Tether made internal ("namespace/name")
     */
    public static ClusterUnlinkPlan plan(String clusterId, ClusterState cluster, ConfigMapState coredns, String stampedHash, ServiceShape dnsService,
                                         String dnsIp, List<String> appsOnIp, List<String> internal, boolean force) {
        return plan(clusterId, cluster, coredns, stampedHash, dnsService, dnsIp, appsOnIp, internal, null, force);
    }

    /**
     * @param recorded the Services carrying Tether's {@value Conventions#ANNOTATION_PRIOR_TYPE} record, when the request
     *                 asks for {@code restoreServices} (null: not asked; the Services stay internal)
     */
    public static ClusterUnlinkPlan plan(String clusterId, ClusterState cluster, ConfigMapState coredns, String stampedHash, ServiceShape dnsService,
                                         String dnsIp, List<String> appsOnIp, List<String> internal, List<ServiceFacts> recorded, boolean force) {
        if (cluster == null) {
            return of(clusterId, Status.GONE, "cluster " + clusterId + " no longer exists; nothing to unlink");
        }
        Optional<String> tag;
        try {
            tag = Tags.link(cluster.tags());
        } catch (InvalidInputException e) {
            tag = Optional.of("(invalid)");
        }
        if (tag.isPresent()) {
            return of(clusterId, Status.TAGGED, "cluster " + cluster.name() + " still carries " + Conventions.TAG_LINK + "=" + tag.get()
                    + "; the tag is the link's intent. Fix: remove the tag, then ask for the unlink again");
        }
        boolean serviceOurs = dnsService != null && DnsServicePlan.foreign(dnsService).isEmpty();
        if (serviceOurs && dnsIp != null && !appsOnIp.isEmpty()) {
            return new ClusterUnlinkPlan(clusterId, Status.REFUSED, "cluster " + cluster.name() + ": " + String.join(", ", appsOnIp) + " still "
                    + (appsOnIp.size() == 1 ? "uses " : "use ") + dnsIp + " (kube-system/" + Conventions.DNS_SERVICE + ") as DNS server;"
                    + " removing the override would break " + (appsOnIp.size() == 1 ? "its" : "their") + " names. Fix: unlink "
                    + (appsOnIp.size() == 1 ? "that app" : "those apps") + " first (POST /api/links/unlink), then ask for the cluster's unlink again",
                    List.of(), null, false, false, dnsIp, List.of(), appsOnIp, List.of());
        }
        List<Change> changes = new ArrayList<>();
        String value = coredns == null ? null : coredns.data().get(Conventions.OVERRIDE_KEY);
        String overrideAtPlan = null;
        if (value == null) {
            changes.add(new Change("coredns-override", Conventions.OVERRIDE_KEY, Outcome.UNCHANGED, "kube-system/" + Conventions.COREDNS_CUSTOM
                    + " has no " + Conventions.OVERRIDE_KEY));
        } else {
            boolean owned = ownsOverride(coredns);
            boolean wrote = tetherWrote(value, stampedHash);
            if (!owned && !wrote && !force) {
                return of(clusterId, Status.REFUSED, "kube-system/" + Conventions.COREDNS_CUSTOM + " key " + Conventions.OVERRIDE_KEY
                        + " is not recorded as Tether's (no " + Conventions.ANNOTATION_OWNS_KEYS + " annotation) and is not what Tether writes."
                        + " Fix: remove the key by hand if it is yours to remove, or unlink with force");
            }
            if (owned && !wrote && !force) {
                return of(clusterId, Status.REFUSED, "kube-system/" + Conventions.COREDNS_CUSTOM + " key " + Conventions.OVERRIDE_KEY + " now holds "
                        + quote(value) + ", not what Tether wrote: someone changed it since the link. Fix: check who changed it, or unlink with force"
                        + " to delete it anyway");
            }
            overrideAtPlan = value;
            changes.add(new Change("coredns-override", Conventions.OVERRIDE_KEY, Outcome.DELETED, "delete " + Conventions.OVERRIDE_KEY + " ("
                    + quote(value) + ") with a merge patch of that key and its ownership annotations (" + Conventions.ANNOTATION_OWNS_KEYS + ", "
                    + Conventions.ANNOTATION_LINK + ") alone; every other key"
                    + " kept byte for byte" + (!wrote ? " (force: over a value Tether did not write)" : !owned ? " (Tether wrote it; written before"
                    + " the ownership annotation)" : "")));
        }
        boolean restart = overrideAtPlan != null;
        changes.add(new Change("coredns-restart", Conventions.COREDNS_DEPLOYMENT, restart ? Outcome.UPDATED : Outcome.UNCHANGED, restart
                ? "restart CoreDNS once to unload the override, then wait for its rollout as a link does" : "no restart: the override is not there"));
        boolean deleteService = false;
        if (dnsService == null) {
            changes.add(new Change("dns-service", Conventions.DNS_SERVICE, Outcome.UNCHANGED, "kube-system/" + Conventions.DNS_SERVICE + " does not exist"));
        } else if (!serviceOurs) {
            if (!force) {
                return of(clusterId, Status.REFUSED, DnsServicePlan.foreign(dnsService).get().message() + ". Fix: leave it, or unlink with force"
                        + " (the Service is then kept)");
            }
            changes.add(new Change("dns-service", Conventions.DNS_SERVICE, Outcome.UNCHANGED, "kept: kube-system/" + Conventions.DNS_SERVICE
                    + " is not Tether's (force)"));
        } else {
            deleteService = true;
            changes.add(new Change("dns-service", Conventions.DNS_SERVICE, Outcome.DELETED, "delete kube-system/" + Conventions.DNS_SERVICE
                    + (dnsIp == null ? "" : " (" + dnsIp + ")") + ": no app uses it as DNS server (re-checked before the delete)"));
        }
        changes.add(new Change("exposure-guard", ExposureGuardPlan.NAME, Outcome.DELETED, "remove " + ExposureGuardPlan.NAME
                + " (policy and binding) where present and labelled as Tether's"));
        List<ServiceRestorePlan> restores = new ArrayList<>();
        if (recorded == null) {
            changes.add(new Change("internal-services", null, Outcome.UNCHANGED, internal.isEmpty() ? "no Service was made internal by Tether"
                    : "kept internal: " + String.join(", ", internal) + ". Making a Service public again is an exposure decision, not cleanup:"
                    + " ask for the cluster's unlink with \"restoreServices\": true to set " + (internal.size() == 1 ? "it" : "them") + " back to the type"
                    + " annotation " + Conventions.ANNOTATION_PRIOR_TYPE + " names, or set it back by hand"));
        } else if (recorded.isEmpty()) {
            changes.add(new Change("restore-service", null, Outcome.UNCHANGED, "no Service carries " + Conventions.ANNOTATION_PRIOR_TYPE + ": nothing to restore"));
        } else {
            for (ServiceFacts s : recorded.stream().sorted(java.util.Comparator.comparing(ServiceFacts::key)).toList()) {
                ServiceRestorePlan r = ServiceRestorePlan.plan(s, force);
                restores.add(r);
                changes.add(new Change("restore-service", r.service(), r.error() != null ? Outcome.UNCHANGED : r.action(), r.error() != null
                        ? "kept internal, refused: " + r.error() : r.reason() + "; after the exposure guard is removed, which would refuse a public"
                        + " LoadBalancer"));
            }
        }
        boolean any = overrideAtPlan != null || deleteService || restores.stream().anyMatch(r -> r.action() == Outcome.UPDATED);
        String message = any ? "unlink cluster " + cluster.name() + ": " + changes.stream().filter(c -> c.action() != Outcome.UNCHANGED)
                .map(Change::step).distinct().reduce((a, b) -> a + ", " + b).orElse("")
                : "nothing of Tether's DNS is left on cluster " + cluster.name() + " (the exposure guard is removed if present)";
        return new ClusterUnlinkPlan(clusterId, any ? Status.READY : Status.NOTHING, message, changes, overrideAtPlan, restart, deleteService, dnsIp, internal,
                List.of(), restores);
    }

    private static String quote(String v) {
        return "'" + v.replace("\n", "\\n") + "'";
    }
}
