package dev.tether.sandbox.kubernetes;

import java.util.Optional;
import java.util.Set;

/**
 * An IPv4 prefix such as {@code 10.224.0.0/16}, and the addresses an Azure load balancer frontend may take in it: Azure
 * reserves the first four addresses of every subnet (network, gateway, two for DNS) and the last one (broadcast).
 * Sandbox-local on purpose: the simulated cloud controller must not share code with the planner it is testing.
 */
record Ipv4Cidr(long base, int prefixLength) {

    Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and 32");
        }
        if ((base & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(format(base) + "/" + prefixLength + " has host bits set");
        }
    }

    static Ipv4Cidr parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        int length;
        try {
            length = Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        return new Ipv4Cidr(parseAddress(cidr.substring(0, slash).trim()), length);
    }

    /** The address as an unsigned 32-bit number, or an exception when it is not a dotted quad. */
    static long parseAddress(String ip) {
        String[] parts = ip == null ? new String[0] : ip.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static boolean isAddress(String ip) {
        try {
            parseAddress(ip);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    private static long mask(int prefixLength) {
        return prefixLength == 0 ? 0 : (0xFFFFFFFFL << (32 - prefixLength)) & 0xFFFFFFFFL;
    }

    long size() {
        return 1L << (32 - prefixLength);
    }

    long last() {
        return base + size() - 1;
    }

    boolean contains(String ip) {
        if (!isAddress(ip)) {
            return false;
        }
        long a = parseAddress(ip);
        return a >= base && a <= last();
    }

    /** True when Azure would let a load balancer frontend take this address. */
    boolean assignable(String ip) {
        if (!isAddress(ip)) {
            return false;
        }
        long a = parseAddress(ip);
        return a >= base + 4 && a < last();
    }

    /** The lowest assignable address not in {@code taken}. */
    Optional<String> nextFree(Set<String> taken) {
        for (long a = base + 4; a < last(); a++) {
            String ip = format(a);
            if (!taken.contains(ip)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefixLength;
    }
}
