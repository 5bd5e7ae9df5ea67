package dev.tether.sandbox.cli;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The floor under Tether's cold start: the Durable hello world ({@link DurableHelloFunction}) that, like Tether, must
 * read the written resource's tags from ARM before it starts an orchestration, written with nothing but what that read
 * needs from the libraries Tether uses: the managed-identity credential Microsoft recommends in production
 * ({@code ManagedIdentityCredential}), an azure-core pipeline with bearer token and retry on the JDK HTTP client, one GET
 * of the site, its {@code tags} read with azure-json, and the start. No Tether code, no validation, no read governor, no
 * instance look-up. Whatever it costs above the Durable hello world is the price of one authenticated ARM read with the
 * Azure SDK, which no Tether change can remove.
 * In the probe, {@code COLDSTART_ARM_ENDPOINT} names the loopback ARM: the transport sends requests for
 * {@code management.azure.com} there, as Tether's probe does ({@link LoopbackTether}); the pipeline runs as in Azure.
 */
public final class DurableArmHelloFunction {
    private static final String ARM = "https://management.azure.com";

    @FunctionName("DurableArmHello")
    public void run(@EventGridTrigger(name = "event") String event,
                    @DurableClientInput(name = "durableContext") DurableClientContext durable,
                    ExecutionContext context) {
        String subject = subject(event);
        HttpClient http = loopback(new JdkHttpClientBuilder().build());
        TokenCredential credential = new ManagedIdentityCredentialBuilder().httpClient(http).build();
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http)
                .policies(new RetryPolicy(), new BearerTokenAuthenticationPolicy(credential, "https://management.azure.com/.default"))
                .build();
        Map<String, String> tags;
        try (HttpResponse response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, ARM + subject + "?api-version=2025-03-01"), Context.NONE)) {
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("ARM answered " + response.getStatusCode());
            }
            tags = tags(response.getBodyAsBinaryData().toBytes());
        }
        if (tags.containsKey("private-link")) {
            DurableTaskClient client = durable.getClient();
            String instanceId = client.scheduleNewOrchestrationInstance("Cities", event);
            context.getLogger().info("Created new Java orchestration with instance ID = " + instanceId);
        }
    }

    private static HttpClient loopback(HttpClient transport) {
        String base = System.getenv("COLDSTART_ARM_ENDPOINT");
        if (base == null) {
            return transport;
        }
        return new HttpClient() {
            @Override
            public reactor.core.publisher.Mono<HttpResponse> send(HttpRequest request) {
                return transport.send(rebased(request));
            }

            @Override
            public HttpResponse sendSync(HttpRequest request, Context context) {
                return transport.sendSync(rebased(request), context);
            }

            private HttpRequest rebased(HttpRequest request) {
                if (!request.getUrl().getHost().equals("management.azure.com")) {
                    return request;
                }
                try {
                    java.net.URL to = new java.net.URL(base);
                    return request.copy().setUrl(new java.net.URL(to.getProtocol(), to.getHost(), to.getPort(), request.getUrl().getFile()));
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** The event's {@code subject}, the written resource's id (the Event Grid schema: an array of one event). */
    private static String subject(String event) {
        try (JsonReader reader = JsonProviders.createReader(event)) {
            if (reader.nextToken() == JsonToken.START_ARRAY) {
                reader.nextToken();
            }
            String subject = null;
            while (reader.nextToken() != JsonToken.END_OBJECT) {
                String field = reader.getFieldName();
                reader.nextToken();
                if (field.equals("subject")) {
                    subject = reader.getString();
                } else {
                    reader.skipChildren();
                }
            }
            return subject;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> tags(byte[] site) {
        try (JsonReader reader = JsonProviders.createReader(site)) {
            reader.nextToken();
            Map<String, String> tags = Map.of();
            while (reader.nextToken() != JsonToken.END_OBJECT) {
                String field = reader.getFieldName();
                reader.nextToken();
                if (field.equals("tags")) {
                    tags = reader.readMap(JsonReader::getString);
                } else {
                    reader.skipChildren();
                }
            }
            return tags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
