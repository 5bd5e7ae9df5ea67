package dev.tether.durable;

import dev.tether.plan.ResourceId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One orchestration instance per resource: the id is derived from the normalized (lower-cased) resource id, so every
 * event, rerun and fan-out for the same resource lands on the same instance. Readable prefix, collision-proof hash.
 */
public final class InstanceIds {
    private InstanceIds() {
    }

    public static String forSite(ResourceId id) {
        return "tether-site-" + readable(id.name()) + "-" + hash(id.normalized());
    }

    public static String forCluster(ResourceId id) {
        return "tether-cluster-" + readable(id.name()) + "-" + hash(id.normalized());
    }

    /** One instance per cluster and Service (or per cluster, for all its Services, when {@code service} is null). */
    public static String forServices(ResourceId cluster, String service) {
        String key = cluster.normalized() + (service == null ? "" : "|" + service.toLowerCase(java.util.Locale.ROOT));
        return "tether-services-" + readable(cluster.name()) + "-" + hash(key);
    }

    private static String readable(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return n.length() > 40 ? n.substring(0, 40) : n;
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
