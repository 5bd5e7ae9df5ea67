package dev.tether.sandbox.cli;

import com.azure.core.http.HttpClient;
import dev.tether.functions.Tether;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * In a cold-start probe of Tether: installs the worker's Tether ({@link Tether#fromEnvironment}, as {@code Tether.get()}
 * builds it) whose ARM requests go through the Azure SDK's default HTTP client to {@link ColdStartWorld}'s loopback
 * port instead of management.azure.com. Only the host and scheme of each request change; the pipeline (bearer token
 * from the managed identity, retry, read governor) runs as in Azure.
 */
final class LoopbackTether {
    private LoopbackTether() {
    }

    static void install(String base) throws MalformedURLException {
        URL loopback = new URL(base);
        HttpClient transport = HttpClient.createDefault();
        HttpClient toLoopback = request -> {
            URL url = request.getUrl();
            try {
                URL rebased = new URL(loopback.getProtocol(), loopback.getHost(), loopback.getPort(), url.getFile());
                return transport.send(request.copy().setUrl(rebased));
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        };
        Tether.install(Tether.fromEnvironment(toLoopback));
    }
}
