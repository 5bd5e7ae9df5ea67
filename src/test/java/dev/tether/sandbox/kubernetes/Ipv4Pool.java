package dev.tether.sandbox.kubernetes;

import dev.tether.plan.Cidr;

import java.util.Optional;
import java.util.Set;

/** Addresses a load balancer frontend can take in a subnet: Azure reserves the first four and the last. */
record Ipv4Pool(Cidr cidr) {
    static Ipv4Pool of(String cidr) {
        return new Ipv4Pool(Cidr.parse(cidr));
    }

    boolean usable(String ip) {
        long a = Cidr.parseAddress(ip);
        return a >= cidr.base() + 4 && a < cidr.last();
    }

    Optional<String> next(Set<String> used) {
        for (long a = cidr.base() + 4; a < cidr.last(); a++) {
            String ip = Cidr.format(a);
            if (!used.contains(ip)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }
}
