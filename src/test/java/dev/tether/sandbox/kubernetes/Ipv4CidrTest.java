package dev.tether.sandbox.kubernetes;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class Ipv4CidrTest {
    @Test
    void azureReservesTheFirstFourAndTheLastAddress() {
        Ipv4Cidr c = Ipv4Cidr.parse("10.1.0.0/24");
        assertEquals("10.1.0.0/24", c.toString());
        assertTrue(c.contains("10.1.0.0") && c.contains("10.1.0.255"));
        assertFalse(c.contains("10.1.1.0"));
        assertFalse(c.assignable("10.1.0.3"));
        assertTrue(c.assignable("10.1.0.4"));
        assertTrue(c.assignable("10.1.0.254"));
        assertFalse(c.assignable("10.1.0.255"));
        assertEquals("10.1.0.4", c.nextFree(Set.of()).orElseThrow());
        assertEquals("10.1.0.6", c.nextFree(Set.of("10.1.0.4", "10.1.0.5")).orElseThrow());
    }

    @Test
    void aSlash29HasThreeAssignableAddressesThenRunsOut() {
        Ipv4Cidr c = Ipv4Cidr.parse("192.168.5.8/29");
        assertEquals("192.168.5.12", c.nextFree(Set.of()).orElseThrow());
        assertTrue(c.nextFree(Set.of("192.168.5.12", "192.168.5.13", "192.168.5.14")).isEmpty());
    }

    @Test
    void rejectsWhatIsNotACidrOrAnAddress() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.1.0.1/24"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.1.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.1.300.0/24"));
        assertFalse(Ipv4Cidr.parse("10.0.0.0/8").contains("not-an-ip"));
        assertFalse(Ipv4Cidr.isAddress("1.2.3"));
    }
}
