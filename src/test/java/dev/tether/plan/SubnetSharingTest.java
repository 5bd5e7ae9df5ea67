package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multi-plan subnet join limits, a plan's integration limit and Tether's default subnet name, as pure rules. */
class SubnetSharingTest {
    static final String SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
    static final String PLAN_A = SUB + "/resourceGroups/team-a/providers/Microsoft.Web/serverfarms/shop-plan";
    static final String PLAN_B = SUB + "/resourceGroups/team-b/providers/Microsoft.Web/serverfarms/shop-plan";
    static final String VNET = SUB + "/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v";

    static SubnetState subnet(String prefix, String... plans) {
        return new SubnetState(VNET + "/subnets/s", "s", List.of(prefix), List.of(Conventions.WEB_DELEGATION), List.of(plans), 0, "Succeeded");
    }

    @Test
    void theDefaultNameIsThePlanNameAndAStableHashOfItsFullId() {
        assertEquals("tether-shop-plan-c6c4b312", SubnetSharing.defaultName("tether-", PLAN_A, "shop-plan"));
        assertEquals("tether-shop-plan-4852426b", SubnetSharing.defaultName("tether-", PLAN_B, "shop-plan"), "the same plan name in another group");
        assertEquals(SubnetSharing.defaultName("tether-", PLAN_A, "shop-plan"),
                SubnetSharing.defaultName("tether-", PLAN_A.toUpperCase(java.util.Locale.ROOT), "shop-plan"), "ids compare case-insensitively, as ARM does");
        String longName = SubnetSharing.defaultName("tether-", PLAN_A, "p".repeat(100) + "...");
        assertEquals(80, longName.length());
        assertEquals("tether-" + "p".repeat(64) + "-c6c4b312", longName);
        assertEquals("tether-caf--plan-c6c4b312", SubnetSharing.defaultName("tether-", PLAN_A, "café plan"), "characters subnets cannot carry become '-'");
    }

    @Test
    void aSubnetServingNoOtherPlanMayBeJoinedAtAnySize() {
        assertEquals(List.of(), SubnetSharing.joinFindings(subnet("10.0.0.0/28"), Cidr.parse("10.0.0.0/28"), PLAN_A));
        assertEquals(List.of(), SubnetSharing.joinFindings(subnet("10.0.0.0/28", PLAN_A), Cidr.parse("10.0.0.0/28"), PLAN_A.toLowerCase()));
    }

    @Test
    void anotherPlanOfTheSubscriptionSharesOnlyASlash26OrLarger() {
        assertEquals(List.of(), SubnetSharing.joinFindings(subnet("10.0.0.0/26", PLAN_B), Cidr.parse("10.0.0.0/26"), PLAN_A));
        assertEquals(List.of(), SubnetSharing.joinFindings(subnet("10.0.0.0/24", PLAN_B), Cidr.parse("10.0.0.0/24"), PLAN_A));
        List<Finding> small = SubnetSharing.joinFindings(subnet("10.0.0.0/27", PLAN_B), Cidr.parse("10.0.0.0/27"), PLAN_A);
        assertEquals(List.of("SUBNET_SHARED_TOO_SMALL"), small.stream().map(Finding::code).toList());
        assertEquals("subnet s (10.0.0.0/27) serves plan " + PLAN_B + "; a second plan may join a subnet (multi-plan subnet join) only when it is /26 or larger",
                small.get(0).message());
    }

    @Test
    void plansOfAnotherSubscriptionNeverShare() {
        String foreign = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/x/providers/Microsoft.Web/serverfarms/p";
        List<Finding> f = SubnetSharing.joinFindings(subnet("10.0.0.0/27", foreign), Cidr.parse("10.0.0.0/27"), PLAN_A);
        assertEquals(List.of("SUBNET_SHARED_ACROSS_SUBSCRIPTIONS", "SUBNET_SHARED_TOO_SMALL"), f.stream().map(Finding::code).toList());
    }

    @Test
    void thePlansConnectionsAreReadOnlyWhenThePlanWouldGainAnIntegration() {
        PlanState plan = new PlanState(PLAN_A, "shop-plan", "westeurope", "P1v3", "PremiumV3", true);
        SiteState fresh = new SiteState(SUB + "/resourceGroups/team-a/providers/Microsoft.Web/sites/shop", "shop", "westeurope", PLAN_A, null, false, Map.of());
        SiteState joined = new SiteState(fresh.id(), "shop", "westeurope", PLAN_A, VNET + "/subnets/s", false, Map.of());
        VnetState served = new VnetState(VNET, "v", "westeurope", List.of("10.0.0.0/16"), List.of(subnet("10.0.0.0/26", PLAN_A)));
        VnetState empty = new VnetState(VNET, "v", "westeurope", List.of("10.0.0.0/16"), List.of(subnet("10.0.0.0/26")));
        SubnetDecision toS = new SubnetDecision(VNET, VNET + "/subnets/s", "s", "10.0.0.0/26", Outcome.UNCHANGED, "", PLAN_A);
        SubnetDecision create = new SubnetDecision(VNET, VNET + "/subnets/new", "new", "10.0.1.0/27", Outcome.CREATED, "", PLAN_A);
        assertTrue(SubnetSharing.needsPlanConnections(fresh, plan, served, create), "a subnet to create");
        assertTrue(SubnetSharing.needsPlanConnections(fresh, plan, empty, toS), "an existing subnet that does not serve the plan yet");
        assertFalse(SubnetSharing.needsPlanConnections(fresh, plan, served, toS), "the plan is already integrated with it");
        assertFalse(SubnetSharing.needsPlanConnections(joined, plan, empty, toS), "the app is joined: a rerun");
    }

    @Test
    void aLinuxPlanHasOneIntegrationAndAWindowsPlanTwo() {
        PlanState linux = new PlanState(PLAN_A, "shop-plan", "westeurope", "P1v3", "PremiumV3", true);
        PlanState windows = new PlanState(PLAN_A, "shop-plan", "westeurope", "P1v3", "PremiumV3", false);
        String target = VNET + "/subnets/s";
        String other = SUB + "/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/apps";
        assertEquals(Optional.empty(), SubnetSharing.planIntegrations(linux, "shop", List.of(), target));
        assertEquals(Optional.empty(), SubnetSharing.planIntegrations(linux, "shop", List.of(target.toUpperCase(java.util.Locale.ROOT)), target),
                "the plan's integration is the subnet itself");
        assertEquals("PLAN_INTEGRATED_ELSEWHERE: plan shop-plan (Linux, 1 regional VNet integration) is already integrated with " + other
                        + " through its other apps, so app shop cannot join s without one more Fix: tag the app private-link-subnet=<that subnet's name>"
                        + " when it is in the cluster's VNet, move the app to another plan, or remove the other apps' integration",
                SubnetSharing.planIntegrations(linux, "shop", List.of(other), target).orElseThrow().describe());
        assertEquals(Optional.empty(), SubnetSharing.planIntegrations(windows, "shop", List.of(other), target));
        assertEquals("PLAN_INTEGRATED_ELSEWHERE", SubnetSharing.planIntegrations(windows, "shop", List.of(other, other + "2"), target).orElseThrow().code());
    }
}
