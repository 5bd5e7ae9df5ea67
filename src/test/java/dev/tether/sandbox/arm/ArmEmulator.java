package dev.tether.sandbox.arm;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.Faults;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/**
 * An in-memory ARM behind the real Azure SDK pipeline: the SDK managers are given this {@link HttpClient}, so their
 * serialization, auth, retry and LRO polling run unchanged. This class is ARM's front door: it logs every request in
 * order, applies injected faults, the read budget and the role's authorization ({@link Authorization}), and routes each request to its resource
 * provider ({@link WebProvider}, {@link NetworkProvider}, {@link ContainerServiceProvider}, {@link ResourcesProvider},
 * {@link ResourceGraph}, {@link Operations}). What each refuses, and why, is the table in {@link PlatformRules}.
 */
public final class ArmEmulator implements HttpClient {
    static final String HOST = "https://management.azure.com";
    static final String RG_PATH = "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/";
    private static final Pattern OPERATION = Pattern.compile("/subscriptions/[^/]+/providers/[^/]+/locations/[^/]+/(operationresults|operations)/([^/]+)");

    private final CallLog log;
    private final ReadBudget budget;
    private final ArmWorld world = new ArmWorld();
    private final Operations operations = new Operations();
    private final WebProvider web = new WebProvider(world, operations);
    private final NetworkProvider network = new NetworkProvider(world, operations);
    private final ContainerServiceProvider containers = new ContainerServiceProvider(world);
    private final ResourcesProvider resourceList = new ResourcesProvider(world);
    private final Authorization authorization = new Authorization();
    private Faults faults = Faults.none();
    private int throttled;
    private Consumer<Duration> throttleListener = wait -> { };

    public ArmEmulator(CallLog log) {
        this(log, ReadBudget.unlimited());
    }

    /** @param budget ARM's per-subscription read throttling (a token bucket), on the sandbox's clock */
    public ArmEmulator(CallLog log, ReadBudget budget) {
        this.log = log;
        this.budget = budget;
    }

    /**
     * Told the Retry-After of every 429 the read budget answers. A throttled client waits that long before it retries
     * (the Azure SDK sleeps it for real); the sandbox lets the same time pass on its virtual clock, so the retry meets
     * the bucket as ARM's would after the wait.
     */
    public synchronized void onThrottled(Consumer<Duration> listener) {
        this.throttleListener = listener;
    }

    /** The world's clock, for long-running operations: {@code waited} lets the time a polling client waits pass. */
    public synchronized void useClock(Supplier<Instant> clock, Consumer<Duration> waited) {
        operations.useClock(clock, waited);
    }

    /**
     * How long App Service takes, in the world's time, to remove a plan's service association link from a subnet after
     * the last app of the plan left it (zero, the default: at once). Until then the subnet lists the link and its DELETE
     * is refused ({@link PlatformRules.Rule#SUBNET_LINK_REMOVAL_LAG}).
     */
    public synchronized void setServiceLinkRemovalLag(Duration lag) {
        world.linkRemovalLag = lag;
    }

    /**
     * How long every long-running operation runs, in the world's time. By default one Retry-After: the first poll
     * answers InProgress, the next Succeeded. Zero: the first poll sees it end.
     */
    public synchronized void setOperationDuration(Duration duration) {
        operations.setDuration(duration);
    }

    /**
     * The Retry-After of InProgress polls (whole seconds; 1 s by default, the network provider's own is 10 s). The Azure
     * SDK sleeps it in real time; the world's clock advances by it. Resets the operation duration to one such wait.
     */
    public synchronized void setRetryAfter(Duration retryAfter) {
        operations.setRetryAfter(retryAfter);
    }

    /**
     * The actions the caller's role holds. By default Tether's custom role from infra/generated/tether-contract.json,
     * which is what the deployment assigns: every call outside it is answered 403 as ARM answers it.
     */
    public synchronized void setRoleActions(java.util.Set<String> actions) {
        authorization.setRole(Authorization.Role.of(actions));
    }

    /** Every RBAC action the caller has been granted so far, linked actions included, in first-use order. */
    public synchronized java.util.Set<String> authorizedActions() {
        return new java.util.LinkedHashSet<>(authorization.granted);
    }

    /** Lets the caller do anything (an Owner): for tests of the providers' own rules. */
    public synchronized void allowEverything() {
        authorization.setRole(Authorization.Role.everything());
    }

    public synchronized void setFaults(Faults faults) {
        this.faults = faults;
    }

    /** How many requests were answered 429 so far. */
    public synchronized int throttled() {
        return throttled;
    }

    // ---- the world ----

    /**
     * Stores a resource body as GET returns it. A subnet given on its own is placed inside its VNet's
     * {@code properties.subnets}, whichever of the two comes first.
     */
    public synchronized void putResource(ObjectNode body) {
        world.put(body);
    }

    /** Removes a resource (what its owner deletes: AKS's controller deleting a Service's public IP); false when absent. */
    public synchronized boolean removeResource(String id) {
        return world.resources.remove(ArmWorld.key(id)) != null;
    }

