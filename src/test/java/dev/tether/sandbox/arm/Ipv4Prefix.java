package dev.tether.sandbox.arm;

import java.util.Optional;

/**
 * An IPv4 address prefix as the network resource provider checks it. Written apart from Tether's own {@code plan.Cidr}
 * on purpose: the emulator judges Tether's subnet allocation, so it must not share its arithmetic.
 */
record Ipv4Prefix(long first, int length) {

    /** Why a text is not a usable prefix. */
    static final class Invalid extends RuntimeException {
        final boolean misaligned;

        Invalid(String message, boolean misaligned) {
            super(message, null, false, false);
            this.misaligned = misaligned;
        }
    }

    /** Parses {@code a.b.c.d/n}; an address with bits set past the prefix length is invalid, as Azure says. */
    static Ipv4Prefix parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2 || !parts[1].matches("\\d{1,2}") || Integer.parseInt(parts[1]) > 32) {
            throw new Invalid("'" + text + "' is not in CIDR notation", false);
        }
        String[] octets = parts[0].split("\\.", -1);
        if (octets.length != 4) {
            throw new Invalid("'" + text + "' is not an IPv4 prefix", false);
        }
        long address = 0;
        for (String o : octets) {
            if (!o.matches("\\d{1,3}") || Integer.parseInt(o) > 255) {
                throw new Invalid("'" + text + "' is not an IPv4 prefix", false);
            }
            address = (address << 8) | Integer.parseInt(o);
        }
        int length = Integer.parseInt(parts[1]);
        long mask = length == 0 ? 0 : (0xFFFFFFFFL << (32 - length)) & 0xFFFFFFFFL;
        if ((address & ~mask & 0xFFFFFFFFL) != 0) {
            throw new Invalid("For the given prefix length, the address prefix should be " + format(address & mask) + "/" + length + ".", true);
        }
        return new Ipv4Prefix(address, length);
    }

    /**
     * A prefix already stored in the world, or empty when it is not a valid IPv4 prefix (a VNet's IPv6 space plays no
     * part in IPv4 checks, and a malformed stored value must not make the emulator throw).
     */
    static Optional<Ipv4Prefix> stored(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(parse(text));
        } catch (Invalid e) {
            return Optional.empty();
        }
    }

    long last() {
        return first + (1L << (32 - length)) - 1;
    }

    boolean contains(Ipv4Prefix other) {
        return other.first >= first && other.last() <= last();
    }

    boolean overlaps(Ipv4Prefix other) {
        return first <= other.last() && other.first <= last();
    }

    private static String format(long a) {
        return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
    }

    @Override
    public String toString() {
        return format(first) + "/" + length;
    }
}
