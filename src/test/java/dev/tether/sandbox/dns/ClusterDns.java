package dev.tether.sandbox.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an app gets when it asks a DNS server IP in the VNet for a name, in the local world: the IP must be the
 * ingress IP of a LoadBalancer Service of the cluster whose EndpointSlices list ready endpoints on 53/UDP; each such
 * endpoint is a CoreDNS pod, which answers from the {@code coredns-custom} configuration it loaded when it started
 * (a change needs a rollout restart, as AKS documents). Without a ready endpoint the query times out (no answer).
 * Names outside the k8s_external zones go to the next plugin (forward to Azure DNS): {@link K8sExternal.Rcode#NOT_IN_ZONE}.
 */
public final class ClusterDns {
    /** Every ready CoreDNS pod behind the server IP answers; empty when nobody answers (the query times out). */
    public record Result(List<K8sExternal.Answer> answers) {
        public boolean timedOut() {
            return answers.isEmpty();
        }

        /** The answer, when every pod gives the same one. */
        public K8sExternal.Answer answer() {
            if (answers.isEmpty()) {
                throw new IllegalStateException("no answer: the query timed out");
            }
            if (answers.stream().distinct().count() > 1) {
                throw new IllegalStateException("the CoreDNS pods answer differently: " + answers);
            }
            return answers.get(0);
        }
    }

    private ClusterDns() {
    }

    public static Result query(KubernetesSandbox k8s, String clusterId, String serverIp, String name, String type) {
        List<ObjectNode> services = k8s.list(clusterId, "Service");
        List<ObjectNode> slices = k8s.list(clusterId, "EndpointSlice");
        Optional<ObjectNode> server = services.stream().filter(s -> "LoadBalancer".equals(s.path("spec").path("type").asText())
                && K8sExternal.externalAddresses(s).contains(serverIp)).findFirst();
        if (server.isEmpty()) {
            return new Result(List.of());
        }
        String svc = server.get().path("metadata").path("name").asText();
        String ns = server.get().path("metadata").path("namespace").asText();
        Map<String, Map<String, String>> loaded = k8s.loadedCorednsConfig(clusterId);
        Set<String> namespaces = new HashSet<>(List.of("default", "kube-system"));
        services.forEach(s -> namespaces.add(s.path("metadata").path("namespace").asText()));
        K8sExternal.Cluster cluster = new K8sExternal.Cluster(List.copyOf(services), List.copyOf(slices), namespaces, 12345);
        List<K8sExternal.Answer> answers = new java.util.ArrayList<>();
        for (JsonNode slice : slices) {
            if (!ns.equals(slice.path("metadata").path("namespace").asText())
                    || !svc.equals(slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText())
                    || !hasPort(slice, 53, "UDP")) {
                continue;
            }
            for (JsonNode e : slice.path("endpoints")) {
                String pod = ns + "/" + e.path("targetRef").path("name").asText();
                if (!e.path("conditions").path("ready").asBoolean() || !loaded.containsKey(pod)) {
                    continue;
                }
                answers.add(K8sExternal.parse(loaded.get(pod)).map(c -> K8sExternal.query(c, cluster, name, type))
                        .orElse(new K8sExternal.Answer(K8sExternal.Rcode.NOT_IN_ZONE, List.of(), List.of(), List.of())));
            }
        }
        return new Result(answers);
    }

    private static boolean hasPort(JsonNode slice, int port, String protocol) {
        for (JsonNode p : slice.path("ports")) {
            if (p.path("port").asInt() == port && protocol.equalsIgnoreCase(p.path("protocol").asText())) {
                return true;
            }
        }
        return false;
    }
}
