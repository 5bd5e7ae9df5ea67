package dev.tether.sandbox.arm;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** An HTTP response produced in memory by the ARM emulator. */
final class ArmResponse extends HttpResponse {
    private final int status;
    private final HttpHeaders headers;
    private final byte[] body;

    ArmResponse(HttpRequest request, int status, HttpHeaders headers, String body) {
        super(request);
        this.status = status;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            headers.set(HttpHeaderName.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        headers.set(HttpHeaderName.CONTENT_LENGTH, String.valueOf(this.body.length));
        headers.set(HttpHeaderName.fromString("x-ms-request-id"), java.util.UUID.randomUUID().toString());
    }

    @Override
    public int getStatusCode() {
        return status;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
        return headers.getValue(HttpHeaderName.fromString(name));
    }

    @Override
    public String getHeaderValue(HttpHeaderName name) {
        return headers.getValue(name);
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public Flux<ByteBuffer> getBody() {
        return body.length == 0 ? Flux.empty() : Flux.just(ByteBuffer.wrap(body));
    }

    @Override
    public Mono<byte[]> getBodyAsByteArray() {
        return body.length == 0 ? Mono.empty() : Mono.just(body);
    }

    @Override
    public Mono<String> getBodyAsString() {
        return body.length == 0 ? Mono.empty() : Mono.just(new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public Mono<String> getBodyAsString(Charset charset) {
        return body.length == 0 ? Mono.empty() : Mono.just(new String(body, charset));
    }
}
