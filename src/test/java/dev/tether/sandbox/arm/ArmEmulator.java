package dev.tether.sandbox.arm;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.BinaryData;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory ARM behind the real Azure SDK pipeline: the SDK managers are given this {@link HttpClient}, so their
 * serialization, auth, retry and LRO polling run unchanged. It serves resource bodies exactly as stored (the
 * shared/reference examples load unchanged), compares ids case-insensitively, answers ARM error bodies, merges PATCH,
 * replaces app settings on PUT, runs subnet PUTs as long-running operations, and does what ARM does around VNet
 * integration (service association links, delegation and region checks). Every request is logged in order.
 */
public final class ArmEmulator implements HttpClient {
    static final ObjectMapper M = new ObjectMapper();
    private static final String HOST = "https://management.azure.com";
    private static final int PAGE = 100;
    private static final String RG_PATH = "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/";
    private static final Pattern SITE = Pattern.compile(RG_PATH + "microsoft\\.web/sites/([^/]+)(/slots/([^/]+))?(/.*)?");
    private static final Pattern PLAN = Pattern.compile(RG_PATH + "microsoft\\.web/serverfarms/([^/]+)");
    private static final Pattern CLUSTER = Pattern.compile(RG_PATH + "microsoft\\.containerservice/managedclusters/([^/]+)(/.*)?");
    private static final Pattern VNET = Pattern.compile(RG_PATH + "microsoft\\.network/virtualnetworks/([^/]+)(/subnets/([^/]+))?");
    private static final Pattern OPERATION = Pattern.compile("/subscriptions/[^/]+/providers/[^/]+/locations/[^/]+/(operationresults|operations)/([^/]+)");
    private static final Pattern SUB_RESOURCES = Pattern.compile("/subscriptions/([^/]+)/resources");
    private static final Pattern SUB_CLUSTERS = Pattern.compile("/subscriptions/([^/]+)/providers/microsoft\\.containerservice/managedclusters");

    private final CallLog log;
    private final Map<String, ObjectNode> resources = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> appSettings = new LinkedHashMap<>();
    private final Map<String, String> settingsIds = new LinkedHashMap<>();
    /** Subnets given on their own before their VNet: VNet key to subnet key to body. */
    private final Map<String, Map<String, ObjectNode>> waitingSubnets = new LinkedHashMap<>();
    private final AtomicInteger operations = new AtomicInteger();
    /** Long-running operations not yet polled to an end: operation id to the subnet it writes. */
    private final Map<String, String> pendingOperations = new LinkedHashMap<>();
    private final ReadBudget budget;
    private dev.tether.sandbox.Faults faults = dev.tether.sandbox.Faults.none();
    private int throttled;
    /** When true, a site's app settings PUT answers 202 and runs as a long-running operation (see {@link #site}). */
    private boolean appSettingsLongRunning;
    private Function<String, String> kubeconfigs = id -> {
        throw new IllegalStateException("no kubeconfig source for " + id);
    };

    public ArmEmulator(CallLog log) {
        this(log, ReadBudget.unlimited());
    }

    /** @param budget ARM's per-subscription read throttling (a token bucket), on the sandbox's clock */
    public ArmEmulator(CallLog log, ReadBudget budget) {
        this.log = log;
        this.budget = budget;
    }

    private java.util.function.Consumer<Duration> throttleListener = wait -> { };

    /**
     * Told the Retry-After of every 429 the read budget answers. A throttled client waits that long before it retries
     * (the Azure SDK sleeps it for real); the sandbox lets the same time pass on its virtual clock, so the retry meets
     * the bucket as ARM's would after the wait.
     */
    public synchronized void onThrottled(java.util.function.Consumer<Duration> listener) {
        this.throttleListener = listener;
    }

    public synchronized void setFaults(dev.tether.sandbox.Faults faults) {
        this.faults = faults;
    }

    /** How many requests were answered 429 so far. */
    public synchronized int throttled() {
        return throttled;
    }

    // ---- the world ----

    static String key(String id) {
        String k = id.toLowerCase(Locale.ROOT);
        return k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
    }

