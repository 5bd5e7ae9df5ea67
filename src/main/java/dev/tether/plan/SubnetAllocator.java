package dev.tether.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds the lowest free, aligned block of a given size in a VNet's address space that overlaps no existing subnet. */
public final class SubnetAllocator {
    private SubnetAllocator() {
    }

    /** IPv4 prefixes only: a dual-stack VNet or subnet also lists IPv6 ranges, which an IPv4 allocation ignores. */
    public static List<String> ipv4(List<String> prefixes) {
        return prefixes.stream().filter(p -> p != null && !p.contains(":")).toList();
    }

    public static Optional<Cidr> findFree(List<String> addressSpace, List<String> usedPrefixes, int prefixLength) {
        List<Cidr> used = new ArrayList<>();
        for (String p : ipv4(usedPrefixes)) {
            used.add(Cidr.parse(p));
        }
        used.sort(Comparator.comparingLong(Cidr::base));
        long size = 1L << (32 - prefixLength);
        for (String spaceText : ipv4(addressSpace)) {
            Cidr space = Cidr.parse(spaceText);
            if (space.prefixLength() > prefixLength) {
                continue;
            }
            long candidate = space.base();
            while (candidate + size - 1 <= space.last()) {
                Cidr block = new Cidr(candidate, prefixLength);
                Optional<Cidr> clash = used.stream().filter(block::overlaps).findFirst();
                if (clash.isEmpty()) {
                    return Optional.of(block);
                }
                long next = clash.get().last() + 1;
                candidate = ((next + size - 1) / size) * size;
            }
        }
        return Optional.empty();
    }

    /**
     * The planned prefix if it still overlaps no subnet, else the first free block of the same size: between a plan
     * and its write another plan's subnet may have taken the range (ARM would refuse the overlap with a 400).
     */
    public static Optional<Cidr> plannedOrNextFree(String planned, List<String> addressSpace, List<String> usedPrefixes) {
        Cidr wanted = Cidr.parse(planned);
        if (ipv4(usedPrefixes).stream().map(Cidr::parse).noneMatch(wanted::overlaps)) {
            return Optional.of(wanted);
        }
        return findFree(addressSpace, usedPrefixes, wanted.prefixLength());
    }
}
