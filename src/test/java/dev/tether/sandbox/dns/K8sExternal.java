package dev.tether.sandbox.dns;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What CoreDNS's {@code k8s_external} plugin answers, from its configuration and the cluster's Services, following the
 * plugin's documented behaviour (coredns/coredns {@code plugin/k8s_external/README.md}) and checked against the cases
 * of its own test table ({@code plugin/k8s_external/external_test.go}, ported in K8sExternalTest):
 * <ul>
 * <li>Only A, AAAA, SRV and PTR are answered; any other type under the zone is NODATA (NOERROR, SOA in authority).</li>
 * <li>{@code <svc>.<ns>.<zone>}: the Service's external addresses, i.e. {@code spec.externalIPs} and
 * {@code status.loadBalancer.ingress} (an ingress hostname is a CNAME), whatever the Service type. A Service without
 * any, an unknown Service or an unknown namespace is NXDOMAIN with the zone's SOA; a name with records of another type
 * only is NODATA.</li>
 * <li>SRV for {@code <svc>.<ns>.<zone>} and {@code _<port>._<proto>.<svc>.<ns>.<zone>} (proto tcp or udp, else
 * NXDOMAIN): one record per target and port, priority 0, weight 100 split over the targets, the address in the
 * additional section (not for a hostname target).</li>
 * <li>Headless Services ({@code clusterIP: None}, no external address) only with the {@code headless} option: their
 * ready endpoints' addresses, and {@code <hostname>.<svc>.<ns>.<zone>} per endpoint.</li>
 * <li>PTR in a reverse zone the plugin serves ({@code in-addr.arpa.}): the Service whose external IP it is.</li>
 * <li>The apex answers SOA ({@code ns1.<apex>.<zone> hostmaster.<zone>}, a static serial, refresh 7200, retry 1800,
 * expire 86400, minimum TTL) and NS; a namespace name alone is NODATA. TTL 5 unless {@code ttl} says otherwise.</li>
 * </ul>
 * Not modelled: zone transfers, AAAA/A of the {@code ns1.<apex>} name, the {@code fallthrough}-less behaviour of other
 * plugins in the same server block, and wildcard queries other than the non-udp/tcp SRV case.
 */
public final class K8sExternal {
    public enum Rcode { NOERROR, NXDOMAIN, NOT_IN_ZONE }

    /** The plugin's configuration: its zones (lower case, with the trailing dot), headless, ttl and apex label. */
    public record Config(List<String> zones, boolean headless, int ttl, String apex) {
        public Config {
            zones = zones.stream().map(K8sExternal::fqdn).toList();
        }

        public static Config of(String... zones) {
            return new Config(List.of(zones), false, 5, "dns");
        }

        public Config withHeadless() {
            return new Config(zones, true, ttl, apex);
        }
    }

    /** A DNS answer: the response code and the three sections, each record in zone-file text. */
    public record Answer(Rcode rcode, List<String> answer, List<String> authority, List<String> extra) {
        /** The first A record's address in the answer, if any. */
        public Optional<String> address() {
            return answer.stream().filter(r -> r.split(" ")[3].equals("A")).map(r -> r.split(" ")[4]).findFirst();
        }
    }

    /** What the plugin sees of the cluster: Services and EndpointSlices (API objects), and the namespaces. */
    public record Cluster(List<JsonNode> services, List<JsonNode> endpointSlices, Set<String> namespaces, long soaSerial) {
    }

    private K8sExternal() {
    }

    /**
     * The plugin's configuration from the {@code coredns-custom} ConfigMap as AKS imports it: only keys ending in
     * {@code .override} go into the default server block (a {@code .server} key is a server block of its own); the
     * first {@code k8s_external} directive found (in key order) wins. Block options: headless, ttl, apex.
     */
    public static Optional<Config> parse(Map<String, String> corednsCustom) {
        for (String key : new java.util.TreeSet<>(corednsCustom.keySet())) {
            if (!key.endsWith(".override")) {
                continue;
            }
            String text = corednsCustom.get(key);
            int at = text.indexOf("k8s_external");
            if (at < 0) {
                continue;
            }
            String rest = text.substring(at + "k8s_external".length());
            int eol = rest.indexOf('\n');
            String line = eol < 0 ? rest : rest.substring(0, eol);
            boolean block = line.contains("{");
            List<String> zones = new ArrayList<>();
            for (String z : line.replace("{", " ").trim().split("\\s+")) {
                if (!z.isEmpty()) {
                    zones.add(z);
                }
            }
            boolean headless = false;
            int ttl = 5;
            String apex = "dns";
            if (block) {
                String body = rest.substring(line.length(), Math.max(line.length(), rest.indexOf('}')));
                for (String opt : body.split("\n")) {
                    String[] p = opt.trim().split("\\s+");
                    switch (p[0]) {
                        case "headless" -> headless = true;
                        case "ttl" -> ttl = Integer.parseInt(p[1]);
                        case "apex" -> apex = p[1];
                        default -> {
                        }
                    }
                }
            }
            return Optional.of(new Config(zones, headless, ttl, apex));
        }
        return Optional.empty();
    }

