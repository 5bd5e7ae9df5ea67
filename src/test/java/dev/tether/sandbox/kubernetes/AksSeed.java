package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import static dev.tether.sandbox.kubernetes.KubernetesSandbox.json;

/** What every AKS cluster has from the start, created unless the world file already has it. */
final class AksSeed {
    static final String COREDNS_IMAGE = "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3";

    private AksSeed() {
    }

    static void seed(ClusterServer s, String dnsServiceIp) {
        for (String ns : new String[] {"kube-system", "default"}) {
            ensure(s, "Namespace", null, ns, json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}"));
        }
        ensure(s, "Deployment", "kube-system", "coredns", json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"metadata\":{\"name\":\"coredns\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\"}},"
                + "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"k8s-app\":\"kube-dns\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"k8s-app\":\"kube-dns\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"coredns\",\"image\":\"" + COREDNS_IMAGE + "\"}]}}}}"));
        ensure(s, "Service", "kube-system", "kube-dns", json("{\"apiVersion\":\"v1\",\"kind\":\"Service\","
                + "\"metadata\":{\"name\":\"kube-dns\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\"}},"
                + "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"" + dnsServiceIp + "\",\"clusterIPs\":[\"" + dnsServiceIp + "\"],"
                + "\"selector\":{\"k8s-app\":\"kube-dns\"},"
                + "\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53},"
                + "{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":53}]}}"));
        ensure(s, "ConfigMap", "kube-system", "coredns-custom", json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"coredns-custom\",\"namespace\":\"kube-system\","
                + "\"labels\":{\"addonmanager.kubernetes.io/mode\":\"EnsureExists\",\"k8s-app\":\"kube-dns\",\"kubernetes.io/cluster-service\":\"true\"}}}"));
    }

    private static void ensure(ClusterServer s, String kind, String namespace, String name, ObjectNode object) {
        if (s.get(kind, namespace, name).isEmpty()) {
            s.create(object);
        }
    }
}
