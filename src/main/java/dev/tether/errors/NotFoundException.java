package dev.tether.errors;

/** A request names something that does not exist (HTTP 404). The message says what is missing and what to check. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
