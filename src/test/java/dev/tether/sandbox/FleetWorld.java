package dev.tether.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.CorednsPlan;

/**
 * Worlds of many apps over several clusters, built from the same Microsoft example bodies as {@link DemoWorld}: cluster
 * {@code c} carries link {@code link<c>} and sits in VNet {@code vnet<c>} (10.(c+1).0.0/16, node subnet
 * 10.(c+1).1.0/24); app {@code i} belongs to cluster {@code i % clusters}.
 */
public final class FleetWorld {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String RG = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/";

    private FleetWorld() {
    }

    public static String siteId(int app, int clusters) {
        return RG + "apps" + (app % clusters) + "/providers/Microsoft.Web/sites/app" + app;
    }

    public static String clusterId(int c) {
        return RG + "aks" + c + "/providers/Microsoft.ContainerService/managedClusters/aks" + c;
    }

    public static String dnsIp(int c) {
        return "10." + (c + 1) + ".1.4";
    }

    static String vnetId(int c) {
        return RG + "net" + c + "/providers/Microsoft.Network/virtualNetworks/vnet" + c;
    }

    /**
     * Already linked: each cluster has tether-dns pinned and the override loaded, all apps of a cluster share one plan
     * and its integration subnet, and every {@code driftEvery}-th app has lost WEBSITE_DNS_SERVER (0: none has).
     */
    public static ObjectNode linked(int apps, int clusters, int driftEvery) {
        ObjectNode w = M.createObjectNode();
        ArrayNode resources = w.putArray("resources");
        ObjectNode settings = w.putObject("appSettings");
        ObjectNode kube = w.putObject("kubernetes");
        for (int c = 0; c < clusters; c++) {
            ObjectNode vnet = vnet(c);
            ObjectNode integ = ((ArrayNode) vnet.path("properties").path("subnets")).addObject()
                    .put("name", "tether-plan" + c).put("id", vnetId(c) + "/subnets/tether-plan" + c);
            ObjectNode ip = integ.putObject("properties").put("addressPrefix", "10." + (c + 1) + ".0.0/26");
            ip.putArray("delegations").addObject().put("name", "d").putObject("properties").put("serviceName", "Microsoft.Web/serverFarms");
            resources.add(vnet);
            resources.add(cluster(c));

            String link = "link" + c;
            ArrayNode objects = kube.putArray(clusterId(c));
            objects.add(read("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"tether-dns\",\"namespace\":\"kube-system\","
                    + "\"labels\":{\"app.kubernetes.io/managed-by\":\"tether\"},\"annotations\":{\"service.beta.kubernetes.io/azure-load-balancer-internal\":\"true\","
                    + "\"service.beta.kubernetes.io/azure-load-balancer-ipv4\":\"" + dnsIp(c) + "\"}},\"spec\":{\"type\":\"LoadBalancer\",\"selector\":{\"k8s-app\":\"kube-dns\"},"
                    + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53},{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":53}]},"
                    + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + dnsIp(c) + "\"}]}}}"));
            String override = CorednsPlan.overrideFor(link + ".internal");
            objects.add(read("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"coredns-custom\",\"namespace\":\"kube-system\"},"
                    + "\"data\":{\"tether.override\":" + M.valueToTree(override) + "}}"));
            objects.add(read("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"coredns\",\"namespace\":\"kube-system\"},"
                    + "\"spec\":{\"selector\":{\"matchLabels\":{\"k8s-app\":\"kube-dns\"}},\"template\":{\"metadata\":{\"labels\":{\"k8s-app\":\"kube-dns\"},"
                    + "\"annotations\":{\"tether.dev/coredns-override-sha256\":\"" + CorednsPlan.hash(override) + "\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"coredns\",\"image\":\"mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3\"}]}}}}"));
        }
        for (int i = 0; i < apps; i++) {
            int c = i % clusters;
            ObjectNode site = site(i, clusters);
            ObjectNode p = (ObjectNode) site.get("properties");
            p.put("virtualNetworkSubnetId", vnetId(c) + "/subnets/tether-plan" + c);
            ((ObjectNode) p.get("outboundVnetRouting")).put("applicationTraffic", true);
            ((ObjectNode) p.get("siteConfig")).put("vnetRouteAllEnabled", true);
            resources.add(site);
            ObjectNode s = settings.putObject(siteId(i, clusters));
            s.put("APP_NAME", "app" + i);
            if (driftEvery == 0 || i % driftEvery != 0) {
                s.put("WEBSITE_DNS_SERVER", dnsIp(c));
            }
        }
        return w;
    }

