package dev.tether.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/**
 * The process's HTTP client and credential (and the composition root's parts, {@link #of}), each built when it is
 * first used, not when the worker starts. An event
 * that carries its resource's tags (the resources topic) is handled without any ARM call, and then needs neither: the
 * JDK HTTP client's TLS set-up, Reactor, azure-core's pipeline and MSAL (about 600 classes) load only in the first step
 * that calls Azure. Every method delegates, the sync ones included, so the built client and credential behave exactly
 * as they would if built at once.
 */
public final class OnFirstUse {
    private OnFirstUse() {
    }

    /** Any part built on its first {@code get()}, once: the composition root's components ({@code Tether}), the SDK clients ({@link AzureClients}). */
    public static <T> Supplier<T> of(Supplier<T> build) {
        return new Once<>(build);
    }

    public static HttpClient httpClient(Supplier<HttpClient> build) {
        Once<HttpClient> client = new Once<>(build);
        return new HttpClient() {
            @Override
            public Mono<HttpResponse> send(HttpRequest request) {
                return client.get().send(request);
            }

            @Override
            public Mono<HttpResponse> send(HttpRequest request, Context context) {
                return client.get().send(request, context);
            }

            @Override
            public HttpResponse sendSync(HttpRequest request, Context context) {
                return client.get().sendSync(request, context);
            }
        };
    }

    public static TokenCredential credential(Supplier<TokenCredential> build) {
        Once<TokenCredential> credential = new Once<>(build);
        return new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return credential.get().getToken(request);
            }

            @Override
            public AccessToken getTokenSync(TokenRequestContext request) {
                return credential.get().getTokenSync(request);
            }
        };
    }

    /** Built once, by the first caller; later callers get the same instance. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> build;
        private volatile T value;

        Once(Supplier<T> build) {
            this.build = build;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = java.util.Objects.requireNonNull(build.get(), "built nothing");
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
