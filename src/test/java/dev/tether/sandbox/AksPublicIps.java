package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.arm.ArmEmulator;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One world, not two: the Azure half of AKS's cloud controller. When the simulated load-balancer controller gives a
 * Service a public address, the Service's public IP appears in the cluster's node resource group, as
 * cloud-provider-azure creates it, and ARM raises its {@code Microsoft.Resources.ResourceWriteSuccess}, which Event
 * Grid delivers to Tether's trigger {@link #eventGridLatency} later. When the Service stops being public the IP is
 * deleted (no event: Tether handles writes only).
 * <ul>
 * <li>Name {@code kubernetes-<a + Service UID without dashes, 32 characters>}: cloud-provider-azure
 * {@code getPublicIPName} ({@code clusterName-GetLoadBalancerName(service)}; AKS's cluster name for the cloud provider
 * is {@code kubernetes}, and {@code DefaultLoadBalancerName} is "a" + the UID without dashes, cut to 32).</li>
 * <li>Tags {@code k8s-azure-service: <namespace>/<name>} and {@code k8s-azure-cluster-name: kubernetes}:
 * cloud-provider-azure {@code pkg/consts/consts.go} ({@code ServiceTagKey}, {@code ClusterNameKey}, "applied for
 * public IP tags").</li>
 * <li>Body: Microsoft's {@code PublicIpAddressGet} example (api 2024-05-01, src/test/resources/arm, with its source),
 * with AKS's values: Standard SKU, static IPv4, the address, and the frontend of the load balancer {@code kubernetes}.</li>
 * <li>Event: the reference {@code ResourceWriteSuccess} (src/test/reference/eventgrid) retargeted at the IP, operation
 * {@code Microsoft.Network/publicIPAddresses/write}, {@code eventTime} the write's.</li>
 * </ul>
 * Not modelled: the load balancers' own resources ({@code kubernetes}, {@code kubernetes-internal}) and their write
 * events; the sandbox's internal frontends exist only as Service status.
 */
final class AksPublicIps implements KubernetesSandbox.AzureSide {
    private static final ObjectMapper M = new ObjectMapper();
    /** The cluster name AKS gives its cloud provider: its load balancer is "kubernetes", its public IPs "kubernetes-...". */
    static final String AKS_CLUSTER_NAME = "kubernetes";
    /** Event Grid's delivery latency by default (Microsoft publishes no figure; a few seconds is typical). */
    static final Duration DEFAULT_EVENT_GRID_LATENCY = Duration.ofSeconds(2);

    private record Pending(Instant due, ObjectNode event) {
    }

    private final ArmEmulator arm;
    private final Supplier<Instant> now;
    private final Consumer<String> deliver;
    private final List<Pending> pending = new ArrayList<>();
    private Duration eventGridLatency = DEFAULT_EVENT_GRID_LATENCY;
    private int events;

    AksPublicIps(ArmEmulator arm, Supplier<Instant> now, Consumer<String> deliver) {
        this.arm = arm;
        this.now = now;
        this.deliver = deliver;
    }

    synchronized void setEventGridLatency(Duration latency) {
        this.eventGridLatency = latency;
    }

    static String publicIpName(String serviceUid) {
        String lb = ("a" + serviceUid.replace("-", ""));
        return AKS_CLUSTER_NAME + "-" + (lb.length() > 32 ? lb.substring(0, 32) : lb);
    }

    /** The public IP's id in the cluster's node resource group, or null when the cluster names none. */
    String publicIpId(String clusterId, String serviceUid) {
        JsonNode cluster = arm.resource(clusterId).orElse(null);
        String nodeRg = cluster == null ? null : cluster.path("properties").path("nodeResourceGroup").asText(null);
        if (nodeRg == null) {
            return null;
        }
        return "/subscriptions/" + clusterId.split("/")[2] + "/resourceGroups/" + nodeRg + "/providers/Microsoft.Network/publicIPAddresses/"
                + publicIpName(serviceUid);
    }

    @Override
    public synchronized void publicIpCreated(String clusterId, String service, String serviceUid, String ip) {
        String id = publicIpId(clusterId, serviceUid);
        if (id == null) {
            return;
        }
        JsonNode cluster = arm.resource(clusterId).orElseThrow();
        ObjectNode body = example();
        String rg = id.split("/")[4];
        body.put("name", publicIpName(serviceUid)).put("id", id).put("location", cluster.path("location").asText());
        ObjectNode tags = body.putObject("tags");
        tags.put("k8s-azure-service", service).put("k8s-azure-cluster-name", AKS_CLUSTER_NAME);
        body.putObject("sku").put("name", "Standard").put("tier", "Regional");
        ObjectNode props = (ObjectNode) body.get("properties");
        props.put("publicIPAllocationMethod", "Static").put("ipAddress", ip);
        props.remove("ddosSettings");
        props.remove("ipTags");
        props.putObject("ipConfiguration").put("id", "/subscriptions/" + clusterId.split("/")[2] + "/resourceGroups/" + rg
                + "/providers/Microsoft.Network/loadBalancers/" + AKS_CLUSTER_NAME + "/frontendIPConfigurations/"
                + publicIpName(serviceUid).substring(AKS_CLUSTER_NAME.length() + 1));
        arm.putResource(body);
        Instant written = now.get();
        ObjectNode event = ReferenceEvents.writeSuccess(id, "Microsoft.Network/publicIPAddresses/write",
                "aks-public-ip-" + (++events) + "-" + serviceUid, written);
        pending.add(new Pending(written.plus(eventGridLatency), event));
    }

    @Override
    public synchronized void publicIpDeleted(String clusterId, String service, String serviceUid) {
        String id = publicIpId(clusterId, serviceUid);
        if (id != null) {
            arm.removeResource(id);
        }
    }

    /** Delivers every event due by {@code t}, in the order ARM raised them. */
    void deliverDue(Instant t) {
        List<ObjectNode> due = new ArrayList<>();
        synchronized (this) {
            pending.removeIf(p -> {
                if (!p.due().isAfter(t)) {
                    due.add(p.event());
                    return true;
                }
                return false;
            });
        }
        due.forEach(e -> deliver.accept(e.toString()));
    }

    /** When the next event is due, if one waits. */
    synchronized java.util.Optional<Instant> nextDue() {
        return pending.stream().map(Pending::due).min(Instant::compareTo);
    }

    private static ObjectNode example() {
        try (InputStream in = AksPublicIps.class.getResourceAsStream("/arm/PublicIpAddressGet.2024-05-01.json")) {
            return (ObjectNode) M.readTree(in).path("responses").path("200").path("body").deepCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
