package dev.tether.plan;

/** Input that Tether refuses: a malformed event, id, tag or setting. The message says what is wrong. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