    /**
     * Not linked yet: clusters and apps are tagged, nothing else is done. Each app has its own App Service plan (so its
     * own integration subnet: the per-app minimum of writes is the same for every app), and each cluster's
     * coredns-custom already holds a team's key that must survive.
     */
    public static ObjectNode unlinked(int apps, int clusters) {
        ObjectNode w = M.createObjectNode();
        ArrayNode resources = w.putArray("resources");
        ObjectNode settings = w.putObject("appSettings");
        ObjectNode kube = w.putObject("kubernetes");
        for (int c = 0; c < clusters; c++) {
            resources.add(vnet(c));
            resources.add(cluster(c));
            kube.putArray(clusterId(c)).add(read("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"coredns-custom\","
                    + "\"namespace\":\"kube-system\"},\"data\":{\"team.server\":\"team" + c + ".example:53 {\\n    forward . 10.200.0.4\\n}\\n\"}}"));
        }
        ObjectNode planTemplate = DemoWorld.armBody("GetAppServicePlan.2025-05-01.json");
        for (int i = 0; i < apps; i++) {
            String planId = RG + "apps" + (i % clusters) + "/providers/Microsoft.Web/serverfarms/plan" + i;
            ObjectNode plan = planTemplate.deepCopy();
            plan.put("id", planId).put("name", "plan" + i);
            resources.add(plan);
            ObjectNode site = site(i, clusters);
            ((ObjectNode) site.get("properties")).put("serverFarmId", planId);
            resources.add(site);
            settings.putObject(siteId(i, clusters)).put("APP_NAME", "app" + i).put("FEATURE_FLAGS", "a=1;b=2");
        }
        return w;
    }

    private static ObjectNode vnet(int c) {
        ObjectNode vnet = M.createObjectNode();
        vnet.put("id", vnetId(c)).put("name", "vnet" + c).put("type", "Microsoft.Network/virtualNetworks").put("location", "eastus");
        ObjectNode vp = vnet.putObject("properties");
        vp.putObject("addressSpace").putArray("addressPrefixes").add("10." + (c + 1) + ".0.0/16");
        vp.putArray("subnets").addObject().put("name", "nodes").put("id", vnetId(c) + "/subnets/nodes")
                .putObject("properties").put("addressPrefix", "10." + (c + 1) + ".1.0/24");
        return vnet;
    }

    private static ObjectNode cluster(int c) {
        ObjectNode cluster = DemoWorld.armBody("ManagedClustersGet.2026-02-01.json");
        cluster.put("id", clusterId(c)).put("name", "aks" + c).put("location", "eastus");
        ((ObjectNode) cluster.get("tags")).put("private-link", "link" + c);
        ((ObjectNode) cluster.path("properties").path("agentPoolProfiles").get(0)).put("vnetSubnetID", vnetId(c) + "/subnets/nodes");
        ObjectNode props = (ObjectNode) cluster.path("properties");
        props.put("nodeResourceGroup", "MC_aks" + c);
        ObjectNode net = (ObjectNode) props.path("networkProfile");
        net.put("serviceCidr", "10.240.0.0/16").put("dnsServiceIP", "10.240.0.10");
        net.putArray("serviceCidrs").add("10.240.0.0/16");
        return cluster;
    }

    private static ObjectNode site(int i, int clusters) {
        ObjectNode site = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        site.put("id", siteId(i, clusters)).put("name", "app" + i).put("location", "East US");
        site.putObject("tags").put("private-link", "link" + (i % clusters));
        return site;
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
