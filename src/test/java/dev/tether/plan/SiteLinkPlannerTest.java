package dev.tether.plan;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SiteLinkPlannerTest {
    static final String SUB = "00000000-0000-0000-0000-000000000001";
    static final String RG = "/subscriptions/" + SUB + "/resourceGroups/rg/providers/";
    static final String VNET = RG + "Microsoft.Network/virtualNetworks/aks-vnet";
    static final String PLAN = RG + "Microsoft.Web/serverfarms/shop-plan";
    static final String CLUSTER = RG + "Microsoft.ContainerService/managedClusters/aks1";
    static final LinkSettings SETTINGS = new LinkSettings(27, "tether-");

    static SiteState site(Map<String, String> tags, String subnetId, String location) {
        return new SiteState(RG + "Microsoft.Web/sites/shop", "shop", location, PLAN, subnetId, false, tags);
    }

    static PlanState plan(String tier) {
        return new PlanState(PLAN, "shop-plan", "West Europe", "P1v3", tier);
    }

    static ClusterState cluster(String id, Map<String, String> tags, List<String> subnets) {
        return new ClusterState(id, ResourceId.parse(id).name(), "westeurope", tags, subnets, "MC_rg_aks1", false, false, "azure", "10.0.0.10", null);
    }

    static SubnetState subnet(String name, String prefix, List<String> delegations, List<String> plans, int ipConfigs) {
        return new SubnetState(VNET + "/subnets/" + name, name, List.of(prefix), delegations, plans, ipConfigs, "Succeeded");
    }

    static VnetState vnet(String location, List<String> space, SubnetState... subnets) {
        return new VnetState(VNET, "aks-vnet", location, space, List.of(subnets));
    }

    static final Map<String, String> TAGGED = Map.of("private-link", "shop");
    static final ClusterState AKS = cluster(CLUSTER, Map.of("Private-Link", "shop"), List.of(VNET + "/subnets/nodes"));
    static final SubnetState NODES = subnet("nodes", "10.1.0.0/22", List.of(), List.of(), 12);

    @Test
    void freshLinkCreatesADelegatedSubnetAndJoinsTheSite() {
        SiteLinkPlan p = SiteLinkPlanner.plan(RG + "Microsoft.Web/sites/shop", site(TAGGED, null, "West Europe"), plan("PremiumV3"),
                List.of(AKS), vnet("westeurope", List.of("10.1.0.0/16"), NODES), SETTINGS);
        assertEquals(SiteLinkPlan.Status.READY, p.status(), p.message());
        assertEquals(Outcome.CREATED, p.subnet().action());
        assertEquals("tether-shop-plan-2fc78b98", p.subnet().name(), "the plan name and a stable hash of the plan's full id");
        assertEquals("10.1.4.0/27", p.subnet().addressPrefix());
        assertEquals("shop.internal", p.domain());
        assertEquals(CLUSTER, p.clusterId());
        assertEquals(Outcome.UPDATED, p.changes().get(1).action());
    }

    @Test
    void reusesThePlansExistingSubnetAndReportsNoSiteChangeWhenJoined() {
        SubnetState integ = subnet("integ", "10.1.8.0/26", List.of(Conventions.WEB_DELEGATION), List.of(PLAN.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")), 0);
        SiteState joined = new SiteState(RG + "Microsoft.Web/sites/shop", "shop", "westeurope", PLAN, integ.id(), true, TAGGED);
        SiteLinkPlan p = SiteLinkPlanner.plan(joined.id(), joined, plan("Standard"), List.of(AKS), vnet("West Europe", List.of("10.1.0.0/16"), NODES, integ), SETTINGS);
        assertEquals(SiteLinkPlan.Status.READY, p.status(), p.message());
        assertEquals(Outcome.UNCHANGED, p.subnet().action());
        assertEquals(Outcome.UNCHANGED, p.changes().get(1).action());
        SiteLinkPlan fresh = SiteLinkPlanner.plan(joined.id(), site(TAGGED, null, "westeurope"), plan("Standard"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES, integ), SETTINGS);
        assertEquals(integ.id(), fresh.subnet().subnetId(), "one subnet per plan: a second app of the plan reuses it");
    }

    private static SiteLinkPlan rejected(SiteState site, PlanState plan, List<ClusterState> clusters, VnetState vnet, String code) {
        SiteLinkPlan p = SiteLinkPlanner.plan(site.id(), site, plan, clusters, vnet, SETTINGS);
        assertEquals(SiteLinkPlan.Status.REJECTED, p.status(), p.message());
        assertTrue(p.findings().stream().anyMatch(f -> f.code().equals(code)), p.message());
        assertTrue(p.message().contains("Fix:"), p.message());
        return p;
    }

    @Test
    void freeOrSharedPlanIsRejected() {
        SiteLinkPlan p = rejected(site(TAGGED, null, "westeurope"), new PlanState(PLAN, "shop-plan", "westeurope", "F1", "Free"),
                List.of(AKS), vnet("westeurope", List.of("10.1.0.0/16"), NODES), "UNSUPPORTED_SKU");
        assertTrue(p.message().contains("Free"));
        rejected(site(TAGGED, null, "westeurope"), new PlanState(PLAN, "shop-plan", "westeurope", "D1", "Shared"),
                List.of(AKS), vnet("westeurope", List.of("10.1.0.0/16"), NODES), "UNSUPPORTED_SKU");
    }

    @Test
    void regionMismatchIsRejected() {
        SiteLinkPlan p = rejected(site(TAGGED, null, "East US"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES), "REGION_MISMATCH");
        assertTrue(p.message().contains("East US") && p.message().contains("westeurope"));
    }

    @Test
    void noClusterWaitsAndTwoClustersAreRejected() {
        SiteLinkPlan waiting = SiteLinkPlanner.plan(RG + "Microsoft.Web/sites/shop", site(TAGGED, null, "westeurope"), null, List.of(), null, SETTINGS);
        assertEquals(SiteLinkPlan.Status.WAITING, waiting.status());
        assertTrue(waiting.message().contains("private-link=shop"));
        SiteLinkPlan p = rejected(site(TAGGED, null, "westeurope"), null,
                List.of(AKS, cluster(RG + "Microsoft.ContainerService/managedClusters/aks2", TAGGED, List.of())), null, "DUPLICATE_LINK");
        assertTrue(p.message().contains("aks1") && p.message().contains("aks2"));
    }

    @Test
    void clusterWithoutItsOwnSubnetIsRejected() {
        rejected(site(TAGGED, null, "westeurope"), plan("PremiumV3"), List.of(cluster(CLUSTER, TAGGED, List.of())), null, "NO_CLUSTER_SUBNET");
    }

    @Test
    void fullVnetIsRejected() {
        rejected(site(TAGGED, null, "westeurope"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/22"), NODES), "NO_FREE_RANGE");
    }

    @Test
    void namedSubnetProblemsAreRejected() {
        Map<String, String> named = Map.of("private-link", "shop", "private-link-subnet", "apps");
        rejected(site(named, null, "westeurope"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES, subnet("apps", "10.1.9.0/29", List.of(), List.of(), 0)), "SUBNET_TOO_SMALL");
        rejected(site(named, null, "westeurope"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES, subnet("apps", "10.1.9.0/27", List.of("Microsoft.ContainerInstance/containerGroups"), List.of(), 0)), "SUBNET_DELEGATED_ELSEWHERE");
        rejected(site(named, null, "westeurope"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES, subnet("apps", "10.1.9.0/27", List.of(Conventions.WEB_DELEGATION), List.of(RG + "Microsoft.Web/serverfarms/other"), 0)), "SUBNET_SHARED_TOO_SMALL");
        SiteLinkPlan create = SiteLinkPlanner.plan(RG + "Microsoft.Web/sites/shop", site(named, null, "westeurope"), plan("PremiumV3"), List.of(AKS),
                vnet("westeurope", List.of("10.1.0.0/16"), NODES), SETTINGS);
        assertEquals("apps", create.subnet().name());
        assertEquals(Outcome.CREATED, create.subnet().action());
    }

    @Test
    void alreadyIntegratedElsewhereIsNotMovedSilently() {
        SiteLinkPlan p = rejected(site(TAGGED, "/subscriptions/" + SUB + "/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/s", "westeurope"),
                plan("PremiumV3"), List.of(AKS), vnet("westeurope", List.of("10.1.0.0/16"), NODES), "ALREADY_INTEGRATED");
        assertTrue(p.message().contains("will not move it silently"));
    }

    @Test
    void goneUntaggedAndInvalidTags() {
        assertEquals(SiteLinkPlan.Status.GONE, SiteLinkPlanner.plan("x", null, null, List.of(), null, SETTINGS).status());
        assertEquals(SiteLinkPlan.Status.NOT_TAGGED, SiteLinkPlanner.plan("x", site(Map.of("env", "prod"), null, "westeurope"), null, List.of(), null, SETTINGS).status());
        rejected(site(Map.of("private-link", "Shop Link!"), null, "westeurope"), null, List.of(), null, "INVALID_LINK_TAG");
        rejected(site(TAGGED, null, "westeurope"), plan("PremiumV3"), List.of(cluster(CLUSTER, Map.of("private-link", "shop", "private-link-domain", "cluster.local"),
                List.of(VNET + "/subnets/nodes"))), vnet("westeurope", List.of("10.1.0.0/16"), NODES), "INVALID_DOMAIN");
    }

    @Test
    void subnetSizeSettingIsBounded() {
        assertThrows(InvalidInputException.class, () -> new LinkSettings(29, "tether-"));
        assertThrows(InvalidInputException.class, () -> new LinkSettings(8, "tether-"));
    }
}
