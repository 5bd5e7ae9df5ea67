package dev.tether.errors;

/** A failure retrying cannot fix: the message says what is wrong and how to fix it. */
public class RejectedException extends RuntimeException {
    private final String code;

    public RejectedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public RejectedException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
