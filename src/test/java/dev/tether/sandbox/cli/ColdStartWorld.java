package dev.tether.sandbox.cli;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.arm.ArmEmulator;
import dev.tether.sandbox.durable.LoopbackSidecar;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * What a cold-started function talks to, on loopback ports in the process that runs the probes, so that no emulator
 * class is loaded in a probe: the Durable extension's sidecar (gRPC), the App Service managed-identity endpoint
 * ({@code IDENTITY_ENDPOINT}, as App Service sets it for a Function app) and ARM, answered by the ARM emulator with the
 * demo world (its site is tagged {@code private-link}). The probes' calls are recorded, so the figures can be checked
 * to be of the path they claim.
 */
final class ColdStartWorld implements AutoCloseable {
    static final String IDENTITY_HEADER = "cold-start-identity-header-not-a-secret";

    final LoopbackSidecar sidecar = new LoopbackSidecar();
    final CallLog armCalls = new CallLog();
    private final ArmEmulator arm = new ArmEmulator(armCalls);
    private final HttpServer http;
    private int tokens;
    private int armMark;

    ColdStartWorld() throws IOException {
        DemoWorld.build().withArray("resources").forEach(r -> arm.putResource((com.fasterxml.jackson.databind.node.ObjectNode) r));
        sidecar.start();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/msi/token", this::token);
        http.createContext("/", this::arm);
        http.start();
    }

    String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Forgets the instances the last probe started, so the next one meets the same world. */
    synchronized void reset() {
        sidecar.running.clear();
        sidecar.calls.clear();
        tokens = 0;
        armMark = armCalls.size();
    }

    /** The ARM calls and the sidecar calls since the last reset, and the tokens issued. */
    synchronized List<String> calls() {
        List<String> all = new java.util.ArrayList<>();
        all.add(tokens + " managed-identity token(s)");
        armCalls.since(armMark).forEach(c -> all.add("arm " + c.method() + " " + c.path() + " " + c.status()));
        all.addAll(sidecar.calls);
        return all;
    }

    /**
     * The App Service managed-identity protocol (api-version 2019-08-01): GET with the X-IDENTITY-HEADER the platform
     * set, answered with a bearer token for the resource asked.
     * Source: https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
     */
    private void token(HttpExchange exchange) throws IOException {
        if (!IDENTITY_HEADER.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
            reply(exchange, 401, "{\"error\":\"missing or wrong X-IDENTITY-HEADER\"}", "application/json");
            return;
        }
        synchronized (this) {
            tokens++;
        }
        long expires = Instant.now().plusSeconds(3600).getEpochSecond();
        reply(exchange, 200, "{\"access_token\":\"cold-start-token-not-a-secret\",\"expires_on\":\"" + expires
                + "\",\"resource\":\"https://management.azure.com/\",\"token_type\":\"Bearer\",\"client_id\":\"00000000-0000-0000-0000-000000000001\"}",
                "application/json");
    }

    private void arm(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        HttpHeaders headers = new HttpHeaders();
        exchange.getRequestHeaders().forEach((k, v) -> headers.set(HttpHeaderName.fromString(k), v));
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest request = new HttpRequest(HttpMethod.valueOf(exchange.getRequestMethod()),
                new java.net.URL("https://management.azure.com" + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)), headers);
        if (body.length > 0) {
            request.setBody(body);
        }
        HttpResponse response = arm.send(request).block();
        byte[] out = response.getBodyAsByteArray().block();
        response.getHeaders().forEach(h -> exchange.getResponseHeaders().add(h.getName(), h.getValue()));
        exchange.sendResponseHeaders(response.getStatusCode(), out == null || out.length == 0 ? -1 : out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            if (out != null) {
                o.write(out);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        sidecar.close();
    }
}
