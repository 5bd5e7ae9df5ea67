package dev.tether.plan;

/** A pre-flight finding: what is wrong and how to fix it. Errors stop the link before any write. */
public record Finding(Severity severity, String code, String message, String fix) {
    public enum Severity { ERROR, WARNING }

    public static Finding error(String code, String message, String fix) {
        return new Finding(Severity.ERROR, code, message, fix);
    }

    public static Finding warning(String code, String message, String fix) {
        return new Finding(Severity.WARNING, code, message, fix);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** One line for logs and failure messages. */
    public String describe() {
        return code + ": " + message + (fix == null || fix.isBlank() ? "" : " Fix: " + fix);
    }
}
