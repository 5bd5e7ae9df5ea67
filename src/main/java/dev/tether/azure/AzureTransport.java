package dev.tether.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;

import java.time.Duration;

/**
 * The one HTTP client the Azure SDK sends through in Azure: ARM's pipelines ({@link AzureClients}) and the managed
 * identity's token requests (AzureCredentials' ManagedIdentityCredential, which MSAL's managed-identity application sends through azure-core's
 * pipeline). It is the JDK's {@code java.net.http} client (azure-core-http-jdk-httpclient), HTTP/1.1, not the SDK's
 * default Netty client: that one loaded reactor-netty and a second Netty (beside the grpc-netty-shaded the durable client then used)
 * on a cold worker's first event, about 700 classes, and shipped netty-tcnative. The timeouts are the ones
 * azure-core-http-netty applied by default (azure-core's {@code HttpUtils}: connect 10 s; write, response and read 60 s),
 * set here explicitly so that they do not depend on the transport's defaults or on {@code AZURE_REQUEST_*_TIMEOUT}.
 */
public final class AzureTransport {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private AzureTransport() {
    }

    /** A new client; build one per process and share it (it holds the connection pool). */
    public static HttpClient create() {
        return new JdkHttpClientBuilder().connectionTimeout(CONNECT_TIMEOUT).writeTimeout(WRITE_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT).readTimeout(READ_TIMEOUT).build();
    }
}
