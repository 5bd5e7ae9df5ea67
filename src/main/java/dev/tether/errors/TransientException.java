package dev.tether.errors;

/** A failure worth retrying: throttling (429), a server error (5xx), a conflict (409) or a broken connection. */
public class TransientException extends RuntimeException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
