package dev.tether.plan;

import java.util.List;

/**
 * Where one managed Service stands after Tether made it internal: the name linked apps use
 * ({@code <svc>.<ns>.<zone>}), its load balancer IP, the subnet that IP must come from (the node subnet, or the one the
 * {@code azure-load-balancer-internal-subnet} annotation names; null when AKS manages the VNet: then any RFC 1918
 * address), and its state: {@code internal} (an IP in that subnet), {@code pending} (no IP yet, or still the old
 * frontend's), or {@code not-internal} (not an internal load balancer).
 */
public record ServiceIp(String service, String name, String ip, String expectedSubnet, String state, String detail) {
    public static final String INTERNAL = "internal";
    public static final String PENDING = "pending";

    private static final List<Cidr> RFC1918 = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"));

    public static ServiceIp judge(ServiceFacts s, String domain, String expectedSubnet) {
        String name = s.name() + "." + s.namespace() + "." + domain;
        if (!"LoadBalancer".equals(s.type()) || !s.internal()) {
            return new ServiceIp(s.key(), name, s.ingressIp(), expectedSubnet, "not-internal", s.key() + " is not an internal load balancer");
        }
        if (s.ingressIp() == null) {
            return new ServiceIp(s.key(), name, null, expectedSubnet, PENDING, "no load balancer IP yet");
        }
        long ip = Cidr.parseAddress(s.ingressIp());
        boolean inSubnet = expectedSubnet != null ? Cidr.parse(expectedSubnet).contains(ip) : RFC1918.stream().anyMatch(c -> c.contains(ip));
        if (!inSubnet) {
            return new ServiceIp(s.key(), name, s.ingressIp(), expectedSubnet, PENDING, "still " + s.ingressIp() + ", outside "
                    + (expectedSubnet == null ? "the private ranges" : expectedSubnet) + " (the old frontend until the internal one is provisioned)");
        }
        return new ServiceIp(s.key(), name, s.ingressIp(), expectedSubnet, INTERNAL, name + " -> " + s.ingressIp());
    }
}