    /**
     * Stores a resource body as GET returns it. A subnet given on its own is placed inside its VNet's
     * {@code properties.subnets} (replacing a nested subnet with the same id), whichever of the two comes first: a subnet
     * whose VNet is not stored yet waits, listed at top level by {@link #resources()}, and joins the VNet when it arrives.
     */
    public synchronized void putResource(ObjectNode body) {
        String id = body.path("id").asText();
        String type = body.path("type").asText("");
        if (type.equalsIgnoreCase("Microsoft.Network/virtualNetworks/subnets") || key(id).matches(".*/virtualnetworks/[^/]+/subnets/[^/]+")) {
            String vnetKey = key(id.substring(0, id.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/")));
            ObjectNode vnet = resources.get(vnetKey);
            if (vnet == null) {
                waitingSubnets.computeIfAbsent(vnetKey, k -> new LinkedHashMap<>()).put(key(id), body.deepCopy());
            } else {
                upsertSubnet(vnet, body.deepCopy());
            }
            return;
        }
        ObjectNode stored = body.deepCopy();
        resources.put(key(id), stored);
        Map<String, ObjectNode> waiting = waitingSubnets.remove(key(id));
        if (waiting != null) {
            waiting.values().forEach(subnet -> upsertSubnet(stored, subnet));
        }
    }

    public synchronized void putAppSettings(String siteOrSlotId, Map<String, String> settings) {
        appSettings.put(key(siteOrSlotId), new LinkedHashMap<>(settings));
        settingsIds.put(key(siteOrSlotId), siteOrSlotId);
    }

    /**
     * How the site-level app settings PUT answers. The App Service spec (api 2025-03-01, SDK 2.54.1) marks
     * {@code WebApps_UpdateApplicationSettings} as long-running with responses 200 and 202, and the SDK's
     * {@code updateApplicationSettings} is a poller that accepts either. The spec's example shows 200, which is the
     * default here. With {@code true} the PUT answers 202 with {@code Azure-AsyncOperation} and {@code Location}; the SDK
     * then polls the operation and GETs {@code .../config/appsettings} for the result. The slot variant is a plain PUT in
     * the SDK (it accepts only 200), so it always answers 200.
     */
    public synchronized void setAppSettingsPutLongRunning(boolean longRunning) {
        this.appSettingsLongRunning = longRunning;
    }

    /**
     * Shrinks the SDK's long-running-operation poll interval (30 s by default; {@code Retry-After} is not honoured for
     * shorter waits) to 1 ms. JVM-global: {@code ResourceManagerUtils} is shared by every manager.
     */
    public static void fastPolling() {
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(1));
    }

    public synchronized void setKubeconfigSource(Function<String, String> source) {
        this.kubeconfigs = source;
    }

    /** A stored resource by id (case-insensitive); subnets are found inside their VNet. A copy. */
    public synchronized Optional<ObjectNode> resource(String id) {
        ObjectNode r = resources.get(key(id));
        if (r != null) {
            return Optional.of(r.deepCopy());
        }
        Optional<ObjectNode> subnet = findSubnet(id);
        if (subnet.isPresent()) {
            return subnet.map(ObjectNode::deepCopy);
        }
        return waitingSubnets.values().stream().map(w -> w.get(key(id))).filter(java.util.Objects::nonNull).findFirst().map(ObjectNode::deepCopy);
    }

    /**
     * The current world, for RESULT.json: every stored resource in insertion order, subnets nested in their VNet as ARM
     * returns them (never duplicated at top level), then any subnet still waiting for a VNet that was never given.
     */
    public synchronized List<ObjectNode> resources() {
        List<ObjectNode> out = new ArrayList<>();
        resources.values().forEach(r -> out.add(r.deepCopy()));
        waitingSubnets.values().forEach(w -> w.values().forEach(s -> out.add(s.deepCopy())));
        return out;
    }

    public synchronized Map<String, Map<String, String>> appSettings() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        appSettings.forEach((k, v) -> out.put(settingsIds.get(k), new LinkedHashMap<>(v)));
        return out;
    }

