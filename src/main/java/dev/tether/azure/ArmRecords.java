package dev.tether.azure;

import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.models.OutboundVnetRouting;
import com.azure.resourcemanager.containerservice.fluent.models.ManagedClusterInner;
import com.azure.resourcemanager.containerservice.models.ManagedClusterAgentPoolProfile;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.fluent.models.VirtualNetworkInner;
import com.azure.resourcemanager.network.models.Delegation;
import dev.tether.plan.ApiServerAccess;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.SiteState;
import dev.tether.plan.SubnetState;
import dev.tether.plan.VnetState;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** The Azure SDK's models of what {@link ArmGateway} reads, mapped to Tether's own records (plan/). */
final class ArmRecords {
    private ArmRecords() {
    }

    static SiteState toSite(SiteInner s) {
        // The site property decides; siteConfig.vnetRouteAllEnabled is only a mirror kept for older API versions.
        OutboundVnetRouting routing = s.outboundVnetRouting();
        boolean routeAll = routing != null
                ? Boolean.TRUE.equals(routing.applicationTraffic()) || Boolean.TRUE.equals(routing.allTraffic())
                : Boolean.TRUE.equals(s.siteConfig() == null ? null : s.siteConfig().vnetRouteAllEnabled());
        String subnet = s.virtualNetworkSubnetId();
        List<String> dns = s.dnsConfiguration() == null || s.dnsConfiguration().dnsServers() == null ? List.of()
                : s.dnsConfiguration().dnsServers().stream().filter(d -> d != null && !d.isBlank()).toList();
        return new SiteState(s.id(), s.name(), s.location(), s.serverFarmId(), subnet == null || subnet.isBlank() ? null : subnet,
                routeAll, s.tags(), dns);
    }

    static ClusterState toCluster(ManagedClusterInner c) {
        List<String> subnets = c.agentPoolProfiles() == null ? List.of() : c.agentPoolProfiles().stream()
                .map(ManagedClusterAgentPoolProfile::vnetSubnetId).filter(Objects::nonNull).distinct().toList();
        boolean entra = c.aadProfile() != null && !Boolean.FALSE.equals(c.aadProfile().managed());
        var net = c.networkProfile();
        return new ClusterState(c.id(), c.name(), c.location(), c.tags(), subnets, c.nodeResourceGroup(), entra,
                Boolean.TRUE.equals(c.disableLocalAccounts()),
                net == null || net.networkPlugin() == null ? null : net.networkPlugin().toString(),
                net == null ? null : net.dnsServiceIp(), access(c));
    }

    static ApiServerAccess access(ManagedClusterInner c) {
        var a = c.apiServerAccessProfile();
        if (a == null) {
            return ApiServerAccess.open();
        }
        return new ApiServerAccess(Boolean.TRUE.equals(a.enablePrivateCluster()), Boolean.TRUE.equals(a.enablePrivateClusterPublicFqdn()),
                Boolean.TRUE.equals(a.enableVnetIntegration()), a.subnetId(), a.authorizedIpRanges(), a.privateDnsZone(), c.privateFqdn());
    }

    static VnetState toVnet(VirtualNetworkInner v) {
        List<String> space = v.addressSpace() == null || v.addressSpace().addressPrefixes() == null
                ? List.of() : v.addressSpace().addressPrefixes();
        List<SubnetState> subnets = v.subnets() == null ? List.of() : v.subnets().stream().map(ArmRecords::toSubnet).toList();
        return new VnetState(v.id(), v.name(), v.location(), space, subnets);
    }

    static SubnetState toSubnet(SubnetInner s) {
        List<String> prefixes = Stream.concat(Stream.ofNullable(s.addressPrefix()),
                s.addressPrefixes() == null ? Stream.empty() : s.addressPrefixes().stream()).distinct().toList();
        List<String> delegations = s.delegations() == null ? List.of()
                : s.delegations().stream().map(Delegation::serviceName).filter(Objects::nonNull).toList();
        List<String> plans = s.serviceAssociationLinks() == null ? List.of()
                : s.serviceAssociationLinks().stream()
                .filter(l -> l.linkedResourceType() == null || l.linkedResourceType().equalsIgnoreCase(Conventions.TYPE_PLAN))
                .map(l -> l.link()).filter(Objects::nonNull).toList();
        int ipConfigs = s.ipConfigurations() == null ? 0 : s.ipConfigurations().size();
        return new SubnetState(s.id(), s.name(), prefixes, delegations, plans, ipConfigs,
                s.provisioningState() == null ? null : s.provisioningState().toString());
    }
}