    public synchronized void putAppSettings(String siteOrSlotId, Map<String, String> settings) {
        world.putAppSettings(siteOrSlotId, settings);
    }

    /**
     * How the site-level app settings PUT answers. The App Service spec (api 2025-03-01, SDK 2.54.1) marks
     * {@code WebApps_UpdateApplicationSettings} as long-running with responses 200 and 202, and the SDK's
     * {@code updateApplicationSettings} is a poller that accepts either. The spec's example shows 200, which is the
     * default here. With {@code true} the PUT answers 202 with {@code Azure-AsyncOperation} and {@code Location}; the SDK
     * then polls the operation. The slot variant is a plain PUT in the SDK (it accepts only 200), so it always answers 200.
     */
    public synchronized void setAppSettingsPutLongRunning(boolean longRunning) {
        web.appSettingsLongRunning = longRunning;
    }

    /**
     * Shrinks the SDK's long-running-operation poll interval (30 s by default; {@code Retry-After} is not honoured for
     * shorter waits) to 1 ms. JVM-global: {@code ResourceManagerUtils} is shared by every manager.
     */
    public static void fastPolling() {
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(1));
    }

    public synchronized void setKubeconfigSource(Function<String, String> source) {
        containers.kubeconfigs = source;
    }

    /** A stored resource by id (case-insensitive); subnets are found inside their VNet. A copy. */
    public synchronized Optional<ObjectNode> resource(String id) {
        world.settleServiceLinks(operations.now());
        return world.find(id).map(ObjectNode::deepCopy);
    }

    /** The current world, for RESULT.json: resources in insertion order, subnets nested in their VNet. */
    public synchronized List<ObjectNode> resources() {
        world.settleServiceLinks(operations.now());
        return world.all();
    }

    public synchronized Map<String, Map<String, String>> appSettings() {
        return world.allAppSettings();
    }

    /**
     * The DNS servers a site or slot really resolves with, as App Service decides: the site property
     * {@code dnsConfiguration.dnsServers} when set (it takes precedence over the app settings: Azure/AppService blog
     * "DNS improvements", 2024-01-09), else {@code WEBSITE_DNS_SERVER} then {@code WEBSITE_DNS_ALT_SERVER}, whose names
     * are case-insensitive (they become environment variables). Empty: Azure's default resolver.
     */
    /** Sets the site's slot settings (config/slotConfigNames properties) as a user would. */
    public synchronized void putSlotConfigNames(String siteId, ObjectNode properties) {
        web.slots.put(siteId, properties);
    }

    /** The site's slot settings (config/slotConfigNames properties) as stored; an empty object when never set. */
    public synchronized ObjectNode slotConfigNames(String siteId) {
        return web.slots.properties(siteId);
    }

    /**
     * Runs {@code action} as a user who may do anything (an Owner), for the world's other actors (someone swapping
     * slots): their calls are authorized, and not recorded as actions Tether's role was granted. Not synchronized: the
     * SDK may poll from another thread.
     */
    public void asUser(Runnable action) {
        authorization.user = true;
        try {
            action.run();
        } finally {
            authorization.user = false;
        }
    }

    public synchronized List<String> effectiveDnsServers(String siteOrSlotId) {
        return WebProvider.effectiveDns(world.existing(siteOrSlotId), world.appSettingsOf(siteOrSlotId));
    }

    public static TokenCredential fakeCredential() {
        return dev.tether.sandbox.EntraTokens.tetherIdentity();
    }

    public static AzureProfile profile(String subscriptionId) {
        return new AzureProfile("00000000-0000-0000-0000-000000000000", subscriptionId, AzureEnvironment.AZURE);
    }

    // ---- HTTP ----

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromCallable(() -> handle(request));
    }

    synchronized HttpResponse handle(HttpRequest request) throws IOException {
        String method = request.getHttpMethod().name();
        String path = URLDecoder.decode(request.getUrl().getPath(), StandardCharsets.UTF_8);
        String query = request.getUrl().getQuery() == null ? "" : URLDecoder.decode(request.getUrl().getQuery(), StandardCharsets.UTF_8);
        String logged = path + (query.isEmpty() ? "" : "?" + query);
        world.settleServiceLinks(operations.now());
        var fault = faults.match("arm", method, path);
        if (fault.isPresent()) {
            var f = fault.get();
            switch (f.kind()) {
                case RESET -> {
                    log.record("arm", method, logged, 0);
                    throw new IOException("Connection reset by peer (injected)");
                }
                case STATUS -> {
                    Reply err = new ArmError(f.status(), f.status() == 429 ? "TooManyRequests" : "InternalServerError",
                            "Injected fault: status " + f.status()).reply();
                    Map<String, String> h = new LinkedHashMap<>(err.headers());
                    if (f.retryAfterSeconds() > 0) {
                        h.put("Retry-After", String.valueOf(f.retryAfterSeconds()));
                    }
                    return respond(request, method, logged, new Reply(f.status(), err.body(), h));
                }
                case LRO_FAILED -> {
                    return respond(request, method, logged, answer(() -> operations.poll(ArmWorld.last(path), "Failed", network::operationEnded)));
                }
                case LRO_STUCK -> {
                    return respond(request, method, logged, Reply.ok(ArmWorld.M.createObjectNode().put("status", "InProgress")));
                }
            }
        }
        String subscription = ArmRequests.subscriptionOf(path);
        String lower = path.toLowerCase(Locale.ROOT);
        boolean read = method.equals("GET") || (method.equals("POST") && (lower.contains("/list") || lower.endsWith("/microsoft.resourcegraph/resources")));
        long remaining = -1;
        if (read && subscription != null && !lower.contains("/operations") && !lower.contains("/operationresults")) {
            remaining = budget.take(subscription);
        }
        Reply reply;
        if (remaining == ReadBudget.EMPTY) {
            throttled++;
            int wait = budget.retryAfterSeconds(subscription);
            throttleListener.accept(Duration.ofSeconds(wait));
            Reply err = Rule.READS_THROTTLED.error("Number of 'read' requests for subscription '" + subscription
                    + "' exceeded. Please try again after '" + wait + "' seconds.").reply();
            reply = new Reply(429, err.body(), Map.of("Retry-After", String.valueOf(wait), "x-ms-ratelimit-remaining-subscription-reads", "0"));
        } else {
            reply = answer(() -> {
                Map<String, String> params = ArmRequests.queryParams(query);
                if (!params.containsKey("api-version")) {
                    throw Rule.API_VERSION_REQUIRED.error("The api-version query parameter (?api-version=) is required for all requests.");
                }
                JsonNode body = ArmRequests.body(request);
                authorization.check(method, path, body);
                return route(method, path, params, body);
            });
            if (remaining >= 0) {
                Map<String, String> h = new LinkedHashMap<>(reply.headers());
                h.put("x-ms-ratelimit-remaining-subscription-reads", String.valueOf(remaining));
                reply = new Reply(reply.status(), reply.body(), h);
            }
        }
        return respond(request, method, logged, reply);
    }

    private static Reply answer(Supplier<Reply> handler) {
        try {
            return handler.get();
        } catch (ArmError e) {
            return e.reply();
        }
    }

    private HttpResponse respond(HttpRequest request, String method, String logged, Reply reply) {
        log.record("arm", method, logged, reply.status());
        HttpHeaders headers = new HttpHeaders();
        reply.headers().forEach((k, v) -> headers.set(HttpHeaderName.fromString(k), v));
        return new ArmResponse(request, reply.status(), headers, reply.body() == null ? null : reply.body().toString());
    }

    private Reply route(String method, String path, Map<String, String> query, JsonNode body) {
        String p = path.toLowerCase(Locale.ROOT);
        p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        String apiVersion = query.get("api-version");
        Matcher m;
        if ((m = OPERATION.matcher(p)).matches()) {
            requireMethod(method, "GET");
            return operations.poll(m.group(2), null, network::operationEnded);
        }
        if (p.equals("/providers/microsoft.resourcegraph/resources")) {
            requireMethod(method, "POST");
            return ResourceGraph.query(world.resources.values(), body);
        }
        if ((m = ResourcesProvider.SUB_RESOURCES.matcher(p)).matches()) {
            return resourceList.list(method, m.group(1), query);
        }
        if ((m = ContainerServiceProvider.SUB_CLUSTERS.matcher(p)).matches()) {
            requireMethod(method, "GET");
            return resourceList.page(m.group(1), r -> r.path("type").asText().equalsIgnoreCase("Microsoft.ContainerService/managedClusters"), query, path, true);
        }
        if ((m = WebProvider.SITE.matcher(p)).matches()) {
            return web.site(method, path, m, body, apiVersion);
        }
        if ((m = WebProvider.PLAN.matcher(p)).matches()) {
            return web.plan(method, path, m);
        }
        if ((m = ContainerServiceProvider.CLUSTER.matcher(p)).matches()) {
            return containers.cluster(method, path, m);
        }
        if ((m = NetworkProvider.VNET.matcher(p)).matches()) {
            return m.group(5) == null ? network.vnet(method, path) : network.subnet(method, path, body, apiVersion);
        }
        if (NetworkProvider.OTHER.matcher(p).matches()) {
            return network.other(method, path);
        }
        if (world.resources.containsKey(ArmWorld.key(path))) {
            // Any other resource the world holds reads as stored.
            requireMethod(method, "GET");
            return Reply.ok(world.resources.get(ArmWorld.key(path)));
        }
        throw Rule.RESOURCE_TYPE_NOT_FOUND.error("The resource type could not be found in the namespace for api version "
                + apiVersion + " (path " + path + ").");
    }

    static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw Rule.METHOD_NOT_ALLOWED.error("The requested resource does not support http method '" + method + "'.");
    }
}
