package dev.tether.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Every request that reached an emulator, in order. This is the {@code calls} list of RESULT.json. */
public final class CallLog {

    /** One request as the emulator saw it. {@code path} is the URL path plus query string. */
    public record Call(String target, String method, String path, int status) {
        private static final Set<String> WRITE_METHODS = Set.of("PUT", "PATCH", "POST", "DELETE");

        /** A write changes state. ARM's POST ".../list*" and ".../listClusterUserCredential" actions are reads. */
        public boolean isWrite() {
            String m = method.toUpperCase(Locale.ROOT);
            if (!WRITE_METHODS.contains(m)) {
                return false;
            }
            if (m.equals("POST") && "arm".equals(target)) {
                String p = path.toLowerCase(Locale.ROOT);
                int q = p.indexOf('?');
                String last = (q >= 0 ? p.substring(0, q) : p);
                last = last.substring(last.lastIndexOf('/') + 1);
                return !(last.startsWith("list") || last.equals("resources"));
            }
            return true;
        }
    }

    private final List<Call> calls = new ArrayList<>();

    public synchronized void record(String target, String method, String path, int status) {
        calls.add(new Call(target, method, path, status));
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized int size() {
        return calls.size();
    }

    /** Calls recorded since {@code mark} (a value of {@link #size()} taken earlier). */
    public synchronized List<Call> since(int mark) {
        return List.copyOf(calls.subList(mark, calls.size()));
    }

    public synchronized List<Call> writes() {
        return calls.stream().filter(Call::isWrite).toList();
    }
}
