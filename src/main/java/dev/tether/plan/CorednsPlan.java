package dev.tether.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CoreDNS part of a link: Tether's one key in {@code coredns-custom}. AKS imports keys ending in {@code .override}
 * into the default server block, so {@code k8s_external <zone>} there answers {@code <svc>.<ns>.<zone>} with the
 * Service's load balancer IP. Every other key is kept byte for byte.
 */
public final class CorednsPlan {
    private CorednsPlan() {
    }

    public static String overrideFor(String domain) {
        return "k8s_external " + domain + "\n";
    }

    /** The new data map when Tether's key must change, or empty when it already holds {@code desired}. */
    public static Optional<Map<String, String>> merge(Map<String, String> current, String desired) {
        Map<String, String> data = current == null ? Map.of() : current;
        if (desired.equals(data.get(Conventions.OVERRIDE_KEY))) {
            return Optional.empty();
        }
        Map<String, String> merged = new LinkedHashMap<>(data);
        merged.put(Conventions.OVERRIDE_KEY, desired);
        return Optional.of(merged);
    }

    /** Stamped on the CoreDNS pod template by a cluster unlink's restart: CoreDNS runs without Tether's override. */
    public static final String NO_OVERRIDE_HASH = hash("");

    /** Stamped on the CoreDNS pod template when Tether restarts it; a restart is due when it differs. */
    public static String hash(String override) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(override.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
