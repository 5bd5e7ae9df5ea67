package dev.tether.e2e;

import dev.tether.config.TetherConfig;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashSet;

import static org.junit.jupiter.api.Assertions.*;

/** The DNS IP is waited for with durable timers, bounded; when it never comes, the app's settings are left alone. */
class DnsWaitTest {

    @Test
    void anIpThatNeverArrivesFailsClearlyWithoutTouchingTheAppSettings() {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        TetherConfig config = TetherConfig.defaults(new LinkedHashSet<>(world.subscriptions()));
        try (Sandbox s = new Sandbox(world, new Sandbox.Options(Duration.ofHours(2), config))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Failed", v.status());
            assertTrue(v.failure().contains("no load balancer IP within 600s") && v.failure().contains("Fix:"), v.failure());
            assertTrue(v.customStatus().contains("waiting-for-dns-ip"), "progress is reported: " + v.customStatus());
            long waited = Duration.between(Sandbox.EPOCH, s.clock().now()).toSeconds();
            assertTrue(waited >= 600 && waited < 700, "bounded by TETHER_DNS_WAIT_TIMEOUT: " + waited);
            assertTrue(s.calls().writes().stream().noneMatch(c -> c.path().contains("appsettings")), "no app setting points at a DNS without an IP");
            assertFalse(new WorldView(s).appSettings(DemoWorld.SITE_ID).has("WEBSITE_DNS_SERVER"));
        }
    }
}
