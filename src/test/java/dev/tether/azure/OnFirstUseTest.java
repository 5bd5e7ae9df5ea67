package dev.tether.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Nothing is built until it is used; then exactly once, whoever asks first; and every call reaches the built one. */
class OnFirstUseTest {

    @Test
    void theClientIsBuiltOnItsFirstRequestOnceAndEveryKindOfSendReachesIt() {
        AtomicInteger built = new AtomicInteger();
        List<String> sent = new ArrayList<>();
        HttpClient lazy = OnFirstUse.httpClient(() -> {
            built.incrementAndGet();
            return new HttpClient() {
                @Override
                public Mono<HttpResponse> send(HttpRequest request) {
                    sent.add("send");
                    return Mono.empty();
                }

                @Override
                public Mono<HttpResponse> send(HttpRequest request, Context context) {
                    sent.add("send+context");
                    return Mono.empty();
                }

                @Override
                public HttpResponse sendSync(HttpRequest request, Context context) {
                    sent.add("sendSync");
                    return null;
                }
            };
        });
        assertEquals(0, built.get(), "nothing built before the first request");
        HttpRequest request = new HttpRequest(HttpMethod.GET, "https://management.azure.com/subscriptions");
        assertNull(lazy.send(request).block());
        assertNull(lazy.send(request, Context.NONE).block());
        assertNull(lazy.sendSync(request, Context.NONE));
        assertEquals(1, built.get());
        assertEquals(List.of("send", "send+context", "sendSync"), sent);
    }

    @Test
    void theCredentialIsBuiltOnceUnderConcurrentFirstUse() throws Exception {
        AtomicInteger built = new AtomicInteger();
        CountDownLatch building = new CountDownLatch(1);
        AccessToken token = new AccessToken("t", OffsetDateTime.parse("2026-01-01T01:00:00Z"));
        TokenCredential lazy = OnFirstUse.credential(() -> {
            built.incrementAndGet();
            try {
                building.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TokenCredential() {
                @Override
                public Mono<AccessToken> getToken(TokenRequestContext request) {
                    return Mono.just(token);
                }

                @Override
                public AccessToken getTokenSync(TokenRequestContext request) {
                    return token;
                }
            };
        });
        assertEquals(0, built.get());
        TokenRequestContext request = new TokenRequestContext().addScopes("https://management.azure.com/.default");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<AccessToken>> tokens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean sync = i % 2 == 0;
                tokens.add(pool.submit(() -> sync ? lazy.getTokenSync(request) : lazy.getToken(request).block()));
            }
            Thread.sleep(100);
            building.countDown();
            for (Future<AccessToken> f : tokens) {
                assertSame(token, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, built.get(), "one credential for the process");
    }
}
