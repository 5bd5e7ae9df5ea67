package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.events.EventRouter;
import dev.tether.sandbox.arm.ArmEmulator;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;
import dev.tether.sandbox.kubernetes.AzureSide;
import dev.tether.sandbox.kubernetes.AzureSide.Frontend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One world, not two: the Azure half of AKS's cloud controller. After each pass of the simulated load-balancer
 * controller it writes what differs in the cluster's node resource group, in cloud-provider-azure's order: the public
 * IPs of new public frontends, the load balancer {@code kubernetes} (public frontends) and {@code kubernetes-internal}
 * (internal frontends), each created with its first frontend, updated as frontends come and go and deleted with its
 * last, then the public IPs no frontend uses any more. ARM raises {@code ResourceWriteSuccess} or
 * {@code ResourceDeleteSuccess} for each ({@link #raised}); Event Grid delivers to Tether's trigger, {@link #eventGridLatency}
 * later, exactly those its subscription lets through (infra/modules/eventSubscription.bicep: event type
 * {@link EventRouter#WRITE_SUCCESS}, {@code data.operationName} in {@link EventRouter#HANDLED_OPERATIONS}). With the
 * resources topic ({@link #setResourcesTopic}, main.bicep {@code eventSource=resourceNotifications}) the subscription
 * topic lets through only {@link EventRouter#TAG_OPERATIONS}, and ARM raises a
 * {@link EventRouter#RESOURCE_CREATED_OR_UPDATED} with the written resource's body on the resources topic, delivered when
 * its type is one of {@link EventRouter#NOTIFIED_TYPES} (the subscription's filter on {@code data.resourceInfo.type}).
 * <ul>
 * <li>Public IP name {@code kubernetes-<a + Service UID without dashes, cut to 32>}: cloud-provider-azure
 * {@code getPublicIPName} ({@code clusterName-GetLoadBalancerName(service)}; AKS's cluster name for the cloud provider
 * is {@code kubernetes}, and {@code DefaultLoadBalancerName} is "a" + the UID without dashes, cut to 32). Tags
 * {@code k8s-azure-service: <namespace>/<name>}, {@code k8s-azure-cluster-name: kubernetes} (pkg/consts/consts.go
 * {@code ServiceTagKey}, {@code ClusterNameKey}). Body: Microsoft's {@code PublicIpAddressGet} example (api 2024-05-01).</li>
 * <li>Load balancers {@code kubernetes} and {@code kubernetes-internal} (cloud-provider-azure: the cluster name, and
 * {@code InternalLoadBalancerNameSuffix} "-internal"). Body: Microsoft's {@code LoadBalancerGet} example (api 2024-07-01),
 * Standard SKU, one frontend per Service named {@code a<uid>} ({@code -<subnet>} appended for the internal-subnet
 * annotation: {@code getDefaultFrontendIPConfigName}), backend pool {@code kubernetes}, one rule per Service port
 * {@code <frontend>-<PROTOCOL>-<port>} ({@code getLoadBalancerRuleName}). Both bodies' sources are beside them in
 * src/test/resources/arm.</li>
 * </ul>
 * Not modelled: health probes, AKS's own outbound frontend and outbound rule on {@code kubernetes} (with outbound type
 * loadBalancer AKS keeps that load balancer even without Service frontends; here it goes with its last frontend).
 */
final class AksNetwork implements AzureSide {
    private static final ObjectMapper M = new ObjectMapper();
    /** The cluster name AKS gives its cloud provider: its load balancer is "kubernetes", its public IPs "kubernetes-...". */
    static final String AKS_CLUSTER_NAME = "kubernetes";
    static final String INTERNAL_LB = AKS_CLUSTER_NAME + "-internal";
    /** Event Grid's delivery latency by default (Microsoft publishes no figure; a few seconds is typical). */
    static final Duration DEFAULT_EVENT_GRID_LATENCY = Duration.ofSeconds(2);

    /** One notification ARM raised: its event type, operation and resource. */
    public record Raised(String eventType, String operation, String resourceId) {
        @Override
        public String toString() {
            return eventType.substring(eventType.lastIndexOf('.') + 1) + " " + operation + " " + resourceId;
        }
    }

    private record Pending(Instant due, ObjectNode event) {
    }

    private final ArmEmulator arm;
    private final Supplier<Instant> now;
    private final Consumer<String> deliver;
    private final List<Pending> pending = new ArrayList<>();
    private final List<Raised> raised = new ArrayList<>();
    /** Per lower-cased cluster id: the frontends last written. */
    private final Map<String, List<Frontend>> written = new HashMap<>();
    private Duration eventGridLatency = DEFAULT_EVENT_GRID_LATENCY;
    private boolean resourcesTopic;
    private int events;

    AksNetwork(ArmEmulator arm, Supplier<Instant> now, Consumer<String> deliver) {
        this.arm = arm;
        this.now = now;
        this.deliver = deliver;
    }

    synchronized void setEventGridLatency(Duration latency) {
        this.eventGridLatency = latency;
    }

    /** Every notification ARM raised for the node resource groups, in order (delivered or filtered out). */
    synchronized List<Raised> raised() {
        return List.copyOf(raised);
    }

    /** The world's starting point: what is written stays, the notifications it raised are history (none pending). */
    synchronized void forgetHistory() {
        pending.clear();
        raised.clear();
    }

    static String lbName(String serviceUid) {
        String lb = "a" + serviceUid.replace("-", "");
        return lb.length() > 32 ? lb.substring(0, 32) : lb;
    }

    static String publicIpName(String serviceUid) {
        return AKS_CLUSTER_NAME + "-" + lbName(serviceUid);
    }

    /** cloud-provider-azure getDefaultFrontendIPConfigName: the Service's base name, "-<subnet>" for an internal subnet. */
    static String frontendName(Frontend f) {
        return f.subnet() == null ? lbName(f.uid()) : lbName(f.uid()) + "-" + f.subnet();
    }

    private Optional<String> nodeGroupId(String clusterId) {
        JsonNode cluster = arm.resource(clusterId).orElse(null);
        String nodeRg = cluster == null ? null : cluster.path("properties").path("nodeResourceGroup").asText(null);
        return Optional.ofNullable(nodeRg).map(rg -> "/subscriptions/" + clusterId.split("/")[2] + "/resourceGroups/" + rg);
    }

    /** The public IP's id in the cluster's node resource group, or null when the cluster names none. */
    String publicIpId(String clusterId, String serviceUid) {
        return nodeGroupId(clusterId).map(g -> g + "/providers/Microsoft.Network/publicIPAddresses/" + publicIpName(serviceUid)).orElse(null);
    }

    /** A load balancer's id in the cluster's node resource group, or null when the cluster names none. */
    String loadBalancerId(String clusterId, String name) {
        return nodeGroupId(clusterId).map(g -> g + "/providers/Microsoft.Network/loadBalancers/" + name).orElse(null);
    }

    @Override
    public synchronized void frontends(String clusterId, List<Frontend> frontends) {
        String key = clusterId.toLowerCase(Locale.ROOT);
        // A load balancer's frontends in a stable order (by Service), whatever order the API server lists Services in.
        frontends = frontends.stream().sorted(java.util.Comparator.comparing(Frontend::service)).toList();
        List<Frontend> before = written.getOrDefault(key, List.of());
        if (before.equals(frontends) || nodeGroupId(clusterId).isEmpty()) {
            return;
        }
        written.put(key, List.copyOf(frontends));
        JsonNode cluster = arm.resource(clusterId).orElseThrow();
        String location = cluster.path("location").asText();
        Map<String, Frontend> ipsBefore = publicByIp(before);
        Map<String, Frontend> ipsNow = publicByIp(frontends);
        ipsNow.forEach((name, f) -> {
            if (!f.equals(ipsBefore.get(name))) {
                writePublicIp(clusterId, location, f);
            }
        });
        for (boolean internal : new boolean[] {false, true}) {
            List<Frontend> was = before.stream().filter(f -> f.internal() == internal).toList();
            List<Frontend> is = frontends.stream().filter(f -> f.internal() == internal).toList();
            if (was.equals(is)) {
                continue;
            }
            String id = loadBalancerId(clusterId, internal ? INTERNAL_LB : AKS_CLUSTER_NAME);
            if (is.isEmpty()) {
                arm.removeResource(id);
                raise("Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Network/loadBalancers/delete", id);
            } else {
                arm.putResource(loadBalancer(clusterId, id, location, internal, is));
                raise(EventRouter.WRITE_SUCCESS, "Microsoft.Network/loadBalancers/write", id);
            }
        }
        ipsBefore.forEach((name, f) -> {
            if (!ipsNow.containsKey(name)) {
                String id = publicIpId(clusterId, f.uid());
                arm.removeResource(id);
                raise("Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Network/publicIPAddresses/delete", id);
            }
        });
    }

    private static Map<String, Frontend> publicByIp(List<Frontend> frontends) {
        Map<String, Frontend> out = new LinkedHashMap<>();
        frontends.stream().filter(f -> !f.internal()).forEach(f -> out.put(publicIpName(f.uid()), f));
        return out;
    }

    private void writePublicIp(String clusterId, String location, Frontend f) {
        String id = publicIpId(clusterId, f.uid());
        ObjectNode body = example("PublicIpAddressGet.2024-05-01.json");
        body.put("name", publicIpName(f.uid())).put("id", id).put("location", location);
        ObjectNode tags = body.putObject("tags");
        tags.put("k8s-azure-service", f.service()).put("k8s-azure-cluster-name", AKS_CLUSTER_NAME);
        body.putObject("sku").put("name", "Standard").put("tier", "Regional");
        ObjectNode props = (ObjectNode) body.get("properties");
        props.put("publicIPAllocationMethod", "Static").put("ipAddress", f.ip());
        props.remove("ddosSettings");
        props.remove("ipTags");
        props.putObject("ipConfiguration").put("id", loadBalancerId(clusterId, AKS_CLUSTER_NAME) + "/frontendIPConfigurations/" + frontendName(f));
        arm.putResource(body);
        raise(EventRouter.WRITE_SUCCESS, "Microsoft.Network/publicIPAddresses/write", id);
    }

    /** The load balancer holding {@code frontends}, from Microsoft's example with AKS's values. */
    private ObjectNode loadBalancer(String clusterId, String id, String location, boolean internal, List<Frontend> frontends) {
        ObjectNode body = example("LoadBalancerGet.2024-07-01.json");
        ObjectNode props = (ObjectNode) body.get("properties");
        ObjectNode feTemplate = (ObjectNode) props.path("frontendIPConfigurations").get(0);
        ObjectNode poolTemplate = (ObjectNode) props.path("backendAddressPools").get(0);
        ObjectNode ruleTemplate = (ObjectNode) props.path("loadBalancingRules").get(0);
        body.put("name", id.substring(id.lastIndexOf('/') + 1)).put("id", id).put("location", location);
        body.putObject("sku").put("name", "Standard").put("tier", "Regional");
        String pool = id + "/backendAddressPools/" + AKS_CLUSTER_NAME;
        ArrayNode fes = props.putArray("frontendIPConfigurations");
        ArrayNode rules = props.putArray("loadBalancingRules");
        ArrayNode poolRules = M.createArrayNode();
        String nodeSubnet = internal ? nodeSubnetId(clusterId) : null;
        for (Frontend f : frontends) {
            String feName = frontendName(f);
            String feId = id + "/frontendIPConfigurations/" + feName;
            ObjectNode fe = feTemplate.deepCopy();
            fe.put("name", feName).put("id", feId);
            ObjectNode feProps = (ObjectNode) fe.get("properties");
            feProps.remove("inboundNatRules");
            if (internal) {
                feProps.put("privateIPAddress", f.ip()).put("privateIPAllocationMethod", f.pinned() ? "Static" : "Dynamic");
                String subnetId = f.subnet() == null ? nodeSubnet
                        : nodeSubnet == null ? null : nodeSubnet.substring(0, nodeSubnet.lastIndexOf('/') + 1) + f.subnet();
                if (subnetId != null) {
                    feProps.putObject("subnet").put("id", subnetId);
                } else {
                    feProps.remove("subnet");
                }
            } else {
                feProps.remove("privateIPAddress");
                feProps.remove("privateIPAllocationMethod");
                feProps.remove("privateIPAddressVersion");
                feProps.remove("subnet");
                feProps.putObject("publicIPAddress").put("id", publicIpId(clusterId, f.uid()));
            }
            ArrayNode feRules = feProps.putArray("loadBalancingRules");
            for (AzureSide.Port p : f.ports()) {
                String ruleName = (f.subnet() == null ? lbName(f.uid()) : lbName(f.uid()) + "-" + f.subnet()) + "-" + p.protocol() + "-" + p.port();
                String ruleId = id + "/loadBalancingRules/" + ruleName;
                ObjectNode rule = ruleTemplate.deepCopy();
                rule.put("name", ruleName).put("id", ruleId);
                ObjectNode ruleProps = (ObjectNode) rule.get("properties");
                ruleProps.putObject("frontendIPConfiguration").put("id", feId);
                ruleProps.put("frontendPort", p.port()).put("backendPort", p.port())
                        .put("protocol", p.protocol().charAt(0) + p.protocol().substring(1).toLowerCase(Locale.ROOT));
                ruleProps.putObject("backendAddressPool").put("id", pool);
                ruleProps.remove("probe");
                rules.add(rule);
                feRules.addObject().put("id", ruleId);
                poolRules.addObject().put("id", ruleId);
            }
            fes.add(fe);
        }
        ObjectNode backend = poolTemplate.deepCopy();
        backend.put("name", AKS_CLUSTER_NAME).put("id", pool);
        ((ObjectNode) backend.get("properties")).set("loadBalancingRules", poolRules);
        props.putArray("backendAddressPools").add(backend);
        props.putArray("probes");
        props.putArray("inboundNatRules");
        return body;
    }

    /** The cluster's node subnet (its first agent pool's vnetSubnetID), or null when AKS manages its VNet. */
    private String nodeSubnetId(String clusterId) {
        for (JsonNode pool : arm.resource(clusterId).orElseThrow().path("properties").path("agentPoolProfiles")) {
            if (pool.hasNonNull("vnetSubnetID")) {
                return pool.get("vnetSubnetID").asText();
            }
        }
        return null;
    }

    /** Tether's events come from the resources topic (true) or the subscription topic alone (false, the default). */
    synchronized void setResourcesTopic(boolean on) {
        this.resourcesTopic = on;
    }

    /** ARM raises the notification; Event Grid delivers it later when Tether's subscription lets it through. */
    private void raise(String eventType, String operation, String resourceId) {
        raised.add(new Raised(eventType, operation, resourceId));
        Instant at = now.get();
        String eventId = "aks-" + (++events) + "-" + resourceId.substring(resourceId.lastIndexOf('/') + 1);
        boolean write = eventType.equals(EventRouter.WRITE_SUCCESS);
        String type = operation.substring(0, operation.lastIndexOf('/'));
        if (resourcesTopic && write && EventRouter.NOTIFIED_TYPES.stream().anyMatch(type::equalsIgnoreCase)) {
            // The resources topic raises CreatedOrUpdated with the body just written; Deleted is not subscribed to.
            arm.resource(resourceId).ifPresent(body -> pending.add(new Pending(at.plus(eventGridLatency),
                    ReferenceEvents.createdOrUpdated(body, eventId, at))));
        }
        // The subscription topic's subscription: includedEventTypes and the advanced filter on data.operationName, which
        // lets through tag writes only when the resources topic carries the rest.
        List<String> operations = resourcesTopic ? EventRouter.TAG_OPERATIONS : EventRouter.HANDLED_OPERATIONS;
        if (!write || operations.stream().noneMatch(operation::equalsIgnoreCase)) {
            return;
        }
        pending.add(new Pending(at.plus(eventGridLatency), ReferenceEvents.writeSuccess(resourceId, operation, eventId, at)));
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
    synchronized Optional<Instant> nextDue() {
        return pending.stream().map(Pending::due).min(Instant::compareTo);
    }

    private static ObjectNode example(String file) {
        try (InputStream in = AksNetwork.class.getResourceAsStream("/arm/" + file)) {
            return (ObjectNode) M.readTree(in).path("responses").path("200").path("body").deepCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
