package dev.tether.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Faults the emulators inject, per test, deterministically: each rule fires on the first {@code times} requests that
 * match it (target, method, path regex), then the world behaves normally again.
 */
public final class Faults {
    public enum Kind {
        /** Answer with an error status (and Retry-After when set) instead of serving the request. */
        STATUS,
        /** Drop the connection: the client sees an I/O error. */
        RESET,
        /** A long-running operation's status poll answers Failed. */
        LRO_FAILED,
        /** A long-running operation's status poll answers InProgress. */
        LRO_STUCK,
        /**
         * Someone else writes first: just before the matching request is served, the object at its path is changed by
         * another client with the rule's JSON merge patch (a new resourceVersion), then the request is served as usual.
         */
        CONCURRENT_EDIT
    }

    public record Rule(String name, String target, String method, Pattern path, int times, Kind kind, int status, int retryAfterSeconds,
                       String editPatch) {
        public static Rule status(String target, String method, String pathRegex, int status, int times) {
            return new Rule(target + " " + method + " " + pathRegex + " -> " + status, target, method, Pattern.compile(pathRegex), times, Kind.STATUS, status,
                    status == 429 ? 1 : 0, null);
        }

        public static Rule of(Kind kind, String target, String method, String pathRegex, int times) {
            return new Rule(target + " " + method + " " + pathRegex + " -> " + kind, target, method, Pattern.compile(pathRegex), times, kind, 0, 0, null);
        }

        /** Before the matching Kubernetes request is served, another client merge-patches the object it targets. */
        public static Rule concurrentEdit(String method, String pathRegex, String mergePatch, int times) {
            return new Rule("kubernetes " + method + " " + pathRegex + " -> edited first by someone else", "kubernetes", method,
                    Pattern.compile(pathRegex), times, Kind.CONCURRENT_EDIT, 0, 0, mergePatch);
        }

        @Override
        public String toString() {
            return name + " x" + times;
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Map<Rule, Integer> fired = new LinkedHashMap<>();

    public static Faults none() {
        return new Faults();
    }

    public Faults add(Rule rule) {
        rules.add(rule);
        return this;
    }

    /** The fault for this request, if a rule still has firings left (consumes one). */
    public synchronized Optional<Rule> match(String target, String method, String path) {
        for (Rule r : rules) {
            if (r.target().equals(target) && r.method().equalsIgnoreCase(method) && r.path().matcher(path).find()
                    && fired.getOrDefault(r, 0) < r.times()) {
                fired.merge(r, 1, Integer::sum);
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public synchronized int fired() {
        return fired.values().stream().mapToInt(Integer::intValue).sum();
    }
}
