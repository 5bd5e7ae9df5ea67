package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the AKS cloud controller does for LoadBalancer Services, on the virtual clock.
 * <p>A LoadBalancer Service is first seen when it is created or when what decides its frontend changes (its type, or
 * the internal / ipv4 / internal-subnet annotations); once {@code now >= firstSeen + delay} it gets
 * {@code status.loadBalancer.ingress[0].ip} through the /status subresource:
 * <ul>
 * <li>internal ({@code azure-load-balancer-internal: "true"}): the IP pinned by {@code azure-load-balancer-ipv4} when
 * that is assignable in the subnet and free (else no IP, and {@link ClusterServer#pendingReasons} says why), or else
 * the lowest free assignable address of the subnet (the cluster's node subnet, or the VNet subnet named by
 * {@code azure-load-balancer-internal-subnet});</li>
 * <li>public: the lowest free address of 203.0.113.0/24 (TEST-NET-3).</li>
 * </ul>
 * An address is taken when another Service of the cluster has it as ingress or pins it. A Service that is no longer a
 * LoadBalancer loses its ingress at once. A Service whose frontend no longer fits (it flipped between internal and
 * public, or its pin changed) keeps its old IP until the delay has passed, then gets one from the right pool.
 * <p>The frontends also exist in Azure: after each pass the controller hands every frontend the cluster's Services hold
 * to {@link AzureSide} (which the sandbox points at its ARM world and Event Grid path), which writes
 * what differs: public IPs and the load balancers {@code kubernetes} and {@code kubernetes-internal}.
 */
final class SimulatedLoadBalancerController {
    static final String INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal";
    static final String IPV4 = "service.beta.kubernetes.io/azure-load-balancer-ipv4";
    static final String INTERNAL_SUBNET = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";
    static final Ipv4Cidr PUBLIC_POOL = Ipv4Cidr.parse("203.0.113.0/24");
    private static final ObjectMapper M = new ObjectMapper();

    /** What the controller last saw of a Service's frontend settings, and since when. */
    record Observed(String frontend, Instant since) {
    }

    private final Duration delay;
    private final ControllerFaults faults;
    /** Where the frontends' Azure resources are written ({@link KubernetesSandbox#setAzureSide}). */
    volatile AzureSide azure = AzureSide.NONE;
    /** Per "cluster|namespace/name": when a Service waiting out the provisioning delay is due (for {@link #nextWakeup}). */
    private final Map<String, Instant> due = new java.util.concurrent.ConcurrentHashMap<>();

    SimulatedLoadBalancerController(Duration delay) {
        this(delay, new ControllerFaults());
    }

    SimulatedLoadBalancerController(Duration delay, ControllerFaults faults) {
        this.delay = delay;
        this.faults = faults;
    }

    /** Per cluster: the frontends its last pass handed the Azure side. */
    private final Map<String, List<AzureSide.Frontend>> lastFrontends = new java.util.concurrent.ConcurrentHashMap<>();

    /** When a Service of the cluster is next due for an IP, if one waits out the provisioning delay. */
    Optional<Instant> nextWakeup(ClusterServer cluster) {
        String prefix = cluster.clusterId + "|";
        return due.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).min(Instant::compareTo);
    }

    /** Whether a Service of the cluster is due for an IP by {@code now} (from memory: no API read). */
    boolean due(ClusterServer cluster, Instant now) {
        return nextWakeup(cluster).filter(t -> !t.isAfter(now)).isPresent();
    }

    /**
     * What a pass over an unchanged cluster with nothing due ends with: the Azure side is handed the frontends of the last
     * pass again (they are what that pass would compute), and writes what differs, if anything.
     */
    void replayFrontends(ClusterServer cluster) {
        List<AzureSide.Frontend> frontends = lastFrontends.get(cluster.clusterId);
        if (frontends != null) {
            azure.frontends(cluster.clusterId, frontends);
        }
    }

    void reconcile(ClusterServer cluster, Instant now) {
        List<ObjectNode> services = cluster.list("Service");
        Set<String> keys = new HashSet<>();
        for (ObjectNode s : services) {
            keys.add(key(s));
        }
        cluster.observed.keySet().retainAll(keys);
        cluster.pendingReasons.keySet().retainAll(keys);
        Map<String, String> ingress = new HashMap<>();
        for (ObjectNode s : services) {
            ingressIp(s).ifPresent(ip -> ingress.put(key(s), ip));
        }
        for (ObjectNode s : services) {
            reconcile(cluster, s, services, ingress, now);
        }
        List<AzureSide.Frontend> frontends = frontends(cluster, services, ingress);
        lastFrontends.put(cluster.clusterId, frontends);
        azure.frontends(cluster.clusterId, frontends);
    }

    /**
     * The frontends the Services hold after this pass: a LoadBalancer Service's address is public when it is from the
     * public pool, else internal (a Service moving between the two keeps its old frontend until it gets the new one).
     */
    private static List<AzureSide.Frontend> frontends(ClusterServer cluster, List<ObjectNode> services, Map<String, String> ingress) {
        List<AzureSide.Frontend> out = new java.util.ArrayList<>();
        for (ObjectNode s : services) {
            String ip = ingress.get(key(s));
            if (ip == null || !"LoadBalancer".equals(s.path("spec").path("type").asText())) {
                continue;
            }
            boolean internal = !PUBLIC_POOL.contains(ip);
            String subnet = internal ? annotation(s, INTERNAL_SUBNET) : null;
            if (subnet != null) {
                Ipv4Cidr named = cluster.vnetSubnets.get(subnet.toLowerCase(Locale.ROOT));
                subnet = named != null && named.contains(ip) ? subnet : null;
            }
            List<AzureSide.Port> ports = new java.util.ArrayList<>();
            for (JsonNode p : s.path("spec").path("ports")) {
                ports.add(new AzureSide.Port(p.path("protocol").asText("TCP"), p.path("port").asInt()));
            }
            out.add(new AzureSide.Frontend(key(s), s.path("metadata").path("uid").asText(), ip, internal, subnet,
                    internal && ip.equals(annotation(s, IPV4)), List.copyOf(ports)));
        }
        return out;
    }

    /** {@code ingress}: each Service's current IP, kept up to date as this pass assigns and removes them. */
    private void reconcile(ClusterServer cluster, ObjectNode service, List<ObjectNode> all, Map<String, String> ingress, Instant now) {
        String key = key(service);
        due.remove(cluster.clusterId + "|" + key);
        Optional<String> current = ingressIp(service);
        if (!"LoadBalancer".equals(service.path("spec").path("type").asText())) {
            cluster.observed.remove(key);
            cluster.pendingReasons.remove(key);
            if (current.isPresent()) {
                setIngress(cluster, service, null);
                ingress.remove(key);
            }
            return;
        }
        // cloud-provider-azure: internal only when the annotation is exactly "true" (requiresInternalLoadBalancer).
        boolean internal = "true".equals(annotation(service, INTERNAL));
        String pinned = internal ? annotation(service, IPV4) : null;
        String subnetName = internal ? annotation(service, INTERNAL_SUBNET) : null;
        String frontend = (internal ? "internal" : "public") + "|" + pinned + "|" + subnetName;
        Observed seen = cluster.observed.get(key);
        if (seen == null || !seen.frontend().equals(frontend)) {
            seen = new Observed(frontend, cluster.serviceWrittenAt.getOrDefault(key, now));
            cluster.observed.put(key, seen);
        }

        Ipv4Cidr pool = PUBLIC_POOL;
        if (internal) {
            pool = cluster.internalSubnet;
            if (subnetName != null) {
                pool = cluster.vnetSubnets.get(subnetName.toLowerCase(Locale.ROOT));
                if (pool == null) {
                    cluster.pendingReasons.put(key, "subnet " + subnetName + " is not in the cluster's VNet");
                    return;
                }
            }
        }
        if (current.isPresent() && pool.assignable(current.get()) && (pinned == null || pinned.equals(current.get()))) {
            cluster.pendingReasons.remove(key);
            return;
        }
        if (now.isBefore(seen.since().plus(delay))) {
            due.put(cluster.clusterId + "|" + key, seen.since().plus(delay));
            return;
        }
        if (faults.neverAssignsIp(key)) {
            cluster.pendingReasons.put(key, "the load balancer frontend never finished provisioning (injected fault)");
            return;
        }
        Set<String> taken = takenByOthers(all, ingress, key);
        String ip;
        if (pinned != null) {
            if (!pool.assignable(pinned)) {
                cluster.pendingReasons.put(key, "pinned IP " + pinned + " is not an assignable address of subnet " + pool
                        + " (Azure reserves the first four and the last address)");
                return;
            }
            if (taken.contains(pinned)) {
                cluster.pendingReasons.put(key, "pinned IP " + pinned + " is already used by another Service's load balancer frontend");
                return;
            }
            ip = pinned;
        } else {
            Optional<String> free = pool.nextFree(taken);
            if (free.isEmpty()) {
                cluster.pendingReasons.put(key, "no free address left in " + pool);
                return;
            }
            ip = free.get();
        }
        cluster.pendingReasons.remove(key);
        setIngress(cluster, service, ip);
        ingress.put(key, ip);
    }

    /** Addresses other Services of the cluster hold as ingress or pin with the ipv4 annotation. */
    private static Set<String> takenByOthers(List<ObjectNode> services, Map<String, String> ingress, String self) {
        Set<String> taken = new HashSet<>();
        ingress.forEach((k, ip) -> {
            if (!k.equals(self)) {
                taken.add(ip);
            }
        });
        for (ObjectNode other : services) {
            if (key(other).equals(self)) {
                continue;
            }
            String pin = annotation(other, IPV4);
            if (pin != null && "LoadBalancer".equals(other.path("spec").path("type").asText())) {
                taken.add(pin);
            }
        }
        return taken;
    }

    static String key(JsonNode service) {
        return service.path("metadata").path("namespace").asText() + "/" + service.path("metadata").path("name").asText();
    }

    private static String annotation(JsonNode service, String name) {
        JsonNode v = service.path("metadata").path("annotations").get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Optional<String> ingressIp(JsonNode service) {
        for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
            String ip = ingress.path("ip").asText("");
            if (!ip.isBlank()) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    private static void setIngress(ClusterServer cluster, JsonNode service, String ip) {
        ObjectNode status = M.createObjectNode();
        ObjectNode loadBalancer = status.putObject("loadBalancer");
        if (ip != null) {
            loadBalancer.putArray("ingress").addObject().put("ip", ip).put("ipMode", "VIP");
        } else {
            loadBalancer.putNull("ingress");
        }
        cluster.patchServiceStatus(service.path("metadata").path("namespace").asText(), service.path("metadata").path("name").asText(), status);
    }
}
