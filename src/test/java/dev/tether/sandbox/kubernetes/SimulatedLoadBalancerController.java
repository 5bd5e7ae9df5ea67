package dev.tether.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the AKS cloud controller does for LoadBalancer Services, on the virtual clock: after {@code delay} from the
 * Service's last change, an internal one (azure-load-balancer-internal: "true") gets an IP from the node subnet, the
 * one pinned by azure-load-balancer-ipv4 when that lies in the subnet, and a public one gets an IP from 203.0.113.0/24.
 * A Service that stops being a LoadBalancer loses its ingress at once.
 */
final class SimulatedLoadBalancerController {
    static final String INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal";
    static final String IPV4 = "service.beta.kubernetes.io/azure-load-balancer-ipv4";
    static final String INTERNAL_SUBNET = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet";
    static final Ipv4Pool PUBLIC = Ipv4Pool.of("203.0.113.0/24");

    private final Duration delay;
    private final Instant start;

    SimulatedLoadBalancerController(Duration delay, Instant start) {
        this.delay = delay;
        this.start = start;
    }

    void reconcile(ClusterServer cluster, Instant now) {
        List<Service> services = cluster.client.services().inAnyNamespace().list().getItems();
        Set<String> used = new HashSet<>();
        for (Service s : services) {
            ingressIp(s).ifPresent(used::add);
        }
        Ipv4Pool internalPool = Ipv4Pool.of(cluster.internalCidr);
        for (Service s : services) {
            String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            Optional<String> current = ingressIp(s);
            if (!"LoadBalancer".equals(s.getSpec().getType())) {
                if (current.isPresent()) {
                    setIngress(cluster, s, null);
                    used.remove(current.get());
                }
                continue;
            }
            Map<String, String> ann = s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
            boolean internal = "true".equalsIgnoreCase(ann.get(INTERNAL));
            Ipv4Pool pool = internal ? internalPool : PUBLIC;
            String subnetName = internal ? ann.get(INTERNAL_SUBNET) : null;
            if (subnetName != null) {
                String cidr = cluster.vnetSubnets.get(subnetName.toLowerCase(java.util.Locale.ROOT));
                if (cidr == null) {
                    cluster.pendingReasons.put(key, "subnet " + subnetName + " is not in the cluster's VNet");
                    continue;
                }
                pool = Ipv4Pool.of(cidr);
            }
            String pinned = internal ? ann.get(IPV4) : null;
            boolean currentOk = current.isPresent() && pool.usable(current.get()) && (pinned == null || pinned.equals(current.get()));
            if (currentOk) {
                cluster.pendingReasons.remove(key);
                continue;
            }
            Instant changed = cluster.serviceChangedAt.getOrDefault(key, start);
            if (now.isBefore(changed.plus(delay))) {
                continue;
            }
            current.ifPresent(used::remove);
            Optional<String> ip;
            if (pinned != null) {
                if (!pool.usable(pinned)) {
                    cluster.pendingReasons.put(key, "pinned IP " + pinned + " is not usable in subnet " + pool.cidr());
                    continue;
                }
                if (used.contains(pinned)) {
                    cluster.pendingReasons.put(key, "pinned IP " + pinned + " is already taken by another load balancer frontend");
                    continue;
                }
                ip = Optional.of(pinned);
            } else {
                ip = pool.next(used);
            }
            if (ip.isEmpty()) {
                cluster.pendingReasons.put(key, "no free address left in " + pool.cidr());
                continue;
            }
            used.add(ip.get());
            cluster.pendingReasons.remove(key);
            setIngress(cluster, s, ip.get());
        }
    }

    private static Optional<String> ingressIp(Service s) {
        ServiceStatus st = s.getStatus();
        if (st == null || st.getLoadBalancer() == null || st.getLoadBalancer().getIngress() == null) {
            return Optional.empty();
        }
        return st.getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).filter(ip -> ip != null && !ip.isBlank()).findFirst();
    }

    private static void setIngress(ClusterServer cluster, Service s, String ip) {
        Service updated = cluster.client.services().inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName()).get();
        ServiceStatus status = new ServiceStatus();
        LoadBalancerStatus lb = new LoadBalancerStatus();
        if (ip != null) {
            LoadBalancerIngress ingress = new LoadBalancerIngress();
            ingress.setIp(ip);
            ingress.setIpMode("VIP");
            lb.setIngress(List.of(ingress));
        }
        status.setLoadBalancer(lb);
        updated.setStatus(status);
        cluster.client.resource(updated).updateStatus();
    }
}
