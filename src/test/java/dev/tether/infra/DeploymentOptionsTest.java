package dev.tether.infra;

import dev.tether.plan.ApiServerAccess;
import dev.tether.plan.ApiServerReach;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Finding;
import dev.tether.plan.TetherNetwork;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The deployment options for real estates, at the text level (there is no Bicep compiler here): the network path for
 * private clusters and authorized IP ranges, an existing Event Grid topic per subscription, unique custom role names, and
 * README's first-app commands. The refusals' fixes name parameters and outputs that exist.
 */
class DeploymentOptionsTest {
    static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    static boolean hasParam(String bicep, String name) {
        return Pattern.compile("(?m)^param " + name + " ").matcher(bicep).find();
    }

    @Test
    void theNetworkPathForPrivateClustersAndAuthorizedRangesIsDeployable() throws IOException {
        String main = read("infra/main.bicep");
        for (String p : List.of("tetherSubnetId", "privateDnsZoneIds", "peeredVnetIds", "natGateway")) {
            assertTrue(hasParam(main, p), "param " + p);
        }
        assertTrue(main.contains("TETHER_NETWORK_VNETS: join(tetherVnets, ',')"));
        assertTrue(main.contains("TETHER_OUTBOUND_IPS: natGateway ? network.outputs.outboundIp : ''"));
        assertTrue(main.contains("output TETHER_OUTBOUND_IP string = natGateway ? network.outputs.outboundIp : ''"));
        assertTrue(main.contains("module network 'modules/tetherNetwork.bicep' = if (natGateway)"));
        assertTrue(main.contains("module zoneLinks 'modules/privateDnsZoneLink.bicep' = [for z in privateDnsZoneIds: if (!empty(tetherSubnetId))"));
        String app = read("infra/modules/app.bicep");
        assertTrue(app.contains("virtualNetworkSubnetId: empty(subnetId) ? null : subnetId") && app.contains("vnetRouteAllEnabled: !empty(subnetId)"));
        String network = read("infra/modules/tetherNetwork.bicep");
        assertTrue(network.contains("'Microsoft.Network/natGateways@") && network.contains("publicIPAllocationMethod: 'Static'"));
        assertTrue(network.contains("properties: union(subnet.properties, { natGateway: { id: nat.id } })"), "the subnet keeps what it had");
        String link = read("infra/modules/privateDnsZoneLink.bicep");
        assertTrue(link.contains("'Microsoft.Network/privateDnsZones/virtualNetworkLinks@") && link.contains("registrationEnabled: false"));

        // The pre-flight's fixes name exactly these parameters and outputs.
        ClusterState priv = new ClusterState(DemoWorld.CLUSTER_ID, "c", "eastus", Map.of(), List.of(DemoWorld.NODE_SUBNET_ID), "MC",
                false, false, "azure", null, new ApiServerAccess(true, false, false, null, List.of(), "system", null));
        ClusterState ranged = new ClusterState(priv.id(), "c", "eastus", Map.of(), priv.nodeSubnetIds(), "MC", false, false, "azure", null,
                new ApiServerAccess(false, false, false, null, List.of("198.51.100.0/24"), null, null));
        String fixes = String.join(" ", List.of(ApiServerReach.check(priv, TetherNetwork.none()).map(Finding::fix).orElseThrow(),
                ApiServerReach.check(ranged, TetherNetwork.none()).map(Finding::fix).orElseThrow()));
        Matcher named = Pattern.compile("Bicep parameters? ([a-zA-Z]+)|and ([a-zA-Z]+) \\(|listed in ([a-zA-Z]+)").matcher(fixes);
        int count = 0;
        while (named.find()) {
            String p = named.group(1) != null ? named.group(1) : named.group(2) != null ? named.group(2) : named.group(3);
            assertTrue(hasParam(main, p), "a fix names param " + p + ": " + fixes);
            count++;
        }
        assertEquals(4, count, fixes);
        assertTrue(fixes.contains("TETHER_OUTBOUND_IP>") && main.contains("output TETHER_OUTBOUND_IP "));
        assertTrue(Files.exists(Path.of("docs/PRIVATE-CLUSTERS.md")));
    }

    @Test
    void anExistingSystemTopicIsUsedInsteadOfASecondOne() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(hasParam(main, "existingSystemTopicIds"));
        assertTrue(main.contains("existingTopicId: contains(existingSystemTopicIds, s) ? existingSystemTopicIds[s] : ''"));
        assertTrue(main.contains("scope: resourceGroup(s, contains(existingSystemTopicIds, s) ? split(existingSystemTopicIds[s], '/')[4] : eventsResourceGroupName)"),
                "the event subscription is created next to the topic it attaches to");
        String scoped = read("infra/modules/scopedSubscription.bicep");
        assertTrue(scoped.contains("module topic 'systemTopic.bicep' = if (empty(existingTopicId))"), "no second topic where one exists");
        assertTrue(scoped.contains("existingTopic.identity.principalId"), "dead letters are written with the existing topic's identity");
        assertTrue(read("infra/modules/eventSubscription.bicep").contains("deadLetterWithResourceIdentity"));
        assertTrue(read("docs/DEPLOY.md").contains("az eventgrid system-topic list --query \"[?topicType=='Microsoft.Resources.Subscriptions' && source=='/subscriptions/<sub>'].id\""));
    }

    @Test
    void customRoleNamesAreUniquePerTenantAndDescribedRightly() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(main.contains("roleName: 'Tether link operator (${name}, ${uniqueString(scopeSubscriptionIds[0], name)})'"));
        String aks = read("infra/modules/aksAzureRbac.bicep");
        assertTrue(aks.contains("roleName: 'Tether AKS data plane (${resourceGroup().name}, ${uniqueString(resourceGroup().id)})'"));
        assertFalse(main.contains("namespace-scoped"), "the role is assigned on the cluster, so it applies in every namespace");
        assertTrue(main.contains("assigned on each cluster, so it applies in every namespace"));
    }

    @Test
    void readmeTagsWithAMergeAndNamesTheLocalAccountCaveat() throws IOException {
        String readme = read("docs/DEPLOY.md");
        int start = readme.indexOf("## Tag a first app and cluster");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 5));
        assertEquals(2, section.split("az tag update --operation merge", -1).length - 1, section);
        assertFalse(section.contains("az aks update -g"), "az aks update --tags replaces all tags");
        assertFalse(section.contains("az resource tag"));
        assertTrue(readme.contains("on such a\n  cluster they are admin-level"));
        assertTrue(readme.contains("`az aks update --enable-aad`"));
    }
}
