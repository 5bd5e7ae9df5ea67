package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A world composed from Microsoft's own example payloads in shared/reference, with only the edits a real deployment
 * implies (each listed below). Used by {@code demo} and the end-to-end tests.
 * <ul>
 *   <li>Web app: GetWebApp as is, plus tag {@code private-link=shop}.</li>
 *   <li>Plan: GetAppServicePlan, with id and name set to the app's serverFarmId ({@code DefaultAsp}).</li>
 *   <li>VNet: VirtualNetworkGet, moved into the app's subscription and region (the example uses the placeholders
 *   {@code subid} and {@code westus}); its {@code subnet1} becomes the cluster's node subnet.</li>
 *   <li>Cluster: ManagedClustersGet, moved likewise, tagged {@code private-link=shop}, its node pool given
 *   {@code vnetSubnetID} of that subnet, and its service CIDR moved off the VNet's range (AKS refuses overlaps).</li>
 *   <li>App settings: ListAppSettings' two settings plus 50 more; coredns-custom: the keys of the AKS docs examples.</li>
 * </ul>
 */
public final class DemoWorld {
    private static final ObjectMapper M = new ObjectMapper();
    public static final String SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
    public static final String SITE_ID = "/subscriptions/" + SUB + "/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";
    public static final String PLAN_ID = "/subscriptions/" + SUB + "/resourceGroups/testrg123/providers/Microsoft.Web/serverfarms/DefaultAsp";
    public static final String VNET_ID = "/subscriptions/" + SUB + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet";
    public static final String NODE_SUBNET_ID = VNET_ID + "/subnets/subnet1";
    /** The demo cluster's Kubernetes version (AKS supports 1.33). */
    public static final String KUBERNETES_VERSION = "1.33.2";
    public static final String CLUSTER_ID = "/subscriptions/" + SUB + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";
    public static final String LINK = "shop";

    private DemoWorld() {
    }

    /** The body of a reference example's 200 (or 201) response, unchanged. */
    public static ObjectNode armBody(String file) {
        try {
            JsonNode root = M.readTree(ReferenceEvents.referenceDir().resolve("arm").resolve(file).toFile());
            JsonNode responses = root.path("responses");
            JsonNode body = responses.has("200") ? responses.path("200").path("body") : responses.path("201").path("body");
            return (ObjectNode) body.deepCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data keys of every coredns-custom example in the AKS docs, renamed where two examples share a key. */
    public static Map<String, String> corednsCustomExamples() {
        Map<String, String> data = new LinkedHashMap<>();
        try (var files = Files.list(ReferenceEvents.referenceDir().resolve("kubernetes"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("aks-docs\\.coredns-custom\\..*\\.configmap\\.yaml")).sorted().toList()) {
                String variant = f.getFileName().toString().split("\\.")[2];
                Map<String, Object> doc = new Yaml().load(Files.readString(f));
                @SuppressWarnings("unchecked")
                Map<String, Object> d = (Map<String, Object>) doc.get("data");
                d.forEach((k, v) -> data.put(data.containsKey(k) ? variant + "-" + k : k, String.valueOf(v)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    public static ObjectNode build() {
        ObjectNode world = M.createObjectNode();
        ArrayNode resources = world.putArray("resources");

        ObjectNode site = armBody("GetWebApp.2025-03-01.json");
        site.putObject("tags").put("private-link", LINK);
        resources.add(site);

        ObjectNode plan = armBody("GetAppServicePlan.2025-05-01.json");
        plan.put("id", PLAN_ID).put("name", "DefaultAsp");
        resources.add(plan);

        String vnetText = armBody("VirtualNetworkGet.2025-07-01.json").toString().replace("/subscriptions/subid/", "/subscriptions/" + SUB + "/");
        ObjectNode vnet = read(vnetText);
        vnet.put("location", "eastus");
        resources.add(vnet);

        ObjectNode cluster = armBody("ManagedClustersGet.2026-02-01.json");
        String clusterText = cluster.toString().replace("/subscriptions/00000000-0000-0000-0000-000000000000/", "/subscriptions/" + SUB + "/");
        cluster = read(clusterText);
        cluster.put("location", "eastus");
        ((ObjectNode) cluster.get("tags")).put("private-link", LINK);
        ((ObjectNode) cluster.path("properties").path("agentPoolProfiles").get(0)).put("vnetSubnetID", NODE_SUBNET_ID);
        ObjectNode net = (ObjectNode) cluster.path("properties").path("networkProfile");
        net.put("serviceCidr", "10.240.0.0/16").put("dnsServiceIP", "10.240.0.10");
        net.putArray("serviceCidrs").add("10.240.0.0/16");
        // The example's 1.9.6 is long out of support; a version AKS supports (its API server serves ValidatingAdmissionPolicy).
        ((ObjectNode) cluster.get("properties")).put("kubernetesVersion", KUBERNETES_VERSION).put("currentKubernetesVersion", KUBERNETES_VERSION);
        resources.add(cluster);

        ObjectNode settings = world.putObject("appSettings").putObject(SITE_ID);
        armBody("ListAppSettings.2025-03-01.json").path("properties").fields().forEachRemaining(e -> settings.set(e.getKey(), e.getValue()));
        settings.put("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://eastus-8.in.applicationinsights.azure.com/");
        settings.put("WEBSITE_RUN_FROM_PACKAGE", "1");
        for (int i = 1; i <= 50; i++) {
            settings.put(String.format("SHOP_FEATURE_%02d", i), "value-" + i + " with spaces, = signs and ünïcode");
        }

        ObjectNode kube = world.putObject("kubernetes");
        ArrayNode objects = kube.putArray(CLUSTER_ID);
        ObjectNode cm = objects.addObject();
        cm.put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "coredns-custom").put("namespace", "kube-system");
        ObjectNode data = cm.putObject("data");
        corednsCustomExamples().forEach(data::put);
        return world;
    }

    /** A ResourceWriteSuccess notification for the app, from the Event Grid reference example. */
    public static ArrayNode events() {
        ArrayNode events = M.createArrayNode();
        events.add(ReferenceEvents.writeSuccess(SITE_ID, "Microsoft.Web/sites/write", "8d7a9c3e-4b1f-4a49-9d55-7c2f3e1b6a01"));
        return events;
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
