package dev.tether.sandbox.kubernetes;

import dev.tether.sandbox.CallLog;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;



/**
 * fabric8's CRUD dispatcher, plus: every request from a client other than the sandbox itself is recorded in the
 * call log, and writes to Services are reported so the simulated AKS controller knows when they changed.
 */
final class LoggingDispatcher extends KubernetesCrudDispatcher {
    static final String INTERNAL_HEADER = "X-Tether-Sandbox";

    private final CallLog log;
    private final WriteListener serviceWritten;

    interface WriteListener {
        void written(String method, String path, String body);
    }

    LoggingDispatcher(CallLog log, WriteListener serviceWritten) {
        this.log = log;
        this.serviceWritten = serviceWritten;
    }

    private volatile dev.tether.sandbox.Faults faults = dev.tether.sandbox.Faults.none();

    void setFaults(dev.tether.sandbox.Faults faults) {
        this.faults = faults;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.getHeader(INTERNAL_HEADER) == null) {
            var fault = faults.match("kubernetes", request.getMethod(), request.getPath());
            if (fault.isPresent()) {
                int code = fault.get().status();
                MockResponse injected = new MockResponse().setResponseCode(code)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"injected fault\",\"code\":" + code + "}");
                if (code == 429) {
                    injected.addHeader("Retry-After", "1");
                }
                log.record("kubernetes", request.getMethod(), request.getPath(), code);
                return injected;
            }
        }
        MockResponse response = super.dispatch(request);
        if (request.getHeader(INTERNAL_HEADER) == null) {
            int status = statusCode(response);
            log.record("kubernetes", request.getMethod(), request.getPath(), status);
            if (status < 300 && !request.getMethod().equals("GET")) {
                serviceWritten.written(request.getMethod(), request.getPath(), request.getUtf8Body());
            }
        }
        return response;
    }

    static int statusCode(MockResponse response) {
        String status = response.getStatus();
        if (status == null) {
            return 0;
        }
        for (String part : status.split(" ")) {
            if (part.length() == 3 && part.chars().allMatch(Character::isDigit)) {
                return Integer.parseInt(part);
            }
        }
        return 0;
    }
}