    public static TokenCredential fakeCredential() {
        return request -> Mono.just(new AccessToken("sandbox-token-not-a-secret", OffsetDateTime.now().plusHours(1)));
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
        String rawPath = request.getUrl().getPath();
        String query = request.getUrl().getQuery() == null ? "" : URLDecoder.decode(request.getUrl().getQuery(), StandardCharsets.UTF_8);
        String logged = URLDecoder.decode(rawPath, StandardCharsets.UTF_8) + (query.isEmpty() ? "" : "?" + query);
        Reply reply;
        String decodedPath = URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
        var fault = faults.match("arm", method, decodedPath);
        if (fault.isPresent()) {
            var f = fault.get();
            switch (f.kind()) {
                case RESET -> {
                    log.record("arm", method, logged, 0);
                    throw new java.io.IOException("Connection reset by peer (injected)");
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
                    settleOperation(decodedPath.substring(decodedPath.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT), "Failed");
                    ObjectNode b = M.createObjectNode().put("status", "Failed");
                    b.putObject("error").put("code", "InternalServerError").put("message", "The operation failed (injected)");
                    return respond(request, method, logged, Reply.ok(b));
                }
                case LRO_STUCK -> {
                    return respond(request, method, logged, Reply.ok(M.createObjectNode().put("status", "InProgress")));
                }
            }
        }
        String subscription = subscriptionOf(decodedPath);
        boolean read = method.equals("GET") || (method.equals("POST") && (decodedPath.toLowerCase(Locale.ROOT).contains("/list")
                || decodedPath.toLowerCase(Locale.ROOT).endsWith("/microsoft.resourcegraph/resources")));
        long remaining = -1;
        if (read && subscription != null && !decodedPath.toLowerCase(Locale.ROOT).contains("/operations")
                && !decodedPath.toLowerCase(Locale.ROOT).contains("/operationresults")) {
            remaining = budget.take(subscription);
        }
        if (remaining == ReadBudget.EMPTY) {
            throttled++;
            throttleListener.accept(Duration.ofSeconds(budget.retryAfterSeconds(subscription)));
            reply = new ArmError(429, "SubscriptionRequestsThrottled", "Number of 'read' requests for subscription '" + subscription
                    + "' exceeded. Please try again after '" + budget.retryAfterSeconds(subscription) + "' seconds.").reply();
            reply = new Reply(429, reply.body(), Map.of("Retry-After", String.valueOf(budget.retryAfterSeconds(subscription)),
                    "x-ms-ratelimit-remaining-subscription-reads", "0"));
        } else {
            try {
                reply = route(method, decodedPath, queryParams(query), body(request));
            } catch (ArmError e) {
                reply = e.reply();
            }
            if (remaining >= 0) {
                Map<String, String> h = new LinkedHashMap<>(reply.headers());
                h.put("x-ms-ratelimit-remaining-subscription-reads", String.valueOf(remaining));
                reply = new Reply(reply.status(), reply.body(), h);
            }
        }
        return respond(request, method, logged, reply);
    }

    private HttpResponse respond(HttpRequest request, String method, String logged, Reply reply) {
        log.record("arm", method, logged, reply.status);
        HttpHeaders headers = new HttpHeaders();
        reply.headers.forEach((k, v) -> headers.set(HttpHeaderName.fromString(k), v));
        return new ArmResponse(request, reply.status, headers, reply.body == null ? null : reply.body.toString());
    }

