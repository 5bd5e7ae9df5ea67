package dev.tether.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The Azure SDK's transport in Azure: the JDK's HTTP client, with the timeouts the SDK's Netty client had by default. */
class AzureTransportTest {

    @Test
    void isTheJdkClientWithTheNettyClientsDefaultTimeouts() {
        assertEquals("com.azure.core.http.jdk.httpclient.JdkHttpClient", AzureTransport.create().getClass().getName());
        // azure-core's HttpUtils defaults, which azure-core-http-netty 1.16 applied: connect 10 s, write/response/read 60 s.
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60)),
                List.of(AzureTransport.CONNECT_TIMEOUT, AzureTransport.WRITE_TIMEOUT, AzureTransport.RESPONSE_TIMEOUT, AzureTransport.READ_TIMEOUT));
    }

    @Test
    void sendsSyncAndAsyncRequestsWithTheirBodies() throws IOException {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            byte[] answer = "{\"tags\":{\"private-link\":\"shop\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-ms-ratelimit-remaining-subscription-reads", "11999");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            HttpClient transport = AzureTransport.create();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            try (HttpResponse get = transport.sendSync(new HttpRequest(HttpMethod.GET, base + "/sites/a?api-version=2025-03-01"), Context.NONE)) {
                assertEquals(200, get.getStatusCode());
                assertEquals("11999", get.getHeaderValue("x-ms-ratelimit-remaining-subscription-reads"));
                assertEquals("{\"tags\":{\"private-link\":\"shop\"}}", get.getBodyAsBinaryData().toString());
            }
            HttpResponse patch = transport.send(new HttpRequest(HttpMethod.PATCH, base + "/sites/a?api-version=2025-03-01")
                    .setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json").setBody("{\"properties\":{}}")).block();
            assertEquals(200, patch.getStatusCode());
            patch.close();
            assertEquals(List.of("GET /sites/a?api-version=2025-03-01 ", "PATCH /sites/a?api-version=2025-03-01 {\"properties\":{}}"), seen);
        } finally {
            server.stop(0);
        }
    }

    /** A refused connection is an exception (connection refused), which the pipeline's retry policy retries, not a response. */
    @Test
    void aRefusedConnectionThrows() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpRequest request = new HttpRequest(HttpMethod.GET, "http://127.0.0.1:" + port + "/");
        // An UncheckedIOException, which ArmErrors turns into a transient failure once the retry policy gives up.
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> AzureTransport.create().sendSync(request, Context.NONE));
        List<Class<?>> chain = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.add(t.getClass());
        }
        assertTrue(chain.contains(java.net.ConnectException.class), chain.toString());
    }
}