    public static Answer query(Config config, Cluster cluster, String qname, String qtype) {
        String name = fqdn(qname);
        String type = qtype.toUpperCase(Locale.ROOT);
        String zone = config.zones().stream().filter(z -> name.equals(z) || name.endsWith("." + z))
                .max(Comparator.comparingInt(String::length)).orElse(null);
        if (zone == null) {
            return new Answer(Rcode.NOT_IN_ZONE, List.of(), List.of(), List.of());
        }
        String soa = zone + " " + config.ttl() + " IN SOA ns1." + config.apex() + "." + zone + " hostmaster." + zone + " "
                + cluster.soaSerial() + " 7200 1800 86400 " + config.ttl();
        if (zone.endsWith("in-addr.arpa.")) {
            return reverse(config, cluster, name, type, soa);
        }
        if (name.equals(zone)) {
            return switch (type) {
                case "SOA" -> new Answer(Rcode.NOERROR, List.of(soa), List.of(), List.of());
                case "NS" -> new Answer(Rcode.NOERROR, List.of(zone + " " + config.ttl() + " IN NS ns1." + config.apex() + "." + zone), List.of(), List.of());
                default -> nodata(soa);
            };
        }
        List<String> labels = List.of(name.substring(0, name.length() - zone.length() - 1).split("\\."));
        if (!Set.of("A", "AAAA", "SRV", "PTR").contains(type)) {
            return exists(config, cluster, labels) ? nodata(soa) : nxdomain(soa);
        }
        if (labels.size() == 1) {
            return cluster.namespaces().contains(labels.get(0)) ? nodata(soa) : nxdomain(soa);
        }
        String port = null;
        String proto = null;
        String endpoint = null;
        List<String> rest = labels;
        if (labels.size() == 4) {
            port = labels.get(0);
            proto = labels.get(1);
            if (!type.equals("SRV") || !(proto.equals("_tcp") || proto.equals("_udp"))) {
                return nxdomain(soa);
            }
            rest = labels.subList(2, 4);
        } else if (labels.size() == 3) {
            endpoint = labels.get(0);
            rest = labels.subList(1, 3);
        } else if (labels.size() != 2) {
            return nxdomain(soa);
        }
        String svcName = rest.get(0);
        String ns = rest.get(1);
        Optional<JsonNode> svc = cluster.services().stream().filter(s -> svcName.equals(s.path("metadata").path("name").asText())
                && ns.equals(s.path("metadata").path("namespace").asText())).findFirst();
        if (svc.isEmpty()) {
            return nxdomain(soa);
        }
        String owner = svcName + "." + ns + "." + zone;
        List<Target> targets = targets(config, cluster, svc.get(), owner);
        if (endpoint != null) {
            String wanted = endpoint + "." + owner;
            targets = targets.stream().filter(t -> t.name().equals(wanted)).toList();
        }
        if (targets.isEmpty()) {
            return nxdomain(soa);
        }
        if (type.equals("PTR")) {
            return nodata(soa);
        }
        List<String> answer = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        String qowner = name;
        if (type.equals("SRV")) {
            List<JsonNode> ports = new ArrayList<>();
            for (JsonNode p : svc.get().path("spec").path("ports")) {
                if (port == null || (port.equals("_" + p.path("name").asText()) && proto.equalsIgnoreCase("_" + p.path("protocol").asText("TCP")))) {
                    ports.add(p);
                }
            }
            if (ports.isEmpty()) {
                return nxdomain(soa);
            }
            int weight = 100 / targets.size();
            for (JsonNode p : ports) {
                for (Target t : targets) {
                    answer.add(qowner + " " + config.ttl() + " IN SRV 0 " + weight + " " + p.path("port").asInt() + " " + t.srvTarget());
                    if (t.address() != null) {
                        extra.add(t.srvTarget() + " " + config.ttl() + " IN " + (t.address().contains(":") ? "AAAA" : "A") + " " + t.address());
                    }
                }
            }
            return new Answer(Rcode.NOERROR, sorted(answer), List.of(), sorted(extra));
        }
        for (Target t : targets) {
            if (t.hostname() != null) {
                answer.add(qowner + " " + config.ttl() + " IN CNAME " + fqdn(t.hostname()));
            } else if (type.equals("A") == !t.address().contains(":")) {
                answer.add(qowner + " " + config.ttl() + " IN " + type + " " + t.address());
            }
        }
        return answer.isEmpty() ? nodata(soa) : new Answer(Rcode.NOERROR, sorted(answer), List.of(), List.of());
    }

