package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pre-flight checks of the {@code kube-system/coredns-custom} keys Tether did not write, against Tether's zone. Pure.
 *
 * <p>How AKS loads the ConfigMap (AKS docs "Customize CoreDNS", learn.microsoft.com/azure/aks/coredns-custom, and the
 * default Corefile quoted in Azure/AKS#2623): only keys ending {@code .override} or {@code .server} are used. The
 * default block is {@code .:53 { errors ready health kubernetes ... prometheus :9153 forward . /etc/resolv.conf cache 30
 * loop reload loadbalance import custom/*.override }} followed by {@code import custom/*.server}. Changes load when CoreDNS
 * restarts, so a bad key can lie dormant until the next restart; Tether refuses before it would be the one restarting.
 *
 * <p>Rules, each with its source:
 * <ul>
 * <li>{@code forward} in a {@code .override} key: the default block already forwards, and CoreDNS refuses to start with
 * "plugin/forward: this plugin can only be used once per Server Block" (Azure/AKS#2623, coredns/coredns#4729).</li>
 * <li>{@code k8s_external} in another {@code .override} key: the same once-per-block rule (CoreDNS
 * plugin/k8s_external/setup.go).</li>
 * <li>A {@code .server} block for Tether's zone, a parent or a child of it, on port 53: CoreDNS routes a query to the
 * server block with the most specific matching zone, so that block answers instead of the default block that holds
 * k8s_external (CoreDNS manual, "Server Blocks"; AKS docs "custom forward server").</li>
 * <li>A {@code .server} block for the root zone on port 53: "cannot serve dns://.:53 - it is already defined"
 * (MicrosoftDocs/azure-docs#43965); CoreDNS does not start.</li>
 * <li>{@code rewrite} naming Tether's zone, or {@code template} / {@code hosts} covering it without
 * {@code fallthrough}, in a {@code .override} key: those plugins run before k8s_external (CoreDNS plugin.cfg order:
 * rewrite, template, hosts, ..., k8s_external) and answer or rewrite the names Tether serves (CoreDNS plugin docs for
 * rewrite, template and hosts: without fallthrough they answer themselves).</li>
 * <li>Unbalanced braces in any used key: CoreDNS cannot parse the Corefile and does not start.</li>
 * </ul>
 */
public final class CorednsChecks {
    private CorednsChecks() {
    }

    /** Every finding for the keys other than Tether's, in key order. {@code zone} is Tether's k8s_external zone. */
    public static List<Finding> check(Map<String, String> corednsCustom, String zone) {
        List<Finding> findings = new ArrayList<>();
        if (corednsCustom == null) {
            return findings;
        }
        String z = zone == null ? null : normalize(zone);
        new TreeMap<>(corednsCustom).forEach((key, value) -> {
            if (key.equals(Conventions.OVERRIDE_KEY) || value == null) {
                return;
            }
            boolean override = key.endsWith(".override");
            boolean server = key.endsWith(".server");
            if (!override && !server) {
                return;
            }
            List<String> tokens;
            try {
                tokens = tokens(value);
            } catch (IllegalArgumentException e) {
                findings.add(error("COREDNS_UNPARSEABLE", key, e.getMessage() + "; CoreDNS would fail to start on its next restart",
                        "fix or remove key '" + key + "'"));
                return;
            }
            if (override) {
                checkOverride(key, statements(tokens), z, findings);
            } else {
                checkServer(key, tokens, z, findings);
            }
        });
        return findings;
    }

    private static void checkOverride(String key, List<List<String>> statements, String zone, List<Finding> findings) {
        for (List<String> st : statements) {
            String plugin = st.get(0).toLowerCase(Locale.ROOT);
            switch (plugin) {
                case "forward" -> findings.add(error("COREDNS_FORWARD_IN_OVERRIDE", key, "uses forward, but AKS's default server block already"
                                + " forwards and CoreDNS allows forward once per server block, so CoreDNS would fail to start on its next restart",
                        "move the forward into a '.server' key with its own zone (AKS docs: custom forward server) or remove it"));
                case "k8s_external" -> findings.add(error("COREDNS_CONFLICT", key, "already uses k8s_external, and CoreDNS allows it once per server block",
                        "remove k8s_external from '" + key + "' and let Tether manage it through " + Conventions.OVERRIDE_KEY));
                case "rewrite" -> {
                    if (zone != null && st.stream().skip(1).map(t -> t.replace("\\", "").toLowerCase(Locale.ROOT)).anyMatch(t -> mentions(t, zone))) {
                        findings.add(error("COREDNS_REWRITE_OF_ZONE", key, "rewrites names in " + zone + " before k8s_external answers them",
                                "remove the rewrite for " + zone + " or choose another zone with tag " + Conventions.TAG_DOMAIN));
                    }
                }
                case "template", "hosts" -> {
                    // template CLASS TYPE [ZONE...]; hosts [FILE [ZONE...]]: without zones, the server block's (the root).
                    List<String> args = st.stream().skip(1).takeWhile(t -> !t.equals("{")).toList();
                    int skip = plugin.equals("template") ? 2 : 1;
                    List<String> zones = args.stream().skip(Math.min(skip, args.size())).map(CorednsChecks::normalize).toList();
                    boolean covers = zones.isEmpty() || zones.stream().anyMatch(z -> overlaps(z, zone));
                    if (zone != null && covers && !st.contains("fallthrough")) {
                        findings.add(error("COREDNS_ANSWERS_ZONE", key, "has " + plugin + " covering " + zone + " without fallthrough; it runs"
                                        + " before k8s_external and would answer the names Tether serves",
                                "add 'fallthrough' to that " + plugin + " block or limit its zones"));
                    }
                }
                default -> {
                }
            }
        }
    }

    private static void checkServer(String key, List<String> tokens, String zone, List<Finding> findings) {
        int depth = 0;
        List<String> header = new ArrayList<>();
        for (String t : tokens) {
            if (t.equals("{")) {
                if (depth == 0) {
                    for (String address : header) {
                        serverZone(key, address, zone, findings);
                    }
                    header.clear();
                }
                depth++;
            } else if (t.equals("}")) {
                depth--;
            } else if (depth == 0 && !t.equals("\n")) {
                header.add(t);
            }
        }
    }

    private static void serverZone(String key, String address, String zone, List<Finding> findings) {
        String a = address.toLowerCase(Locale.ROOT).replaceFirst("^dns://", "");
        String port = "53";
        int colon = a.lastIndexOf(':');
        if (colon >= 0) {
            port = a.substring(colon + 1);
            a = a.substring(0, colon);
        }
        if (!port.equals("53")) {
            return;
        }
        String z = normalize(a);
        if (z.isEmpty()) {
            findings.add(error("COREDNS_DUPLICATE_SERVER_BLOCK", key, "defines a server block for the root zone on port 53, which AKS's default"
                    + " block already serves (\"cannot serve dns://.:53 - it is already defined\"); CoreDNS would fail to start on its next restart",
                    "give that block a zone of its own, or move its plugins into a '.override' key"));
        } else if (zone != null && overlaps(z, zone)) {
            findings.add(error("COREDNS_SERVER_BLOCK_SHADOWS", key, "defines a server block for " + z + ", which overlaps Tether's zone " + zone
                            + "; CoreDNS answers from the most specific server block, so k8s_external in the default block would never see those names",
                    "remove that server block or choose another zone with tag " + Conventions.TAG_DOMAIN));
        }
    }

    /** Lower case, no trailing dot; the root zone is the empty string. */
    static String normalize(String zone) {
        String z = zone.toLowerCase(Locale.ROOT);
        while (z.endsWith(".")) {
            z = z.substring(0, z.length() - 1);
        }
        return z;
    }

    /** True when one zone is the other or lies under it (the root overlaps every zone). */
    static boolean overlaps(String a, String b) {
        return a.isEmpty() || b.isEmpty() || a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    private static boolean mentions(String token, String zone) {
        return token.contains(zone);
    }

    /**
     * Splits Corefile text into tokens the way CoreDNS's Caddyfile lexer does, enough for these rules: whitespace
     * separates, {@code #} starts a comment, quotes group, braces are their own tokens when they stand alone or end a
     * token; a newline is kept as a token (it ends a directive). Unbalanced braces are an error.
     */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < text.length()) {
                    cur.append(text.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '#') {
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '\n' || Character.isWhitespace(c)) {
                flush(cur, out);
                if (c == '\n') {
                    out.add("\n");
                }
            } else if ((c == '{' || c == '}') && cur.isEmpty() && (i + 1 >= text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
                out.add(String.valueOf(c));
                depth += c == '{' ? 1 : -1;
                if (depth < 0) {
                    throw new IllegalArgumentException("it closes a block that was never opened");
                }
            } else if (c == '{' && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) {
                flush(cur, out);
                out.add("{");
                depth++;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("it has an unterminated quote");
        }
        flush(cur, out);
        if (depth != 0) {
            throw new IllegalArgumentException("its braces do not balance (" + depth + " block(s) left open)");
        }
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (!cur.isEmpty()) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** Top-level directives of an override: each with its arguments and, flattened, its block's tokens. */
    static List<List<String>> statements(List<String> tokens) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int depth = 0;
        for (String t : tokens) {
            if (t.equals("\n")) {
                if (depth == 0 && !cur.isEmpty()) {
                    out.add(cur);
                    cur = new ArrayList<>();
                }
                continue;
            }
            if (t.equals("{")) {
                depth++;
            } else if (t.equals("}")) {
                depth--;
            }
            cur.add(t);
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static Finding error(String code, String key, String message, String fix) {
        return Finding.error(code, "key '" + key + "' of kube-system/" + Conventions.COREDNS_CUSTOM + " " + message, fix);
    }
}
