package dev.tether.sandbox.cli;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import dev.tether.functions.Tether;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * In a cold-start probe of Tether: installs the worker's Tether ({@link Tether#fromEnvironment}, as {@code Tether.get()}
 * builds it) whose ARM requests go through its transport ({@code AzureTransport}, sync or async as the SDK sends them)
 * to {@link ColdStartWorld}'s loopback port instead of management.azure.com. Only the host and scheme of each request
 * change; the pipeline (bearer token from the managed identity over the same transport, retry, read governor) runs as in
 * Azure.
 */
final class LoopbackTether {
    private LoopbackTether() {
    }

    static void install(String base) throws MalformedURLException {
        URL loopback = new URL(base);
        Tether.install(Tether.fromEnvironment(transport -> new HttpClient() {
            @Override
            public reactor.core.publisher.Mono<HttpResponse> send(HttpRequest request) {
                return transport.send(rebased(request, loopback));
            }

            @Override
            public HttpResponse sendSync(HttpRequest request, Context context) {
                return transport.sendSync(rebased(request, loopback), context);
            }
        }));
    }

    private static HttpRequest rebased(HttpRequest request, URL loopback) {
        try {
            return request.copy().setUrl(new URL(loopback.getProtocol(), loopback.getHost(), loopback.getPort(), request.getUrl().getFile()));
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