    /** One thing a name points at: an address (with the name SRV uses for it) or a load balancer hostname. */
    private record Target(String name, String address, String hostname) {
        String srvTarget() {
            return hostname != null ? fqdn(hostname) : name;
        }
    }

    private static List<Target> targets(Config config, Cluster cluster, JsonNode svc, String owner) {
        List<Target> out = new ArrayList<>();
        for (String ip : externalAddresses(svc)) {
            boolean isIp = ip.matches("[0-9.]+") || ip.contains(":");
            out.add(isIp ? new Target(owner, ip, null) : new Target(owner, null, ip));
        }
        if (out.isEmpty() && config.headless() && "None".equals(svc.path("spec").path("clusterIP").asText())) {
            String name = svc.path("metadata").path("name").asText();
            String ns = svc.path("metadata").path("namespace").asText();
            for (JsonNode slice : cluster.endpointSlices()) {
                if (!ns.equals(slice.path("metadata").path("namespace").asText())
                        || !name.equals(slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText())) {
                    continue;
                }
                for (JsonNode e : slice.path("endpoints")) {
                    if (!e.path("conditions").path("ready").asBoolean(true)) {
                        continue;
                    }
                    for (JsonNode a : e.path("addresses")) {
                        String host = e.path("hostname").asText(a.asText().replace('.', '-').replace(':', '-'));
                        out.add(new Target(host + "." + owner, a.asText(), null));
                    }
                }
            }
        }
        return out;
    }

    /** {@code spec.externalIPs} then {@code status.loadBalancer.ingress} (ip, else hostname). */
    public static List<String> externalAddresses(JsonNode svc) {
        List<String> out = new ArrayList<>();
        svc.path("spec").path("externalIPs").forEach(ip -> out.add(ip.asText()));
        for (JsonNode i : svc.path("status").path("loadBalancer").path("ingress")) {
            String ip = i.path("ip").asText("");
            out.add(!ip.isEmpty() ? ip : i.path("hostname").asText());
        }
        return out;
    }

    private static Answer reverse(Config config, Cluster cluster, String name, String type, String soa) {
        if (!type.equals("PTR")) {
            return nodata(soa);
        }
        String[] octets = name.substring(0, name.length() - "in-addr.arpa.".length() - 1).split("\\.");
        StringBuilder ip = new StringBuilder();
        for (int i = octets.length - 1; i >= 0; i--) {
            ip.append(octets[i]).append(i > 0 ? "." : "");
        }
        String forward = config.zones().stream().filter(z -> !z.endsWith("arpa.")).findFirst().orElse(null);
        List<String> answer = new ArrayList<>();
        for (JsonNode svc : cluster.services()) {
            if (forward != null && externalAddresses(svc).contains(ip.toString())) {
                answer.add(name + " " + config.ttl() + " IN PTR " + svc.path("metadata").path("name").asText() + "."
                        + svc.path("metadata").path("namespace").asText() + "." + forward);
            }
        }
        return answer.isEmpty() ? nxdomain(soa) : new Answer(Rcode.NOERROR, sorted(answer), List.of(), List.of());
    }

    private static boolean exists(Config config, Cluster cluster, List<String> labels) {
        if (labels.size() == 1) {
            return cluster.namespaces().contains(labels.get(0));
        }
        return labels.size() == 2 && cluster.services().stream().anyMatch(s -> labels.get(0).equals(s.path("metadata").path("name").asText())
                && labels.get(1).equals(s.path("metadata").path("namespace").asText()));
    }

    private static Answer nodata(String soa) {
        return new Answer(Rcode.NOERROR, List.of(), List.of(soa), List.of());
    }

    private static Answer nxdomain(String soa) {
        return new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa), List.of());
    }

    private static List<String> sorted(List<String> records) {
        return records.stream().sorted().toList();
    }

    static String fqdn(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }
}
