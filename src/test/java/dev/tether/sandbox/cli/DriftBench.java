package dev.tether.sandbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.CorednsPlan;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code bench-drift}: one drift scan over worlds of 100, 1,000 and 10,000 tagged apps spread over 10 linked clusters,
 * 1% of the apps drifted (WEBSITE_DNS_SERVER removed), under the emulator's ARM read token bucket (250 burst, 25/s).
 * Prints ARM reads, 429s received, virtual time to finish, and repairs started against the drifted count.
 */
final class DriftBench {
    private static final ObjectMapper M = new ObjectMapper();
    static final int CLUSTERS = 10;

    private DriftBench() {
    }

    static int run(PrintStream out, int[] sizes) {
        out.println("Tether drift-scan bench: 10 linked clusters, 1% of apps drifted, ARM read bucket 250 burst / 25 per s, scan share 50%");
        Table t = new Table("APPS", "DRIFTED", "ARM READS", "429s", "VIRTUAL TIME", "REPAIRS STARTED", "WALL TIME");
        for (int apps : sizes) {
            ObjectNode worldJson = world(apps);
            WorldFile world = WorldFile.parse(worldJson, "bench " + apps);
            int drifted = Math.max(1, apps / 100);
            long wall0 = System.nanoTime();
            try (Sandbox s = new Sandbox(world)) {
                int mark = s.calls().size();
                s.timer();
                DurableDriver.InstanceView scan;
                do {
                    if (!s.durable().step()) {
                        break;
                    }
                    scan = s.durable().instance("tether-drift-scan").orElseThrow();
                } while (!scan.status().equals("Completed") && !scan.status().equals("Failed"));
                scan = s.durable().instance("tether-drift-scan").orElseThrow();
                List<CallLog.Call> calls = s.calls().since(mark);
                long reads = calls.stream().filter(c -> c.target().equals("arm") && !c.isWrite()).count();
                long throttled = calls.stream().filter(c -> c.status() == 429).count();
                JsonNode report = M.readTree(scan.output() == null ? "{}" : scan.output());
                t.row(String.valueOf(apps), String.valueOf(drifted), String.valueOf(reads), String.valueOf(throttled),
                        report.path("virtualSeconds").asLong() + " s", report.path("repairsStarted").size() + " (target " + drifted + ")",
                        Duration.ofNanos(System.nanoTime() - wall0).toMillis() + " ms");
                if (!scan.status().equals("Completed")) {
                    out.println("  scan of " + apps + " apps ended " + scan.status() + ": " + scan.failure());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        t.print(out);
        out.println("  ARM reads = Resource Graph pages + one app-settings read per app; cluster DNS checks read Kubernetes, not ARM.");
        return 0;
    }

    /** A converged world: every cluster linked (tether-dns pinned, override loaded), every app joined, 1% missing its DNS setting. */
    static ObjectNode world(int apps) {
        ObjectNode w = M.createObjectNode();
        ArrayNode resources = w.putArray("resources");
        ObjectNode settings = w.putObject("appSettings");
        ObjectNode kube = w.putObject("kubernetes");
        String rg = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/";
        for (int c = 0; c < CLUSTERS; c++) {
            String link = "link" + c;
            String vnetId = rg + "net" + c + "/providers/Microsoft.Network/virtualNetworks/vnet" + c;
            ObjectNode vnet = resources.addObject();
            vnet.put("id", vnetId).put("name", "vnet" + c).put("type", "Microsoft.Network/virtualNetworks").put("location", "eastus");
            ObjectNode vp = vnet.putObject("properties");
            vp.putObject("addressSpace").putArray("addressPrefixes").add("10." + c + ".0.0/16");
            ArrayNode subnets = vp.putArray("subnets");
            subnets.addObject().put("name", "nodes").put("id", vnetId + "/subnets/nodes").putObject("properties").put("addressPrefix", "10." + c + ".1.0/24");
            ObjectNode integ = subnets.addObject().put("name", "tether-plan" + c).put("id", vnetId + "/subnets/tether-plan" + c);
            ObjectNode ip = integ.putObject("properties").put("addressPrefix", "10." + c + ".0.0/26");
            ip.putArray("delegations").addObject().put("name", "d").putObject("properties").put("serviceName", "Microsoft.Web/serverFarms");

            ObjectNode cluster = DemoWorld.armBody("ManagedClustersGet.2026-02-01.json");
            String clusterId = rg + "aks" + c + "/providers/Microsoft.ContainerService/managedClusters/aks" + c;
            cluster.put("id", clusterId).put("name", "aks" + c).put("location", "eastus");
            ((ObjectNode) cluster.get("tags")).put("private-link", link);
            ((ObjectNode) cluster.path("properties").path("agentPoolProfiles").get(0)).put("vnetSubnetID", vnetId + "/subnets/nodes");
            ((ObjectNode) cluster.path("properties")).put("nodeResourceGroup", "MC_aks" + c);
            resources.add(cluster);

            String dnsIp = "10." + c + ".1.4";
            ArrayNode objects = kube.putArray(clusterId);
            objects.add(read("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"tether-dns\",\"namespace\":\"kube-system\","
                    + "\"labels\":{\"app.kubernetes.io/managed-by\":\"tether\"},\"annotations\":{\"service.beta.kubernetes.io/azure-load-balancer-internal\":\"true\","
                    + "\"service.beta.kubernetes.io/azure-load-balancer-ipv4\":\"" + dnsIp + "\"}},\"spec\":{\"type\":\"LoadBalancer\",\"selector\":{\"k8s-app\":\"kube-dns\"},"
                    + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53},{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":53}]},"
                    + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + dnsIp + "\"}]}}}"));
            String override = CorednsPlan.overrideFor(link + ".internal");
            objects.add(read("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"coredns-custom\",\"namespace\":\"kube-system\"},"
                    + "\"data\":{\"tether.override\":" + M.valueToTree(override) + "}}"));
            objects.add(read("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"coredns\",\"namespace\":\"kube-system\"},"
                    + "\"spec\":{\"selector\":{\"matchLabels\":{\"k8s-app\":\"kube-dns\"}},\"template\":{\"metadata\":{\"labels\":{\"k8s-app\":\"kube-dns\"},"
                    + "\"annotations\":{\"tether.dev/coredns-override-sha256\":\"" + CorednsPlan.hash(override) + "\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"coredns\",\"image\":\"mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3\"}]}}}}"));
        }
        ObjectNode template = DemoWorld.armBody("GetWebApp.2025-03-01.json");
        for (int i = 0; i < apps; i++) {
            int c = i % CLUSTERS;
            String siteId = rg + "apps" + c + "/providers/Microsoft.Web/sites/app" + i;
            ObjectNode site = template.deepCopy();
            site.put("id", siteId).put("name", "app" + i).put("location", "East US");
            site.putObject("tags").put("private-link", "link" + c);
            ObjectNode p = (ObjectNode) site.get("properties");
            p.put("virtualNetworkSubnetId", rg + "net" + c + "/providers/Microsoft.Network/virtualNetworks/vnet" + c + "/subnets/tether-plan" + c);
            ((ObjectNode) p.get("outboundVnetRouting")).put("applicationTraffic", true);
            ((ObjectNode) p.get("siteConfig")).put("vnetRouteAllEnabled", true);
            resources.add(site);
            ObjectNode s = settings.putObject(siteId);
            s.put("APP_NAME", "app" + i);
            if (i % 100 != 0) {
                s.put("WEBSITE_DNS_SERVER", "10." + c + ".1.4");
            }
        }
        return w;
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
