package dev.tether.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;

import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns Azure SDK failures into Tether's two kinds: transient (retry) and rejected (say what to fix). */
final class ArmErrors {
    private ArmErrors() {
    }

    static <T> T call(ArmOperation op, String target, Supplier<T> call) {
        try {
            return call.get();
        } catch (HttpResponseException e) {
            throw translate(op, target, e);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new TransientException(op + " on " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** Like {@link #call} but a 404 is an answer: the resource does not exist. */
    static <T> Optional<T> find(ArmOperation op, String target, Supplier<T> call) {
        try {
            return Optional.ofNullable(call.get());
        } catch (HttpResponseException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw translate(op, target, e);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new TransientException(op + " on " + target + " failed: " + e.getMessage(), e);
        }
    }

    static RuntimeException translate(ArmOperation op, String target, HttpResponseException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = status == 0 ? "NoResponse" : "HTTP" + status;
        String detail = e.getMessage();
        if (e instanceof ManagementException me && me.getValue() != null && me.getValue().getCode() != null) {
            code = me.getValue().getCode();
            detail = me.getValue().getMessage();
        }
        String what = op.name() + " on " + target + " failed with " + status + " " + code + ": " + detail;
        if (status == 0 || status == 408 || status == 409 || status == 429 || status >= 500) {
            return new TransientException(what, e);
        }
        if (status == 401 || status == 403) {
            return new RejectedException("FORBIDDEN", what + ". Fix: grant Tether's identity the action " + op.action()
                    + " on " + target + " (docs/DEPLOY.md: the custom role \"Tether link operator\")", e);
        }
        return new RejectedException(code, what, e);
    }
}
