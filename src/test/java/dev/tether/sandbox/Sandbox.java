package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import dev.tether.config.TetherConfig;
import dev.tether.functions.ActivityFunctions;
import dev.tether.functions.EventGridFunction;
import dev.tether.functions.OrchestratorFunctions;
import dev.tether.functions.Tether;
import dev.tether.sandbox.arm.ArmEmulator;
import dev.tether.sandbox.durable.DurableDriver;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The faithful local world, wired together: the ARM emulator behind the real Azure SDK pipeline, one fabric8 CRUD API
 * server per cluster with a simulated AKS load-balancer controller, the real durabletask replay engine driven on a
 * virtual clock, and Tether's own function classes discovered by annotation. Test scope only.
 */
public final class Sandbox implements AutoCloseable {
    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final ObjectMapper M = new ObjectMapper();
    /** Held strongly: JUL forgets configuration of loggers nobody references. */
    private static final Logger QUIET_MOCK_SERVER = quiet("io.fabric8");
    private static final Logger QUIET_DURABLE = quiet("com.microsoft.durabletask");
    /** Tether's own loggers (activities); captured with the function logs for inspection. */
    private static final Logger TETHER_LOGS = Logger.getLogger("dev.tether");

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.SEVERE);
        return l;
    }

    private final VirtualClock clock = new VirtualClock(EPOCH);
    private final CallLog calls = new CallLog();
    private final ArmEmulator arm;
    private final KubernetesSandbox kubernetes;
    private final AksNetwork aksNetwork;
    private final DurableDriver durable;
    private final FunctionHost host;
    private final HttpHost httpHost;
    private final Tether tether;
    private final Logger logger;
    private final List<String> logLines = new ArrayList<>();
    /** Tether's network position (WORLD.json's {@code tether} section), echoed in RESULT.json's world. */
    private final dev.tether.sandbox.kubernetes.ApiServerNetwork.Position tetherPosition;

    /** @param crashAfterEvent 0 for none, else the durable backend crashes once right after that history event */
    public record Options(Duration lbDelay, TetherConfig config, int crashAfterEvent) {
        public Options(Duration lbDelay, TetherConfig config) {
            this(lbDelay, config, 0);
        }

        /** Tether's settings for the world: its subscriptions, and its network position from the world's {@code tether} section. */
        public static Options defaults(WorldFile world) {
            return new Options(Duration.ofSeconds(30), TetherConfig.fromEnvironment(Map.of(
                    "TETHER_SUBSCRIPTIONS", String.join(",", world.subscriptions()),
                    "TETHER_NETWORK_VNETS", String.join(",", world.tether().vnetIds()),
                    "TETHER_OUTBOUND_IPS", String.join(",", world.tether().outboundIps()))));
        }

        public Options crashingAfter(int event) {
            return new Options(lbDelay, config, event);
        }
    }

    public Sandbox(WorldFile world) {
        this(world, Options.defaults(world));
    }

    public Sandbox(WorldFile world, Options options) {
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(1));
        this.tetherPosition = world.tether();
        this.arm = new ArmEmulator(calls, dev.tether.sandbox.arm.ReadBudget.arm(clock::now));
        arm.onThrottled(clock::advance);
        arm.useClock(clock::now, clock::advance);
        world.resources().forEach(arm::putResource);
        world.appSettings().forEach(arm::putAppSettings);
        this.kubernetes = new KubernetesSandbox(calls, clock, options.lbDelay());
        // One world: the frontends the controller gives Services are public IPs and load balancers in ARM, and the write
        // events Tether's subscription lets through reach the Event Grid trigger (after the clock's listeners above have
        // run the controller).
        this.aksNetwork = new AksNetwork(arm, clock::now, this::deliver);
        kubernetes.setAzureSide(aksNetwork);
        clock.onAdvance(aksNetwork::deliverDue);
        Map<String, Boolean> entra = new HashMap<>();
        for (ObjectNode r : world.resources()) {
            if ("Microsoft.ContainerService/managedClusters".equalsIgnoreCase(r.path("type").asText())) {
                String id = r.get("id").asText();
                JsonNode props = r.path("properties");
                entra.put(id.toLowerCase(), props.has("aadProfile"));
                kubernetes.addCluster(id, nodeSubnetCidr(props), props.path("networkProfile").path("dnsServiceIP").asText(null),
                        world.kubernetes().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(id))
                                .findFirst().map(Map.Entry::getValue).orElse(List.of()));
                kubernetes.setVnetSubnets(id, vnetSubnets(props));
                kubernetes.setKubernetesVersion(id, props.path("currentKubernetesVersion").asText(props.path("kubernetesVersion").asText(null)));
                kubernetes.setEntra(id, props.has("aadProfile"));
                dev.tether.sandbox.kubernetes.ApiServerNetwork.unreachable(props, world.tether()).ifPresent(why -> kubernetes.setUnreachable(id, why));
            }
        }
        // The world's Services that already hold frontends have their public IPs and load balancers in ARM from the start;
        // ARM raised those writes before the world began, so no event of theirs is on its way.
        aksNetwork.forgetHistory();
        arm.setKubeconfigSource(id -> kubernetes.kubeconfig(id, entra.getOrDefault(id.toLowerCase(), false)));
        this.logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logLines) {
                    logLines.add(r.getLevel() + " " + r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        TETHER_LOGS.setUseParentHandlers(false);
        TETHER_LOGS.setLevel(Level.ALL);
        for (Handler h : TETHER_LOGS.getHandlers()) {
            TETHER_LOGS.removeHandler(h);
        }
        TETHER_LOGS.addHandler(capture);
        this.tether = new Tether(options.config(), ArmEmulator.fakeCredential(), arm, clock.asClock());
        Tether.install(tether);
        this.durable = new DurableDriver(clock).crashAfterEvent(options.crashAfterEvent());
        this.host = new FunctionHost(durable, logger, List.of(EventGridFunction.class, OrchestratorFunctions.class, ActivityFunctions.class,
                dev.tether.functions.HttpFunctions.class, dev.tether.functions.DriftTimerFunction.class));
        this.httpHost = new HttpHost(host, host.declared(), world.functionKeys());
    }

    /** Name to CIDR of every subnet in the VNet of the cluster's node subnet. */
    private Map<String, String> vnetSubnets(JsonNode clusterProps) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode pool : clusterProps.path("agentPoolProfiles")) {
            String subnetId = pool.path("vnetSubnetID").asText(null);
            if (subnetId != null) {
                String vnetId = subnetId.substring(0, subnetId.toLowerCase().lastIndexOf("/subnets/"));
                // IPv6-only subnets hold no IPv4 internal load balancer: they are left out, not refused.
                arm.resource(vnetId).ifPresent(v -> v.path("properties").path("subnets").forEach(sn ->
                        firstIpv4(sn).ifPresent(c -> out.put(sn.path("name").asText(), c))));
                break;
            }
        }
        return out;
    }

    /** A subnet's first IPv4 range: addressPrefix, or addressPrefixes alone (dual-stack subnets list an IPv6 range too). */
    private static java.util.Optional<String> firstIpv4(JsonNode subnet) {
        List<String> prefixes = new ArrayList<>();
        if (subnet.path("properties").hasNonNull("addressPrefix")) {
            prefixes.add(subnet.path("properties").path("addressPrefix").asText());
        }
        subnet.path("properties").path("addressPrefixes").forEach(p -> prefixes.add(p.asText()));
        return prefixes.stream().filter(p -> !p.isBlank() && !p.contains(":")).findFirst();
    }

    /** The CIDR of the cluster's node subnet, from the world, or null when AKS manages its VNet. */
    private String nodeSubnetCidr(JsonNode clusterProps) {
        for (JsonNode pool : clusterProps.path("agentPoolProfiles")) {
            String subnetId = pool.path("vnetSubnetID").asText(null);
            if (subnetId != null) {
                // addressPrefix, or addressPrefixes alone (dual-stack subnets list an IPv6 range too): the first IPv4 range.
                return arm.resource(subnetId).map(s -> firstIpv4(s).orElseThrow(() -> new IllegalArgumentException(
                        "world: node subnet " + subnetId + " has no IPv4 range in addressPrefix or addressPrefixes"))).orElse(null);
            }
        }
        return null;
    }

    /**
     * Hands one event to the Event Grid-triggered function, as the Functions host does. Returns the action the function
     * logged in its {@code event.handled} line (started, signaled, ignored, refused or malformed).
     */
    public String deliver(String eventJson) {
        int before = logLines().size();
        host.invoke("OnResourceEvent", eventJson);
        List<String> lines = logLines();
        for (int i = lines.size() - 1; i >= before; i--) {
            String line = lines.get(i);
            int json = line.indexOf('{');
            if (json >= 0 && line.contains("\"event\":\"event.handled\"")) {
                try {
                    return M.readTree(line.substring(json)).path("action").asText();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("unparseable log line " + line, e);
                }
            }
        }
        throw new IllegalStateException("the Event Grid function logged no event.handled line");
    }

    /** Delivers every event of an EVENTS.json payload (an array, or one CloudEvent or event), one invocation each. */
    public List<String> deliverAll(JsonNode events) {
        List<String> actions = new ArrayList<>();
        if (events.isArray()) {
            events.forEach(e -> actions.add(deliver(e.toString())));
        } else {
            actions.add(deliver(events.toString()));
        }
        return actions;
    }

    /** Injects faults into both emulators (Tether's requests only). */
    public void faults(Faults faults) {
        arm.setFaults(faults);
        kubernetes.setFaults(faults);
    }

    /** Runs the drift timer function once, as the host does on its schedule. */
    public void timer() {
        host.invoke("DriftTimer", "{\"Schedule\":{\"AdjustForDST\":true},\"IsPastDue\":false}");
    }

    /** One response of the HTTP API, as RESULT.json records it. */
    public record HttpExchange(String request, int status, Map<String, String> headers, String body) {
    }

    private final List<HttpExchange> exchanges = new ArrayList<>();

    /**
     * Calls the HTTP API as an operator holding the host's default key: {@code spec} is "METHOD /api/path?query", optionally
     * followed by a JSON body (used when {@code body} is null). The key goes in {@code x-functions-key} unless the path
     * has its own {@code code=} or the headers carry a key. {@link #httpHost()} sends a request exactly as given.
     */
    public HttpExchange http(String spec, String body, Map<String, String> headers) {
        HttpSpec s = HttpSpec.parse(spec);
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        boolean ownKey = s.path().matches(".*[?&]code=.*") || h.keySet().stream().anyMatch("x-functions-key"::equalsIgnoreCase);
        if (!ownKey) {
            h.put("x-functions-key", httpHost.keys().callerKey());
        }
        String b = body != null ? body : s.body();
        if (b != null && h.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            h.put("Content-Type", "application/json");
        }
        HttpHost.Answer a = httpHost.call(s.method(), s.path(), h, b);
        HttpExchange exchange = new HttpExchange(spec, a.status(), a.headers(), a.body());
        exchanges.add(exchange);
        return exchange;
    }

    public HttpHost httpHost() {
        return httpHost;
    }

    /**
     * How long Event Grid takes to deliver the write events of what AKS's controller writes in ARM (default 2 s;
     * Microsoft publishes no figure). An event is delivered when the virtual clock reaches its due time.
     */
    public void setEventGridLatency(Duration latency) {
        aksNetwork.setEventGridLatency(latency);
    }

    /** Tether's events come from the resources topic as well (main.bicep eventSource=resourceNotifications; AksNetwork). */
    public void setResourcesTopic(boolean on) {
        aksNetwork.setResourcesTopic(on);
    }

    /** When the next Event Grid delivery of such an event is due, if one waits. */
    public java.util.Optional<Instant> nextEventDelivery() {
        return aksNetwork.nextDue();
    }

    /** The id of the public IP AKS creates for a Service with this uid in the cluster's node resource group. */
    public String publicIpId(String clusterId, String serviceUid) {
        return aksNetwork.publicIpId(clusterId, serviceUid);
    }

    /** The id of AKS's load balancer {@code name} ("kubernetes" or "kubernetes-internal") in the cluster's node resource group. */
    public String loadBalancerId(String clusterId, String name) {
        return aksNetwork.loadBalancerId(clusterId, name);
    }

    /**
     * Every notification ARM raised for what AKS's controller wrote, in order, as "ResourceWriteSuccess operation id"
     * (delivered to Tether or filtered out by its Event Grid subscription).
     */
    public List<String> armEvents() {
        return aksNetwork.raised().stream().map(Object::toString).toList();
    }

    public void runUntilIdle() {
        durable.runUntilIdle();
    }

    /**
     * Runs the world to rest: orchestrations, activities and timers, then virtual time on until the simulated cluster
     * controllers have nothing pending (rollouts finished or past their deadline, load balancer IPs assigned or
     * blocked), bounded by a day of virtual time. What {@code simulate} does before it dumps the world.
     */
    public void settle() {
        Instant limit = clock.now().plus(Duration.ofDays(1));
        for (int i = 0; i < 10_000; i++) {
            durable.runUntilIdle();
            java.util.Optional<Instant> next = kubernetes.nextWakeup();
            java.util.Optional<Instant> event = aksNetwork.nextDue();
            if (event.isPresent() && (next.isEmpty() || event.get().isBefore(next.get()))) {
                next = event;
            }
            if (next.isEmpty() || next.get().isAfter(limit)) {
                return;
            }
            clock.advanceTo(next.get().isAfter(clock.now()) ? next.get() : clock.now());
        }
        throw new IllegalStateException("the simulated controllers did not come to rest");
    }

    public CallLog calls() {
        return calls;
    }

    public ArmEmulator arm() {
        return arm;
    }

    public KubernetesSandbox kubernetes() {
        return kubernetes;
    }

    public DurableDriver durable() {
        return durable;
    }

    public VirtualClock clock() {
        return clock;
    }

    public FunctionHost host() {
        return host;
    }

    public Tether tether() {
        return tether;
    }

    public List<String> logLines() {
        synchronized (logLines) {
            return List.copyOf(logLines);
        }
    }

    /** RESULT.json: the world after the run, every orchestration, and every call that reached the emulators. */
    public ObjectNode result() {
        return ResultFile.of(arm, tetherPosition, kubernetes, durable, exchanges, calls);
    }

    @Override
    public void close() {
        kubernetes.close();
    }
}
