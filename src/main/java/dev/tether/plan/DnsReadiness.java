package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the cluster DNS will answer the app, judged before the app is switched to it (pure). Four checks, each with
 * what it saw: {@code tether-dns} has an IP (pinned); its EndpointSlices list ready endpoints for 53/UDP and 53/TCP;
 * CoreDNS finished rolling out (as {@code kubectl rollout status} judges it); each linked internal Service's name
 * ({@code <svc>.<ns>.<zone>}) maps to its internal IP, which is what CoreDNS {@code k8s_external} answers (the
 * Service's load balancer ingress IP). {@code failure} is set when waiting cannot help (a crash-looping CoreDNS, a
 * rollout past its progress deadline).
 */
public record DnsReadiness(String ip, boolean pinnedNow, boolean ready, String failure, List<Check> checks, List<NameMapping> names) {

    public record Check(String name, boolean ok, String detail) {
    }

    /** A name linked apps use, and the IP it resolves to (null while the Service has none). */
    public record NameMapping(String service, String name, String ip) {
    }

    /** One EndpointSlice: its ports ("53/UDP") and how many of its endpoints are ready. */
    public record Slice(List<String> ports, int readyEndpoints) {
    }

    public static final String CHECK_IP = "dns-ip";
    public static final String CHECK_ENDPOINTS = "endpoints";
    public static final String CHECK_ROLLOUT = "coredns-rollout";
    public static final String CHECK_NAMES = "names";

    /**
     * @param ip            tether-dns's ingress IP, null while pending
     * @param ipWaitingFor  why the IP is not usable yet (pending, or not the pinned one), or null
     * @param podProblems   CoreDNS pods that are not running well ("pod x: CrashLoopBackOff, 12 restarts"); read only
     *                      while the rollout is unfinished
     */
    public static DnsReadiness evaluate(String ip, String ipWaitingFor, boolean pinnedNow, List<Slice> slices, RolloutStatus.Verdict rollout,
                                        List<String> podProblems, List<NameMapping> names) {
        List<Check> checks = new ArrayList<>();
        boolean ipOk = ip != null && ipWaitingFor == null;
        checks.add(new Check(CHECK_IP, ipOk, ipOk ? "kube-system/" + Conventions.DNS_SERVICE + " has IP " + ip + " (pinned)"
                : ipWaitingFor == null ? "the load balancer IP is still pending" : ipWaitingFor));
        int udp = ready(slices, "53/UDP");
        int tcp = ready(slices, "53/TCP");
        boolean endpointsOk = udp > 0 && tcp > 0;
        checks.add(new Check(CHECK_ENDPOINTS, endpointsOk, "EndpointSlices of " + Conventions.DNS_SERVICE + ": " + udp
                + " ready endpoint(s) for 53/UDP, " + tcp + " for 53/TCP"));
        String rolloutDetail = rollout.message() + (podProblems.isEmpty() ? "" : "; " + String.join("; ", podProblems));
        checks.add(new Check(CHECK_ROLLOUT, rollout.done(), rolloutDetail));
        List<String> pendingNames = names.stream().filter(n -> n.ip() == null).map(NameMapping::name).toList();
        checks.add(new Check(CHECK_NAMES, pendingNames.isEmpty(), names.isEmpty() ? "no linked internal Service yet"
                : pendingNames.isEmpty() ? names.size() + " name(s) map to their internal IPs"
                : "no internal IP yet for " + String.join(", ", pendingNames)));
        String failure = null;
        List<String> crashing = podProblems.stream().filter(p -> p.contains("CrashLoopBackOff")).toList();
        if (rollout.failed() || !crashing.isEmpty()) {
            failure = "CoreDNS did not roll out: " + rollout.message()
                    + (podProblems.isEmpty() ? "" : " (" + String.join("; ", podProblems) + ")");
        }
        boolean ready = failure == null && checks.stream().allMatch(Check::ok);
        return new DnsReadiness(ip, pinnedNow, ready, failure, checks, names);
    }

    private static int ready(List<Slice> slices, String port) {
        return slices.stream().filter(s -> s.ports().stream().anyMatch(p -> p.equalsIgnoreCase(port))).mapToInt(Slice::readyEndpoints).sum();
    }

    /** The checks that do not hold yet, each with what it saw. */
    public List<String> pending() {
        return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).toList();
    }

    /**
     * The names linked apps use for the cluster's linked internal Services (managed by Tether or opted in, internal
     * LoadBalancer): {@code <svc>.<ns>.<zone>} to the load balancer IP, which k8s_external serves.
     */
    public static List<NameMapping> names(List<ServiceFacts> services, String domain) {
        List<NameMapping> out = new ArrayList<>();
        for (ServiceFacts s : services) {
            if (Conventions.KUBE_SYSTEM.equals(s.namespace()) && Conventions.DNS_SERVICE.equals(s.name())) {
                continue;
            }
            boolean linked = "true".equals(s.annotations().get(Conventions.ANNOTATION_PRIVATE))
                    || Conventions.MANAGED_BY_TETHER.equals(s.labels().get(Conventions.LABEL_MANAGED_BY));
            if (linked && "LoadBalancer".equals(s.type()) && s.internal()) {
                out.add(new NameMapping(s.key(), s.name() + "." + s.namespace() + "." + domain, s.ingressIp()));
            }
        }
        out.sort(java.util.Comparator.comparing(NameMapping::name));
        return out;
    }

    /** Custom-status form: each check's name to ok/pending with what it saw. */
    public Map<String, String> progress() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        checks.forEach(c -> m.put(c.name(), (c.ok() ? "ok: " : "waiting: ") + c.detail()));
        return m;
    }
}
