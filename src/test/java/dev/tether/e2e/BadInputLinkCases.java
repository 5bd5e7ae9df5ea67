package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;

import java.util.List;

import static dev.tether.e2e.BadInputCatalog.*;

/** Cases of {@link BadInputCatalog}, in its order: what a link's pre-flight refuses: plans, regions, subnets, clusters, CoreDNS, and the real-estate rules. */
final class BadInputLinkCases {
    private BadInputLinkCases() {
    }

    static void add(List<Case> c, String site, String foreign) {
        c.add(new Case("L01", "link", "a Free (F1) App Service plan", "UNSUPPORTED_SKU", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("sku"))
                .put("name", "F1").put("tier", "Free"), BadInputCatalog::link));
        c.add(new Case("L02", "link", "a Shared (D1) App Service plan", "UNSUPPORTED_SKU", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("sku"))
                .put("name", "D1").put("tier", "Shared"), BadInputCatalog::link));
        c.add(new Case("L03", "link", "an app in another region than the cluster's VNet", "REGION_MISMATCH",
                w -> BadInputTest.resource(w, "Microsoft.Web/sites").put("location", "West Europe"), BadInputCatalog::link));
        c.add(new Case("L04", "link", "two clusters with the same link name", "DUPLICATE_LINK", w -> {
            ObjectNode second = BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").deepCopy();
            second.put("id", second.get("id").asText().replace("clustername1", "clustername2")).put("name", "clustername2");
            ((ArrayNode) w.get("resources")).add(second);
        }, BadInputCatalog::link));
        c.add(new Case("L05", "link", "a cluster without a subnet of its own", "NO_CLUSTER_SUBNET", w -> ((ObjectNode) BadInputTest.resource(w,
                "Microsoft.ContainerService/managedClusters").path("properties").path("agentPoolProfiles").get(0)).remove("vnetSubnetID"), BadInputCatalog::link));
        c.add(new Case("L06", "link", "a VNet with no free /27", "NO_FREE_RANGE", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Network/virtualNetworks")
                .path("properties").path("addressSpace")).putArray("addressPrefixes").add("10.0.1.0/24"), BadInputCatalog::link));
        c.add(new Case("L07", "link", "a named subnet smaller than /28 (a /29)", "SUBNET_TOO_SMALL",
                w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/29", null, null), BadInputCatalog::link));
        c.add(new Case("L08", "link", "a named subnet delegated to another service", "SUBNET_DELEGATED_ELSEWHERE",
                w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.ContainerInstance/containerGroups", null), BadInputCatalog::link));
        c.add(new Case("L09", "link", "a named /27 subnet used by another plan (multi-plan subnet join needs /26)", "SUBNET_SHARED_TOO_SMALL", w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/27",
                "Microsoft.Web/serverFarms", "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/o/providers/Microsoft.Web/serverfarms/other"), BadInputCatalog::link));
        c.add(new Case("L10", "link", "an app already integrated with a subnet outside the cluster's VNet", "ALREADY_INTEGRATED",
                w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("properties")).put("virtualNetworkSubnetId",
                        "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/o/providers/Microsoft.Network/virtualNetworks/v/subnets/s"), BadInputCatalog::link));
        c.add(new Case("L11", "link", "private-link-domain cluster.local", "would shadow the cluster's own cluster.local zone",
                clusterTag("private-link-domain", "cluster.local"), BadInputCatalog::link));
        c.add(new Case("L12", "link", "private-link-domain of one label ('internal')", "give at least two DNS labels",
                clusterTag("private-link-domain", "internal"), BadInputCatalog::link));
        c.add(new Case("L13", "link", "private-link-domain that is a whole public domain ('contoso.com')", "is a whole public domain",
                clusterTag("private-link-domain", "contoso.com"), BadInputCatalog::link));
        c.add(new Case("L14", "link", "private-link-domain with an invalid label ('shop_.internal')", "invalid DNS label",
                clusterTag("private-link-domain", "shop_.internal"), BadInputCatalog::link));
        c.add(new Case("L15", "link", "a VNet address space that is not a CIDR ('10.0.0.0/33')", "INVALID_ADDRESS_SPACE",
                w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("addressSpace"))
                        .putArray("addressPrefixes").add("10.0.0.0/33"), BadInputCatalog::link));
        c.add(new Case("L16", "link", "private-link-subnet naming a subnet with an invalid name ('a/b')", "is not a valid subnet name",
                siteTag("private-link-subnet", "a/b"), BadInputCatalog::link));
        c.add(new Case("L17", "link", "another coredns-custom .override key already using k8s_external", "COREDNS_CONFLICT", w -> ((ObjectNode) ((ArrayNode) w
                .path("kubernetes").path(DemoWorld.CLUSTER_ID)).get(0).get("data")).put("mine.override", "k8s_external example.org\n"), BadInputCatalog::link));
        // Real estates (issue 9): the App Service side.
        c.add(new Case("R01", "link", "an app whose site property dnsConfiguration.dnsServers names another server", "SITE_DNS_PROPERTY",
                w -> BadInputTest.resource(w, "Microsoft.Web/sites").with("properties").putObject("dnsConfiguration").putArray("dnsServers").add("10.50.0.4"),
                BadInputCatalog::link));
        c.add(new Case("R02", "link", "an app with WEBSITE_DNS_SERVER set by someone else (10.50.0.4)", "already resolves through WEBSITE_DNS_SERVER=10.50.0.4",
                w -> ((ObjectNode) w.path("appSettings").path(site)).put("WEBSITE_DNS_SERVER", "10.50.0.4"), BadInputCatalog::link));
        c.add(new Case("R03", "link", "a foreign website_dns_alt_server in lower case", "already resolves through website_dns_alt_server=10.50.0.5",
                w -> ((ObjectNode) w.path("appSettings").path(site)).put("website_dns_alt_server", "10.50.0.5"), BadInputCatalog::link));
        c.add(new Case("R04", "link", "tag private-link-dns-replace with a value other than true/false ('yes')", "INVALID_DNS_REPLACE_TAG",
                w -> {
                    ((ObjectNode) w.path("appSettings").path(site)).put("WEBSITE_DNS_SERVER", "10.50.0.4");
                    siteTag("private-link-dns-replace", "yes").accept(w);
                }, BadInputCatalog::link));
        c.add(new Case("R05", "link", "tag private-link-route-all with a value other than on/off/auto ('always')", "INVALID_ROUTE_ALL_TAG",
                siteTag("private-link-route-all", "always"), BadInputCatalog::link));
        c.add(new Case("R06", "link", "private-link-subnet naming the cluster's node subnet (subnet1)", "NODE_SUBNET",
                siteTag("private-link-subnet", "subnet1"), BadInputCatalog::link));
        c.add(new Case("R07", "link", "a named subnet delegated to Microsoft.Web/serverFarms that holds an IP configuration", "SUBNET_IN_USE", w -> {
            BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.Web/serverFarms", null);
            JsonNode subnets = BadInputTest.resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("subnets");
            ((ObjectNode) subnets.get(subnets.size() - 1).path("properties")).putArray("ipConfigurations").addObject().put("id", "nic1/ipConfigurations/ipconfig1");
        }, BadInputCatalog::link));
        c.add(new Case("M01", "link", "a named /26 subnet serving a plan of another subscription", "SUBNET_SHARED_ACROSS_SUBSCRIPTIONS", w -> {
            siteTag("private-link-subnet", "shared").accept(w);
            BadInputTest.addSubnet(w, "shared", "10.0.2.0/26", "Microsoft.Web/serverFarms",
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/teamc/providers/Microsoft.Web/serverfarms/other");
        }, BadInputCatalog::link));
        c.add(new Case("M02", "link", "a Linux plan whose other app is already integrated with a subnet of another VNet", "PLAN_INTEGRATED_ELSEWHERE", w -> {
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("properties")).put("reserved", true);
            ObjectNode sibling = BadInputTest.resource(w, "Microsoft.Web/sites").deepCopy();
            sibling.put("id", DemoWorld.SITE_ID.replace("sitef6141", "sibling")).put("name", "sibling").putObject("tags");
            ((ObjectNode) sibling.get("properties")).put("virtualNetworkSubnetId",
                    "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet/subnets/legacy");
            ((ArrayNode) w.get("resources")).add(sibling);
        }, BadInputCatalog::link));
        c.add(new Case("L18", "link", "a private cluster, and Tether has no VNet (TETHER_NETWORK_VNETS empty)", "API_SERVER_UNREACHABLE",
                clusterAccess(a -> a.put("enablePrivateCluster", true).put("privateDNSZone", "system")), BadInputCatalog::link));
        c.add(new Case("L19", "link", "authorizedIPRanges that do not include Tether's outbound IP", "accepts API server connections only from",
                clusterAccess(a -> a.putArray("authorizedIPRanges").add("198.51.100.0/24")), BadInputCatalog::link));
        c.add(new Case("L20", "link", "a kube-system/tether-dns Service that Tether did not create", "FOREIGN_DNS_SERVICE",
                service(foreignDnsService()), BadInputCatalog::link));
        c.add(new Case("L21", "link", "a coredns-custom .server block for the link's zone", "COREDNS_SERVER_BLOCK_SHADOWS",
                corednsKey("shop.server", "shop.internal:53 {\n    forward . 10.9.9.9\n}\n"), BadInputCatalog::link));
        c.add(new Case("L22", "link", "a forward in a coredns-custom .override key", "COREDNS_FORWARD_IN_OVERRIDE",
                corednsKey("upstream.override", "forward . 10.1.2.3\n"), BadInputCatalog::link));
        c.add(new Case("L23", "link", "a hosts block without fallthrough in a coredns-custom .override key", "COREDNS_ANSWERS_ZONE",
                corednsKey("pins.override", "hosts {\n    10.0.0.9 pinned.example.org\n}\n"), BadInputCatalog::link));
        c.add(new Case("L24", "link", "a coredns-custom key whose braces do not balance", "COREDNS_UNPARSEABLE",
                corednsKey("broken.server", "broken.example:53 {\n    errors\n"), BadInputCatalog::link));
        c.add(new Case("L25", "link", "private-link-domain under an Azure service domain ('vault.azure.net')", "the Azure service domain azure.net",
                clusterTag("private-link-domain", "vault.azure.net"), BadInputCatalog::link));
        c.add(new Case("L26", "link", "private-link-domain that is a registrable domain under a two-label public suffix ('example.co.uk')",
                "is a whole public domain", clusterTag("private-link-domain", "example.co.uk"), BadInputCatalog::link));
        c.add(new Case("L27", "link", "private-link-domain that is a public suffix ('co.uk')", "is a public suffix",
                clusterTag("private-link-domain", "co.uk"), BadInputCatalog::link));
        c.add(new Case("L28", "link", "private-link-domain that is a privatelink zone ('privatelink.shop.internal')", "Azure Private Endpoint zone",
                clusterTag("private-link-domain", "privatelink.shop.internal"), BadInputCatalog::link));
        c.add(new Case("E24", "event", "cluster tag private-link with a leading space (' shop')", "leading or trailing whitespace",
                clusterTag("private-link", " shop"), s -> event(s, ClusterLinkAccess.clusterTagEvent().get(0).toString())));
        c.add(new Case("E23", "event", "app tag private-link with a trailing newline ('shop\\n')", "leading or trailing whitespace",
                siteTag("private-link", "shop\n"), s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
    }
}
