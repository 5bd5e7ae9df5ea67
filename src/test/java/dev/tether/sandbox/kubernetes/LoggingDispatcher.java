package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.Faults;

import java.nio.charset.StandardCharsets;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The cluster's API server front door. Every request is authenticated and authorized first ({@link ApiServerAuth}: the
 * sandbox's own client too, with the cluster admin credential). Every request from a client other than the sandbox
 * itself (Tether's client never sends {@link #INTERNAL_HEADER}) is recorded in the call log with the status it got, and
 * may be answered by an injected fault instead. Successful writes to Services, from any client, are reported so the simulated cloud controller knows
 * when a Service was created or changed; every request that may have changed the store, from any client, answered or
 * not, is reported as a change, so the simulated controllers know the cluster needs a pass ({@link ControllerLoop}).
 */
final class LoggingDispatcher extends ApiServerDispatcher {
    static final String INTERNAL_HEADER = "X-Tether-Sandbox";
    static final String INTERNAL_VALUE = "internal";

    interface WriteListener {
        /** A successful create, update, patch or delete of an object (not a /status write). */
        void written(String method, String path, String requestBody);
    }

    private final CallLog log;
    private final WriteListener writes;
    /** Told after every request that may have changed the store (any method but GET, or a concurrent edit). */
    private final Runnable changed;
    private final ApiServerAuth auth;
    private volatile Faults faults = Faults.none();

    LoggingDispatcher(CallLog log, WriteListener writes, Runnable changed, ApiServerAuth auth) {
        this.log = log;
        this.writes = writes;
        this.changed = changed;
        this.auth = auth;
    }

    void setFaults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        boolean internal = INTERNAL_VALUE.equals(request.getHeader(INTERNAL_HEADER));
        var refused = auth.refusal(request);
        if (refused.isPresent()) {
            if (!internal) {
                log.record("kubernetes", request.getMethod(), request.getPath(), refused.get().code());
            }
            return refused.get();
        }
        if (!internal) {
            var fault = faults.match("kubernetes", request.getMethod(), request.getPath());
            if (fault.isPresent() && fault.get().kind() == Faults.Kind.CONCURRENT_EDIT) {
                editedBySomeoneElse(pathOnly(request.getPath()), fault.get().editPatch());
                changed.run();
            } else if (fault.isPresent()) {
                int code = fault.get().status();
                MockResponse injected = new MockResponse().setResponseCode(code)
                        .setHeader("Content-Type", "application/json")
                        .setBody(statusBody(code, code == 429 ? "TooManyRequests" : "InternalError", "injected fault").toString());
                if (code == 429) {
                    injected.addHeader("Retry-After", "1");
                }
                log.record("kubernetes", request.getMethod(), request.getPath(), code);
                return injected;
            }
        }
        String body = request.getUtf8Body();
        MockResponse response = super.dispatch(withBody(request, body));
        int status = response.code();
        if (!internal) {
            log.record("kubernetes", request.getMethod(), request.getPath(), status);
        }
        if (status < 300 && !"GET".equals(request.getMethod()) && !pathOnly(request.getPath()).endsWith("/status")) {
            writes.written(request.getMethod(), pathOnly(request.getPath()), body);
        }
        if (!"GET".equals(request.getMethod())) {
            changed.run(); // once the store and the write time changed, before the client hears of it
        }
        return response;
    }

    /** Another client's merge patch of the object at {@code path}, applied in the store (no network, not Tether's call). */
    private void editedBySomeoneElse(String path, String mergePatch) {
        RecordedRequest patch = new RecordedRequest("PATCH " + path + " HTTP/1.1", HttpMethod.PATCH, path,
                Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
                new Buffer(mergePatch.getBytes(StandardCharsets.UTF_8)));
        int status = handlePatch(patch).code();
        if (status >= 300) {
            throw new IllegalStateException("the concurrent edit of " + path + " failed in the sandbox: " + status);
        }
    }
}
