package dev.tether.plan;

/** An IPv4 CIDR block. Pure arithmetic; there is no CIDR helper in the Azure SDK. */
public record Cidr(long base, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new InvalidInputException("prefix length " + prefixLength + " is outside 0..32");
        }
        long mask = mask(prefixLength);
        if ((base & ~mask & 0xFFFFFFFFL) != 0) {
            throw new InvalidInputException(format(base) + "/" + prefixLength + " is not aligned to its prefix length");
        }
    }

    public static Cidr parse(String text) {
        if (text == null) {
            throw new InvalidInputException("CIDR is missing");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("'" + t + "' is not a CIDR (expected a.b.c.d/n)");
        }
        int len;
        try {
            len = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + t + "' has an invalid prefix length");
        }
        return new Cidr(parseAddress(t.substring(0, slash)), len);
    }

    public static long parseAddress(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new InvalidInputException("'" + text + "' is not an IPv4 address");
        }
        long v = 0;
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit)) {
                throw new InvalidInputException("'" + text + "' is not an IPv4 address");
            }
            int n = Integer.parseInt(o);
            if (n > 255) {
                throw new InvalidInputException("'" + text + "' is not an IPv4 address");
            }
            v = (v << 8) | n;
        }
        return v;
    }

    public static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    static long mask(int prefixLength) {
        return prefixLength == 0 ? 0 : (0xFFFFFFFFL << (32 - prefixLength)) & 0xFFFFFFFFL;
    }

    public long size() {
        return 1L << (32 - prefixLength);
    }

    public long last() {
        return base + size() - 1;
    }

    public boolean overlaps(Cidr other) {
        return base <= other.last() && other.base <= last();
    }

    public boolean contains(Cidr other) {
        return base <= other.base && other.last() <= last();
    }

    public boolean contains(long address) {
        return base <= address && address <= last();
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefixLength;
    }
}
