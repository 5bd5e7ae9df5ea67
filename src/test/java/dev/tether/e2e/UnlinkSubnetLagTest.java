package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * App Service removes the plan's service association link from the subnet after the plan's last app left it, with a lag
 * (MicrosoftDocs/azure-docs#116634, Azure/deployment-stacks#150; PlatformRules SUBNET_LINK_REMOVAL_LAG). The unlink's
 * step 4 looks again with durable timers (20, 40, 80, 160 s: five looks within 5 minutes) and deletes the subnet once
 * the link is gone; a link still there after the last look keeps the subnet, and the result says what to do.
 */
class UnlinkSubnetLagTest {
    static final String SITE = DemoWorld.SITE_ID;
    static final String SUBNET = DemoWorld.VNET_ID + "/subnets/tether-DefaultAsp-148ff230";
    static final String VNET_READ = "GET " + DemoWorld.VNET_ID + " 200";

    /** The unlink's calls up to and including leaving the subnet (as in UnlinkTest's demo unlink). */
    static final List<String> UP_TO_LEAVE = List.of(
            "GET " + SITE + " 200",
            "GET " + SITE + " 200", "POST " + SITE + "/config/appsettings/list 200", VNET_READ,
            "GET " + SITE + "/config/slotConfigNames 200", "GET " + SITE + "/slots 200",
            "POST " + SITE + "/config/appsettings/list 200", "PUT " + SITE + "/config/appsettings 200",
            "GET " + SITE + "/config/slotConfigNames 200", "PUT " + SITE + "/config/slotConfigNames 200",
            "GET " + SITE + " 200", "DELETE " + SITE + "/networkConfig/virtualNetwork 200");

    static Sandbox unlinkWithLag(Duration lag) {
        Sandbox s = UnlinkTest.linked(DemoWorld.build());
        s.arm().setServiceLinkRemovalLag(lag);
        UnlinkTest.untag(s, SITE);
        return s;
    }

    static List<String> plus(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    static boolean subnetExists(Sandbox s) {
        return new WorldView(s).subnets(DemoWorld.VNET_ID).stream().anyMatch(n -> n.path("name").asText().equals("tether-DefaultAsp-148ff230"));
    }

    @Test
    void aLinkRemovedWithinTheBoundLetsTheSubnetGoWithTheExactCalls() throws Exception {
        try (Sandbox s = unlinkWithLag(Duration.ofSeconds(90))) {
            int mark = s.calls().size();
            java.time.Instant start = s.clock().now();
            assertEquals(202, s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + SITE + "\"}", UnlinkTest.JSON).status());
            s.runUntilIdle();
            var app = s.durable().instances().get(0);
            assertEquals("Completed", app.status(), app.failure());
            // Looks at 0, 20 and 60 s see the plan's link; at 140 s it is gone (the lag was 90 s) and the subnet goes.
            // The DELETE's operation answers InProgress at the first poll and Succeeded at the second (PlatformRules.Behaviour).
            String poll = "GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-2 200";
            assertEquals(plus(UP_TO_LEAVE, VNET_READ, VNET_READ, VNET_READ, VNET_READ, "DELETE " + SUBNET + " 202", poll, poll), UnlinkTest.calls(s, mark));
            JsonNode out = UnlinkTest.M.readTree(app.output());
            assertEquals("UNLINKED", out.path("status").asText());
            assertEquals("unlink sitef6141: app-settings, slot-settings, leave-subnet, delete-subnet", out.path("message").asText());
            JsonNode step = out.path("steps").get(out.path("steps").size() - 1);
            assertEquals("DELETED", step.path("outcome").asText());
            assertEquals("deleted tether-DefaultAsp-148ff230 (Tether created it; nothing uses it) after waiting 140s for App Service to remove its"
                    + " plan's service association link", step.path("detail").asText());
            assertFalse(subnetExists(s));
            // 140 s of durable timers, the DELETE operation's one Retry-After (1 s), then the pass's 1 s recheck window.
            assertEquals(142, Duration.between(start, s.clock().now()).toSeconds());
        }
    }

    @Test
    void aLinkOutlastingTheBoundKeepsTheSubnetAndTheResultSaysWhatToDo() throws Exception {
        try (Sandbox s = unlinkWithLag(Duration.ofMinutes(10))) {
            int mark = s.calls().size();
            assertEquals(202, s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + SITE + "\"}", UnlinkTest.JSON).status());
            s.runUntilIdle();
            var app = s.durable().instances().get(0);
            assertEquals("Completed", app.status(), app.failure());
            // Five looks (0, 20, 60, 140, 300 s), no DELETE: the subnet still lists the plan's link.
            assertEquals(plus(UP_TO_LEAVE, VNET_READ, VNET_READ, VNET_READ, VNET_READ, VNET_READ), UnlinkTest.calls(s, mark));
            String kept = "kept tether-DefaultAsp-148ff230 after waiting 300s: App Service plan DefaultAsp still holds its service association link"
                    + " (App Service had not removed it yet, or another app of the plan is still integrated with the subnet). Tether created the subnet,"
                    + " but its record went with the unlink, so Tether will not delete it later. Fix: once `az network vnet subnet show --ids " + SUBNET
                    + " --query serviceAssociationLinks` is empty, delete it with `az network vnet subnet delete --ids " + SUBNET + "`";
            JsonNode out = UnlinkTest.M.readTree(app.output());
            assertEquals("UNLINKED", out.path("status").asText());
            assertEquals("unlink sitef6141: app-settings, slot-settings, leave-subnet, delete-subnet; " + kept, out.path("message").asText());
            JsonNode step = out.path("steps").get(out.path("steps").size() - 1);
            assertEquals("UNCHANGED", step.path("outcome").asText());
            assertEquals(kept, step.path("detail").asText());
            assertTrue(subnetExists(s));
            assertEquals(List.of(DemoWorld.PLAN_ID), linkedPlans(s));

            // The emulator's lag ends: App Service removes the link, and the subnet is then deletable by hand as the result says.
            s.clock().advance(Duration.ofMinutes(10));
            assertEquals(List.of(), linkedPlans(s));
        }
    }

    static List<String> linkedPlans(Sandbox s) {
        List<String> out = new java.util.ArrayList<>();
        s.arm().resource(SUBNET).orElseThrow().path("properties").path("serviceAssociationLinks")
                .forEach(l -> out.add(l.path("properties").path("link").asText()));
        return out;
    }

    /** Crash after every history event of a link and an unlink whose subnet is freed 90 s after the app left: the same writes and world. */
    @Test
    void crashAfterEveryHistoryEventOfAnUnlinkWaitingForTheLink() throws Exception {
        int events = CrashEverywhereTest.crashEverywhere(new CrashEverywhereTest.Scenario(DemoWorld.build(), s -> {
            s.arm().setServiceLinkRemovalLag(Duration.ofSeconds(90));
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            UnlinkTest.untag(s, SITE);
            assertEquals(202, s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + SITE + "\"}", UnlinkTest.JSON).status());
            s.runUntilIdle();
        }, CrashEverywhereTest.plus(CrashEverywhereTest.LINK_WRITES, "PUT " + SITE + "/config/appsettings", "PUT " + SITE + "/config/slotConfigNames",
                "DELETE " + SITE + "/networkConfig/virtualNetwork", "DELETE " + SUBNET), s -> assertFalse(subnetExists(s))));
        assertEquals(120, events, "history events of the drive, each one a crash point (measured)");
    }
}
