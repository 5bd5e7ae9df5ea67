package dev.tether.orchestration;

/** Ends an orchestration as Failed; its message is what the operator sees in the status. */
public class LinkFailedException extends RuntimeException {
    public LinkFailedException(String message) {
        super(message);
    }
}
