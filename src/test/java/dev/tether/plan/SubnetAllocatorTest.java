package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SubnetAllocatorTest {
    @Test
    void findsLowestAlignedFreeBlock() {
        assertEquals("10.0.0.0/27", SubnetAllocator.findFree(List.of("10.0.0.0/16"), List.of(), 27).orElseThrow().toString());
        assertEquals("10.0.0.32/27", SubnetAllocator.findFree(List.of("10.0.0.0/16"), List.of("10.0.0.0/28"), 27).orElseThrow().toString());
        assertEquals("10.0.2.0/27", SubnetAllocator.findFree(List.of("10.0.0.0/16"), List.of("10.0.0.0/23"), 27).orElseThrow().toString());
        assertEquals("10.0.1.32/27", SubnetAllocator.findFree(List.of("10.0.0.0/16"), List.of("10.0.1.0/27", "10.0.0.0/24"), 27).orElseThrow().toString());
    }

    @Test
    void usesLaterAddressSpacesAndReportsFull() {
        assertEquals("192.168.0.0/27", SubnetAllocator.findFree(List.of("10.0.0.0/27", "192.168.0.0/24"), List.of("10.0.0.0/27"), 27).orElseThrow().toString());
        assertTrue(SubnetAllocator.findFree(List.of("10.0.0.0/24"), List.of("10.0.0.0/25", "10.0.0.128/25"), 27).isEmpty());
        assertTrue(SubnetAllocator.findFree(List.of("10.0.0.0/28"), List.of(), 27).isEmpty());
    }

    @Test
    void cidrRejectsBadInput() {
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.1/24"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.256/32"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("fe80::/64"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.0"));
        assertTrue(Cidr.parse("10.0.0.0/16").contains(Cidr.parse("10.0.255.224/27")));
        assertFalse(Cidr.parse("10.0.0.0/27").overlaps(Cidr.parse("10.0.0.32/27")));
    }

    @Test
    void aPlannedRangeIsKeptWhileFreeAndMovedOnceTaken() {
        assertEquals("10.0.0.0/27", SubnetAllocator.plannedOrNextFree("10.0.0.0/27", List.of("10.0.0.0/16"), List.of("10.0.1.0/24")).orElseThrow().toString());
        assertEquals("10.0.0.32/27", SubnetAllocator.plannedOrNextFree("10.0.0.0/27", List.of("10.0.0.0/16"), List.of("10.0.0.0/27")).orElseThrow().toString(),
                "another plan's subnet took the range since the plan");
        assertTrue(SubnetAllocator.plannedOrNextFree("10.0.0.0/27", List.of("10.0.0.0/26"), List.of("10.0.0.0/27", "10.0.0.32/27")).isEmpty(), "nothing left");
    }
}
