package dev.tether.sandbox;

import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.HttpTrigger;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP front of the local Functions host: routes a request to the function whose {@code @HttpTrigger} declares its
 * route and method, and checks its authorization level the way the Functions host does before the function runs.
 * <ul>
 *   <li>Routes are the {@code route} of each trigger (the function name when empty) under the route prefix {@code api}
 *       (host.json {@code extensions.http.routePrefix}, which Tether leaves at its default), compared case-insensitively;
 *       {@code {name}} segments match any one segment.</li>
 *   <li>{@code anonymous} needs no key; {@code function} takes a key of that function, a host key or the master key;
 *       {@code admin} takes only the master key. The key comes in the header {@code x-functions-key}, which wins, or the
 *       query parameter {@code code}. A missing or wrong key is a 401 with an empty body, and the function is not
 *       called. Source: learn.microsoft.com, "Azure Functions HTTP trigger", section "API key authorization", and
 *       "Work with access keys in Azure Functions" (function, host and master keys and what each may call).</li>
 * </ul>
 * Keys: {@link Keys}, from the world file's {@code functionKeys} or {@code simulate --function-key}, else
 * {@link Keys#DEFAULT_HOST_KEY}.
 */
public final class HttpHost {
    /** The Functions host's default route prefix. */
    public static final String ROUTE_PREFIX = "api";

    /**
     * The keys the host accepts: host keys (any function), function keys (one function), and the master key.
     * WORLD.json may carry {@code "functionKeys": {"host": {"default": "..."}, "master": "...", "functions": {"LinksRerun": {"default": "..."}}}}.
     */
    public record Keys(Map<String, String> host, String master, Map<String, Map<String, String>> functions) {
        /** The host key of a world that names none: what {@code simulate --http} sends unless told otherwise. */
        public static final String DEFAULT_HOST_KEY = "tether-local-host-key";

        public static Keys defaults() {
            return new Keys(Map.of("default", DEFAULT_HOST_KEY), null, Map.of());
        }

        /** The key a caller holding the host's default key sends. */
        public String callerKey() {
            return host.getOrDefault("default", host.values().stream().findFirst().orElse(master));
        }

        boolean accepts(String function, AuthorizationLevel level, String key) {
            if (level == AuthorizationLevel.ANONYMOUS) {
                return true;
            }
            if (key == null || key.isEmpty()) {
                return false;
            }
            if (key.equals(master)) {
                return true;
            }
            if (level == AuthorizationLevel.ADMIN) {
                return false;
            }
            return host.containsValue(key) || functions.getOrDefault(function, Map.of()).containsValue(key);
        }
    }

    private record Route(String function, String[] segments, List<String> methods, AuthorizationLevel level) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final FunctionHost functions;
    private final Keys keys;
    private final List<Route> routes = new ArrayList<>();

    public HttpHost(FunctionHost functions, Map<String, Method> declared, Keys keys) {
        this.functions = functions;
        this.keys = keys;
        declared.forEach((name, m) -> trigger(m).ifPresent(t -> {
            String route = t.route().isEmpty() ? name : t.route();
            routes.add(new Route(name, (ROUTE_PREFIX + "/" + route).toLowerCase(Locale.ROOT).split("/"),
                    Arrays.stream(t.methods()).map(Enum::name).toList(), t.authLevel()));
        }));
    }

    public Keys keys() {
        return keys;
    }

    /** What the host answered. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    /** One request exactly as given (no key is added): route, authorize, then call the function. */
    public Answer call(String method, String pathAndQuery, Map<String, String> headers, String body) {
        SandboxHttpRequest request = new SandboxHttpRequest(method, pathAndQuery, headers, body);
        String[] path = request.getUri().getPath().replaceAll("^/+", "").toLowerCase(Locale.ROOT).split("/");
        List<Route> matching = routes.stream().filter(r -> matches(r.segments(), path)).toList();
        if (matching.isEmpty()) {
            return error(404, "NotFound", "no function is routed at /" + String.join("/", path));
        }
        Optional<Route> route = matching.stream().filter(r -> r.methods().isEmpty() || r.methods().contains(method.toUpperCase(Locale.ROOT))).findFirst();
        if (route.isEmpty()) {
            return error(405, "MethodNotAllowed", matching.get(0).function() + " does not take " + method.toUpperCase(Locale.ROOT));
        }
        String key = header(headers, "x-functions-key").orElse(request.getQueryParameters().get("code"));
        if (!keys.accepts(route.get().function(), route.get().level(), key)) {
            return new Answer(401, Map.of(), "");
        }
        SandboxHttpRequest.Response r = (SandboxHttpRequest.Response) functions.invoke(route.get().function(), request);
        Object b = r.getBody();
        String text;
        try {
            // The worker serializes a body that is not a string as JSON.
            text = b == null ? "" : b instanceof String str ? str : JSON.writeValueAsString(b);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Answer(r.getStatus().value(), new LinkedHashMap<>(r.headers()), text);
    }

    private static boolean matches(String[] template, String[] path) {
        if (template.length != path.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (!(template[i].startsWith("{") && template[i].endsWith("}")) && !template[i].equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    private static Answer error(int status, String code, String message) {
        return new Answer(status, Map.of("Content-Type", "application/json"),
                "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\"", "'") + "\"}}");
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    private static Optional<HttpTrigger> trigger(Method m) {
        for (Parameter p : m.getParameters()) {
            HttpTrigger t = p.getAnnotation(HttpTrigger.class);
            if (t != null) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