    /** The subscription a request is charged to; Resource Graph queries are charged to their first subscription. */
    private String subscriptionOf(String path) {
        String[] parts = path.split("/");
        if (parts.length > 2 && parts[1].equalsIgnoreCase("subscriptions")) {
            return parts[2].toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static JsonNode body(HttpRequest request) {
        BinaryData data = request.getBodyAsBinaryData();
        if (data == null) {
            return null;
        }
        String text = data.toString();
        if (text.isBlank()) {
            return null;
        }
        try {
            return M.readTree(text);
        } catch (IOException e) {
            throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: " + e.getMessage());
        }
    }

    private static Map<String, String> queryParams(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        // $filter values may contain '&'-free text only; split on '&' that precede a known parameter.
        for (String part : query.split("&(?=[$A-Za-z-]+=)")) {
            int eq = part.indexOf('=');
            out.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
        }
        return out;
    }

    record Reply(int status, JsonNode body, Map<String, String> headers) {
        static Reply ok(JsonNode body) {
            return new Reply(200, body, Map.of());
        }
    }

    private Reply route(String method, String path, Map<String, String> query, JsonNode body) {
        if (!query.containsKey("api-version")) {
            throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }
        String p = path.toLowerCase(Locale.ROOT);
        p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        Matcher m;
        if ((m = OPERATION.matcher(p)).matches()) {
            settleOperation(m.group(2), "Succeeded");
            return Reply.ok(M.createObjectNode().put("status", "Succeeded").put("name", m.group(2)));
        }
        if (p.equals("/providers/microsoft.resourcegraph/resources")) {
            requireMethod(method, "POST");
            return ResourceGraph.query(resources.values(), body);
        }
        if ((m = SUB_RESOURCES.matcher(p)).matches()) {
            requireMethod(method, "GET");
            return listResources(m.group(1), query);
        }
        if ((m = SUB_CLUSTERS.matcher(p)).matches()) {
            requireMethod(method, "GET");
            return page(m.group(1), r -> r.path("type").asText().equalsIgnoreCase("Microsoft.ContainerService/managedClusters"), query, path);
        }
        if ((m = SITE.matcher(p)).matches()) {
            return site(method, path, m, body, query.get("api-version"));
        }
        if ((m = PLAN.matcher(p)).matches()) {
            requireMethod(method, "GET");
            return Reply.ok(existing(path));
        }
        if ((m = CLUSTER.matcher(p)).matches()) {
            return cluster(method, path, m);
        }
        if ((m = VNET.matcher(p)).matches()) {
            return m.group(5) == null ? vnet(method, path) : subnet(method, path, body, query.get("api-version"));
        }
        ObjectNode stored = resources.get(key(path));
        if (stored != null) {
            // Any other resource the world holds (public IPs, load balancers...) reads as stored.
            requireMethod(method, "GET");
            return Reply.ok(stored);
        }
        if (p.matches(RG_PATH + "microsoft\\.network/(publicipaddresses|loadbalancers)/[^/]+")) {
            throw notFound(path);
        }
        throw new ArmError(404, "InvalidResourceType", "The resource type could not be found in the namespace for api version "
                + query.get("api-version") + " (path " + path + ").");
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ArmError(405, "MethodNotAllowed", "The requested resource does not support http method '" + method + "'.");
    }

    private ObjectNode existing(String id) {
        ObjectNode r = resources.get(key(id));
        if (r == null) {
            throw notFound(id);
        }
        return r;
    }

    static ArmError notFound(String id) {
        String[] parts = id.split("/");
        String rg = parts.length > 4 ? parts[4] : "";
        String typeAndName = parts.length > 7 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : id;
        String ns = parts.length > 6 ? parts[6] + "/" : "";
        return new ArmError(404, "ResourceNotFound", "The Resource '" + ns + typeAndName + "' under resource group '" + rg
                + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    /** An operation ends: its subnet leaves Updating. */
    private void settleOperation(String operationId, String state) {
        String subnetId = pendingOperations.remove(operationId);
        if (subnetId != null) {
            findSubnet(subnetId).ifPresent(sn -> ((ObjectNode) sn.get("properties")).put("provisioningState", state));
        }
    }

    // ---- Microsoft.Web ----

    private Reply site(String method, String path, Matcher m, JsonNode body, String apiVersion) {
        String suffix = m.group(6) == null ? "" : m.group(6);
        String siteId = suffix.isEmpty() ? path : path.substring(0, path.length() - suffix.length());
        siteId = siteId.endsWith("/") ? siteId.substring(0, siteId.length() - 1) : siteId;
        ObjectNode site = existing(siteId);
        switch (suffix) {
            case "" -> {
                requireMethod(method, "GET", "PATCH");
                if (method.equals("PATCH")) {
                    patchSite(site, body);
                }
                return Reply.ok(site);
            }
            case "/config/appsettings/list" -> {
                requireMethod(method, "POST");
                return Reply.ok(settingsBody(site, appSettings.getOrDefault(key(siteId), Map.of())));
            }
            case "/config/appsettings" -> {
                requireMethod(method, "PUT", "GET");
                if (method.equals("GET")) {
                    // The read a long-running PUT ends with: the SDK fetches the final result from the PUT's own URL.
                    return Reply.ok(settingsBody(site, appSettings.getOrDefault(key(siteId), Map.of())));
                }
                if (body == null || !body.path("properties").isObject()) {
                    throw new ArmError(400, "BadRequest", "The app settings body must have an object 'properties'.");
                }
                Map<String, String> replaced = new LinkedHashMap<>();
                body.path("properties").fields().forEachRemaining(e -> replaced.put(e.getKey(), e.getValue().asText()));
                appSettings.put(key(siteId), replaced);
                settingsIds.putIfAbsent(key(siteId), site.path("id").asText());
                boolean slot = m.group(5) != null;
                if (appSettingsLongRunning && !slot) {
                    return accepted(siteId, "Microsoft.Web", "operationResults", site.path("location").asText(), apiVersion);
                }
                return Reply.ok(settingsBody(site, replaced));
            }
            case "/config/web" -> {
                requireMethod(method, "GET");
                ObjectNode config = M.createObjectNode();
                // The shape of GetSiteConfig: id, name, type, kind and the site's siteConfig as properties.
                config.put("id", site.path("id").asText() + "/config/web").put("name", "web")
                        .put("type", site.path("type").asText() + "/config").put("kind", site.path("kind").asText("app"));
                config.set("properties", site.path("properties").path("siteConfig").deepCopy());
                return Reply.ok(config);
            }
            default -> throw notFound(path);
        }
    }

    /** 202 Accepted for a long-running write: the operation's status URL in Azure-AsyncOperation and Location. */
    private Reply accepted(String resourceId, String namespace, String kind, String location, String apiVersion) {
        String op = "op-" + operations.incrementAndGet();
        String sub = resourceId.split("/")[2];
        String url = HOST + "/subscriptions/" + sub + "/providers/" + namespace + "/locations/" + canonical(location)
                + "/" + kind + "/" + op + "?api-version=" + apiVersion;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", url);
        headers.put("Location", url);
        return new Reply(202, null, headers);
    }

    private static ObjectNode settingsBody(ObjectNode site, Map<String, String> settings) {
        ObjectNode out = M.createObjectNode();
        out.put("id", site.path("id").asText() + "/config/appsettings").put("name", "appsettings")
                .put("type", site.path("type").asText() + "/config").put("kind", site.path("kind").asText("app"));
        ObjectNode props = out.putObject("properties");
        settings.forEach(props::put);
        return out;
    }

    private void patchSite(ObjectNode site, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new ArmError(400, "BadRequest", "The PATCH body must be a JSON object.");
        }
        JsonNode props = patch.path("properties");
        String subnetId = props.path("virtualNetworkSubnetId").asText(null);
        if (subnetId != null && !subnetId.isEmpty()) {
            ObjectNode subnet = findSubnet(subnetId).orElseThrow(() -> new ArmError(400, "BadRequest",
                    "Subnet '" + subnetId + "' was not found. The subnet must exist before the app can be integrated."));
            boolean delegated = false;
            for (JsonNode d : subnet.path("properties").path("delegations")) {
                delegated |= d.path("properties").path("serviceName").asText().equalsIgnoreCase("Microsoft.Web/serverFarms");
            }
            if (!delegated) {
                throw new ArmError(400, "BadRequest", "Subnet " + subnet.path("name").asText() + " must be delegated to Microsoft.Web/serverFarms.");
            }
            String vnetId = subnetId.substring(0, subnetId.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/"));
            ObjectNode vnet = resources.get(key(vnetId));
            if (!canonical(vnet.path("location").asText()).equals(canonical(site.path("location").asText()))) {
                throw new ArmError(400, "BadRequest", "The virtual network must be in the same region as the app (" + site.path("location").asText() + ").");
            }
            linkSubnetToPlan(subnet, site.path("properties").path("serverFarmId").asText());
        }
        JsonMerge.merge(site, patch);
        JsonNode routeAll = props.path("siteConfig").path("vnetRouteAllEnabled");
        if (routeAll.isBoolean() && site.path("properties").get("outboundVnetRouting") instanceof ObjectNode routing) {
            routing.put("applicationTraffic", routeAll.asBoolean());
        }
        JsonNode appTraffic = props.path("outboundVnetRouting").path("applicationTraffic");
        if (appTraffic.isBoolean() && site.path("properties").get("siteConfig") instanceof ObjectNode config) {
            config.put("vnetRouteAllEnabled", appTraffic.asBoolean());
        }
    }

    private static String canonical(String location) {
        return location.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static void linkSubnetToPlan(ObjectNode subnet, String planId) {
        ObjectNode props = (ObjectNode) subnet.get("properties");
        String sid = subnet.path("id").asText();
        ArrayNode links = props.putArray("serviceAssociationLinks");
        ObjectNode link = links.addObject();
        link.put("name", "AppServiceLink").put("id", sid + "/serviceAssociationLinks/AppServiceLink")
                .put("type", "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks");
        link.putObject("properties").put("linkedResourceType", "Microsoft.Web/serverfarms").put("link", planId)
                .put("provisioningState", "Succeeded");
    }

    // ---- Microsoft.ContainerService ----

    private Reply cluster(String method, String path, Matcher m) {
        String action = m.group(4) == null ? "" : m.group(4);
        String clusterId = action.isEmpty() ? path : path.substring(0, path.length() - action.length());
        ObjectNode cluster = existing(clusterId);
        switch (action) {
            case "" -> {
                requireMethod(method, "GET");
                return Reply.ok(cluster);
            }
            case "/listclusterusercredential", "/listclusteradmincredential" -> {
                requireMethod(method, "POST");
                if (action.endsWith("admincredential") && cluster.path("properties").path("disableLocalAccounts").asBoolean(false)) {
                    throw new ArmError(400, "BadRequest", "Getting static credential is not allowed because this cluster is set to disable local accounts.");
                }
                ObjectNode out = M.createObjectNode();
                String name = action.endsWith("admincredential") ? "clusterAdmin" : "clusterUser";
                out.putArray("kubeconfigs").addObject().put("name", name)
                        .put("value", Base64.getEncoder().encodeToString(kubeconfigs.apply(cluster.path("id").asText()).getBytes(StandardCharsets.UTF_8)));
                return Reply.ok(out);
            }
            default -> throw notFound(path);
        }
    }

    // ---- Microsoft.Network ----

    private Reply vnet(String method, String path) {
        requireMethod(method, "GET");
        return Reply.ok(existing(path));
    }

    private Optional<ObjectNode> findSubnet(String subnetId) {
        String k = key(subnetId);
        int i = k.lastIndexOf("/subnets/");
        if (i < 0) {
            return Optional.empty();
        }
        ObjectNode vnet = resources.get(k.substring(0, i));
        if (vnet == null) {
            return Optional.empty();
        }
        for (JsonNode s : vnet.path("properties").path("subnets")) {
            if (key(s.path("id").asText()).equals(k)) {
                return Optional.of((ObjectNode) s);
            }
        }
        return Optional.empty();
    }

    private static void upsertSubnet(ObjectNode vnet, ObjectNode subnet) {
        ObjectNode props = vnet.with("properties");
        ArrayNode subnets = props.has("subnets") ? (ArrayNode) props.get("subnets") : props.putArray("subnets");
        for (int i = 0; i < subnets.size(); i++) {
            if (key(subnets.get(i).path("id").asText()).equals(key(subnet.path("id").asText()))) {
                subnets.set(i, subnet);
                return;
            }
        }
        subnets.add(subnet);
    }

    private Reply subnet(String method, String path, JsonNode body, String apiVersion) {
        requireMethod(method, "GET", "PUT");
        String vnetId = path.substring(0, path.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/"));
        ObjectNode vnet = existing(vnetId);
        Optional<ObjectNode> current = findSubnet(path);
        if (method.equals("GET")) {
            return Reply.ok(current.orElseThrow(() -> notFound(path)));
        }
        ObjectNode written = writeSubnet(vnet, path, current, body);
        String op = "op-" + operations.incrementAndGet();
        pendingOperations.put(op, path);
        String location = canonical(vnet.path("location").asText());
        String sub = path.split("/")[2];
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", HOST + "/subscriptions/" + sub + "/providers/Microsoft.Network/locations/" + location
                + "/operations/" + op + "?api-version=" + apiVersion);
        // Azure's network RP also sends Retry-After: 10; the SDK would then wait 10 real seconds per poll. Without it the
        // SDK's default interval applies, which tests shrink with ResourceManagerUtils' delay provider.
        return new Reply(current.isPresent() ? 200 : 201, written.deepCopy(), headers);
    }

    private ObjectNode writeSubnet(ObjectNode vnet, String path, Optional<ObjectNode> current, JsonNode body) {
        if (body == null || !body.path("properties").isObject()) {
            throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request: the subnet needs 'properties'.");
        }
        JsonNode props = body.path("properties");
        String prefix = props.path("addressPrefix").asText(null);
        if (prefix == null && props.path("addressPrefixes").isArray() && !props.path("addressPrefixes").isEmpty()) {
            prefix = props.path("addressPrefixes").get(0).asText();
        }
        if (prefix == null) {
            throw new ArmError(400, "InvalidRequestFormat", "Subnet " + path + " has no addressPrefix.");
        }
        Ipv4Prefix cidr;
        try {
            cidr = Ipv4Prefix.parse(prefix);
        } catch (Ipv4Prefix.Invalid e) {
            if (e.misaligned) {
                throw new ArmError(400, "InvalidCIDRNotation", "The address prefix " + prefix + " in resource " + path
                        + " has an invalid CIDR notation. " + e.getMessage());
            }
            throw new ArmError(400, "InvalidAddressPrefixFormat", "Address prefix " + prefix + " of subnet " + path + " is not formatted correctly.");
        }
        boolean inside = false;
        for (JsonNode space : vnet.path("properties").path("addressSpace").path("addressPrefixes")) {
            inside |= Ipv4Prefix.stored(space.asText()).map(s -> s.contains(cidr)).orElse(false);
        }
        if (!inside) {
            throw new ArmError(400, "NetcfgSubnetRangeOutsideVnet", "Subnet '" + last(path) + "' is not valid because its IP address range is outside the IP address range of virtual network '"
                    + vnet.path("name").asText() + "'.");
        }
        for (JsonNode other : vnet.path("properties").path("subnets")) {
            if (key(other.path("id").asText()).equals(key(path))) {
                continue;
            }
            for (String op : prefixesOf(other.path("properties"))) {
                if (Ipv4Prefix.stored(op).map(o -> o.overlaps(cidr)).orElse(false)) {
                    throw new ArmError(400, "NetcfgSubnetRangesOverlap", "Subnet '" + last(path) + "' is not valid because its IP address range overlaps with that of an existing subnet '"
                            + other.path("name").asText() + "' in virtual network '" + vnet.path("name").asText() + "'.");
                }
            }
        }
        String id = current.map(c -> c.path("id").asText()).orElse(path);
        ObjectNode subnet = M.createObjectNode();
        subnet.put("name", last(id)).put("id", id).put("etag", "W/\"" + java.util.UUID.randomUUID() + "\"")
                .put("type", "Microsoft.Network/virtualNetworks/subnets");
        ObjectNode outProps = subnet.putObject("properties");
        // Updating until its operation is polled to an end, as Azure shows a subnet while its PUT runs.
        outProps.put("provisioningState", "Updating");
        outProps.put("addressPrefix", prefix);
        props.fields().forEachRemaining(e -> {
            if (!List.of("provisioningState", "addressPrefix", "delegations", "serviceAssociationLinks", "ipConfigurations").contains(e.getKey())) {
                outProps.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        ArrayNode delegations = outProps.putArray("delegations");
        for (JsonNode d : props.path("delegations")) {
            String dname = d.path("name").asText("delegation");
            ObjectNode dn = delegations.addObject();
            dn.put("name", dname).put("id", id + "/delegations/" + dname).put("type", "Microsoft.Network/virtualNetworks/subnets/delegations");
            ObjectNode dp = dn.putObject("properties");
            dp.put("serviceName", d.path("properties").path("serviceName").asText());
            dp.putArray("actions").add("Microsoft.Network/virtualNetworks/subnets/action");
            dp.put("provisioningState", "Succeeded");
        }
        current.ifPresent(c -> {
            for (String kept : List.of("serviceAssociationLinks", "ipConfigurations")) {
                if (c.path("properties").has(kept)) {
                    outProps.set(kept, c.path("properties").get(kept).deepCopy());
                }
            }
        });
        outProps.put("purpose", "");
        upsertSubnet(vnet, subnet);
        return subnet;
    }

    /** A subnet's prefixes: addressPrefix and/or addressPrefixes, as ARM bodies carry either. */
    private static List<String> prefixesOf(JsonNode subnetProperties) {
        List<String> out = new ArrayList<>();
        if (subnetProperties.hasNonNull("addressPrefix")) {
            out.add(subnetProperties.get("addressPrefix").asText());
        }
        subnetProperties.path("addressPrefixes").forEach(p -> out.add(p.asText()));
        return out;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    // ---- Microsoft.Resources ----

    private static final Pattern FILTER_TERM = Pattern.compile("(?i)\\s*(tagName|tagValue|resourceType)\\s+eq\\s+'((?:[^']|'')*)'\\s*");

    private Reply listResources(String subscription, Map<String, String> query) {
        String filter = query.getOrDefault("$filter", "");
        Map<String, String> terms = new LinkedHashMap<>();
        if (!filter.isBlank()) {
            for (String term : filter.split("(?i)\\s+and\\s+")) {
                Matcher t = FILTER_TERM.matcher(term);
                if (!t.matches()) {
                    throw new ArmError(400, "InvalidFilterInQueryString", "Invalid $filter '" + filter + "' specified in the query string.");
                }
                terms.put(t.group(1).toLowerCase(Locale.ROOT), t.group(2).replace("''", "'"));
            }
        }
        if (terms.containsKey("tagvalue") && !terms.containsKey("tagname")) {
            throw new ArmError(400, "InvalidFilterInQueryString", "A tagValue filter needs a tagName filter.");
        }
        return page(subscription, r -> {
            if (terms.containsKey("resourcetype") && !r.path("type").asText().equalsIgnoreCase(terms.get("resourcetype"))) {
                return false;
            }
            if (terms.containsKey("tagname")) {
                String[] value = {null};
                r.path("tags").fields().forEachRemaining(e -> {
                    if (e.getKey().equalsIgnoreCase(terms.get("tagname"))) {
                        value[0] = e.getValue().asText();
                    }
                });
                if (value[0] == null || (terms.containsKey("tagvalue") && !value[0].equals(terms.get("tagvalue")))) {
                    return false;
                }
            }
            return true;
        }, query, "/subscriptions/" + subscription + "/resources");
    }

    private Reply page(String subscription, java.util.function.Predicate<ObjectNode> filter, Map<String, String> query, String path) {
        List<ObjectNode> matches = new ArrayList<>();
        for (ObjectNode r : resources.values()) {
            if (r.path("id").asText().toLowerCase(Locale.ROOT).startsWith("/subscriptions/" + subscription.toLowerCase(Locale.ROOT) + "/") && filter.test(r)) {
                matches.add(r);
            }
            // Slots live inside no parent body here: they are stored as their own resources, so they list like ARM lists them.
        }
        int skip;
        try {
            skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        } catch (NumberFormatException e) {
            throw new ArmError(400, "InvalidSkipToken", "The skip token '" + query.get("$skiptoken") + "' is not valid.");
        }
        ObjectNode out = M.createObjectNode();
        ArrayNode value = out.putArray("value");
        boolean full = path.toLowerCase(Locale.ROOT).endsWith("/managedclusters");
        for (ObjectNode r : matches.subList(Math.min(skip, matches.size()), Math.min(skip + PAGE, matches.size()))) {
            if (full) {
                value.add(r);
            } else {
                ObjectNode brief = value.addObject();
                for (String f : List.of("id", "name", "type", "kind", "location", "tags")) {
                    if (r.has(f)) {
                        brief.set(f, r.get(f));
                    }
                }
            }
        }
        if (skip + PAGE < matches.size()) {
            StringBuilder next = new StringBuilder(HOST).append(path).append("?");
            query.forEach((k, v) -> {
                if (!k.equals("$skiptoken")) {
                    next.append(k).append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")).append('&');
                }
            });
            next.append("$skiptoken=").append(skip + PAGE);
            out.put("nextLink", next.toString());
        }
        return Reply.ok(out);
    }

    /** An ARM error: status plus {"error":{"code","message"}}. */
    static final class ArmError extends RuntimeException {
        final int status;
        final String code;

        ArmError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        Reply reply() {
            ObjectNode body = M.createObjectNode();
            body.putObject("error").put("code", code).put("message", getMessage());
            return new Reply(status, body, Map.of("x-ms-failure-cause", "gateway"));
        }
    }
}
