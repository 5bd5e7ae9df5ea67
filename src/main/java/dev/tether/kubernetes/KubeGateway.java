package dev.tether.kubernetes;

import com.google.gson.Gson;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.plan.ServiceShape;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.PatchUtils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes calls Tether makes in one cluster: get, create and JSON-merge-patch of Services, ConfigMaps and the
 * CoreDNS Deployment. Merge patches touch only the keys Tether owns, so other keys survive concurrent edits.
 */
public final class KubeGateway {
    private static final Gson GSON = new Gson();

    private final ApiClient client;
    private final CoreV1Api core;
    private final AppsV1Api apps;
    private final String clusterId;

    KubeGateway(ApiClient client, String clusterId) {
        this.client = client;
        this.core = new CoreV1Api(client);
        this.apps = new AppsV1Api(client);
        this.clusterId = clusterId;
    }

    @FunctionalInterface
    private interface KubeCall<T> {
        T run() throws ApiException;
    }

    public Optional<ServiceView> service(String namespace, String name) {
        return find("get Service " + namespace + "/" + name, () -> core.readNamespacedService(name, namespace).execute())
                .map(KubeGateway::toView);
    }

    /** Every Service in the cluster (one list call). */
    public List<ServiceView> services() {
        return call("list Services", () -> core.listServiceForAllNamespaces().execute()).getItems().stream().map(KubeGateway::toView).toList();
    }

    public void createService(String namespace, String name, ServiceShape shape) {
        V1Service body = new V1Service().apiVersion("v1").kind("Service")
                .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(shape.labels()).annotations(shape.annotations()))
                .spec(new V1ServiceSpec().type(shape.type()).selector(shape.selector()).ports(shape.ports().stream()
                        .map(p -> new V1ServicePort().name(p.name()).port(p.port()).protocol(p.protocol()).targetPort(new IntOrString(p.port())))
                        .toList()));
        call("create Service " + namespace + "/" + name, () -> core.createNamespacedService(namespace, body).execute());
    }

    public void patchService(String namespace, String name, Map<String, Object> mergePatch) {
        call("patch Service " + namespace + "/" + name, () -> PatchUtils.patch(V1Service.class,
                () -> core.patchNamespacedService(name, namespace, new V1Patch(GSON.toJson(mergePatch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    /** The ConfigMap's data, or empty when it does not exist. */
    public Optional<Map<String, String>> configMapData(String namespace, String name) {
        return find("get ConfigMap " + namespace + "/" + name, () -> core.readNamespacedConfigMap(name, namespace).execute())
                .map(cm -> cm.getData() == null ? Map.of() : cm.getData());
    }

    public void createConfigMap(String namespace, String name, Map<String, String> labels, Map<String, String> data) {
        V1ConfigMap body = new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
                .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(labels)).data(data);
        call("create ConfigMap " + namespace + "/" + name, () -> core.createNamespacedConfigMap(namespace, body).execute());
    }

    /** Sets only the given data keys; every other key is left exactly as the server has it. */
    public void patchConfigMapData(String namespace, String name, Map<String, String> keys) {
        Map<String, Object> patch = Map.of("data", keys);
        call("patch ConfigMap " + namespace + "/" + name, () -> PatchUtils.patch(V1ConfigMap.class,
                () -> core.patchNamespacedConfigMap(name, namespace, new V1Patch(GSON.toJson(patch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    /** The Deployment's pod template annotations, or empty when the Deployment does not exist. */
    public Optional<Map<String, String>> podTemplateAnnotations(String namespace, String name) {
        return find("get Deployment " + namespace + "/" + name, () -> apps.readNamespacedDeployment(name, namespace).execute())
                .map(d -> {
                    var template = d.getSpec() == null ? null : d.getSpec().getTemplate();
                    var meta = template == null ? null : template.getMetadata();
                    return meta == null || meta.getAnnotations() == null ? Map.<String, String>of() : meta.getAnnotations();
                });
    }

    /** Changes pod template annotations, which rolls the Deployment (what {@code kubectl rollout restart} does). */
    public void patchPodTemplateAnnotations(String namespace, String name, Map<String, String> annotations) {
        Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations", annotations))));
        call("patch Deployment " + namespace + "/" + name, () -> PatchUtils.patch(V1Deployment.class,
                () -> apps.patchNamespacedDeployment(name, namespace, new V1Patch(GSON.toJson(patch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    static ServiceView toView(V1Service s) {
        V1ObjectMeta meta = s.getMetadata() == null ? new V1ObjectMeta() : s.getMetadata();
        V1ServiceSpec spec = s.getSpec() == null ? new V1ServiceSpec() : s.getSpec();
        List<ServiceShape.Port> ports = spec.getPorts() == null ? List.of() : spec.getPorts().stream()
                .map(p -> new ServiceShape.Port(p.getName(), p.getPort(), p.getProtocol() == null ? "TCP" : p.getProtocol()))
                .toList();
        ServiceShape shape = new ServiceShape(spec.getType(), nonNull(meta.getLabels()), nonNull(meta.getAnnotations()),
                nonNull(spec.getSelector()), ports);
        String ip = null;
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null && s.getStatus().getLoadBalancer().getIngress() != null) {
            ip = s.getStatus().getLoadBalancer().getIngress().stream().map(V1LoadBalancerIngress::getIp)
                    .filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
        }
        return new ServiceView(meta.getNamespace(), meta.getName(), spec.getClusterIP(), shape, ip);
    }

    private static Map<String, String> nonNull(Map<String, String> m) {
        return m == null ? Map.of() : new LinkedHashMap<>(m);
    }

    private <T> Optional<T> find(String what, KubeCall<T> call) {
        try {
            return Optional.ofNullable(call.run());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw translate(what, e);
        }
    }

    private <T> T call(String what, KubeCall<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw translate(what, e);
        }
    }

    private RuntimeException translate(String what, ApiException e) {
        int code = e.getCode();
        String msg = what + " in cluster " + clusterId + " failed with " + (code == 0 ? "no response (" + e.getMessage() + ")" : code);
        if (code == 0 || code == 409 || code == 429 || code >= 500) {
            return new TransientException(msg, e);
        }
        if (code == 401 || code == 403) {
            return new RejectedException("KUBERNETES_FORBIDDEN", msg + ". Fix: give Tether's identity the Kubernetes role described"
                    + " in docs/DEPLOY.md, \"Rights in the clusters\" (Services, ConfigMap coredns-custom and Deployment coredns in kube-system)", e);
        }
        return new RejectedException("KUBERNETES_" + code, msg, e);
    }
}
