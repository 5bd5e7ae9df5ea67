package dev.tether.kubernetes;

import com.google.gson.Gson;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.plan.DeploymentFacts;
import dev.tether.plan.DnsReadiness;
import dev.tether.plan.ServiceShape;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LoadBalancerIngress;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1ValidatingAdmissionPolicy;
import io.kubernetes.client.openapi.models.V1ValidatingAdmissionPolicyBinding;
import io.kubernetes.client.util.PatchUtils;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes calls Tether makes in one cluster: get, create and JSON-merge-patch of Services, ConfigMaps and the
 * CoreDNS Deployment, and the delete of kube-system/tether-dns (a cluster unlink); reads of the EndpointSlices of tether-dns and the CoreDNS pods (readiness). Merge patches touch only the keys Tether owns, so other keys survive concurrent edits.
 */
public final class KubeGateway {
    /** serializeNulls: a JSON merge patch removes a key with an explicit null (RFC 7386); Gson drops nulls otherwise. */
    private static final Gson GSON = new com.google.gson.GsonBuilder().serializeNulls().create();

    private final ApiClient client;
    private final Runnable unauthorized;
    private final CoreV1Api core;
    private final AppsV1Api apps;
    private final AdmissionregistrationV1Api admission;
    private final DiscoveryV1Api discovery;
    private final String clusterId;

    KubeGateway(ApiClient client, String clusterId) {
        this(client, clusterId, () -> { });
    }

    /** @param unauthorized run when the API server refuses the credential (401): the connector forgets its cached client */
    KubeGateway(ApiClient client, String clusterId, Runnable unauthorized) {
        this.unauthorized = unauthorized;
        this.client = client;
        this.core = new CoreV1Api(client);
        this.apps = new AppsV1Api(client);
        this.admission = new AdmissionregistrationV1Api(client);
        this.discovery = new DiscoveryV1Api(client);
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

    /** Services a list page holds at most: the API server answers a continue token for the rest. */
    static final int PAGE_SIZE = 500;

    /**
     * Every Service in the cluster: one list, in pages of {@value #PAGE_SIZE} (the API server's chunked list, followed
     * with the continue token). No label selector can find Services opted in by annotation, so the list is unfiltered
     * and the caller filters by annotation.
     */
    public List<ServiceView> services() {
        List<ServiceView> all = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            V1ServiceList page = call("list Services", () -> core.listServiceForAllNamespaces().limit(PAGE_SIZE)._continue(token).execute());
            page.getItems().stream().map(KubeGateway::toView).forEach(all::add);
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return all;
    }

    /** The two kinds of the exposure guard (cluster-scoped, admissionregistration.k8s.io/v1). */
    public enum GuardKind { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding }

    /**
     * The resources the API server serves in admissionregistration.k8s.io/v1: one discovery read
     * ({@code GET /apis/admissionregistration.k8s.io/v1}, what {@code kubectl api-resources} reads). Empty when the group
     * version is not served at all. Discovery is open to every authenticated user (Kubernetes RBAC's default ClusterRole
     * {@code system:discovery}, bound to {@code system:authenticated}), so it needs no grant of Tether's.
     */
    public java.util.Set<String> admissionResources() {
        Optional<io.kubernetes.client.openapi.models.V1APIResourceList> list = find("discover admissionregistration.k8s.io/v1",
                () -> admission.getAPIResources().execute());
        java.util.Set<String> names = new java.util.TreeSet<>();
        list.ifPresent(l -> l.getResources().forEach(r -> names.add(r.getName())));
        return names;
    }

    /** A guard object as JSON values (labels and spec), or empty when it does not exist. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> guardObject(GuardKind kind, String name) {
        Optional<?> typed = kind == GuardKind.ValidatingAdmissionPolicy
                ? find("get " + kind + " " + name, () -> admission.readValidatingAdmissionPolicy(name).execute())
                : find("get " + kind + " " + name, () -> admission.readValidatingAdmissionPolicyBinding(name).execute());
        return typed.map(o -> (Map<String, Object>) GSON.fromJson(client.getJSON().serialize(o), Map.class));
    }

    public void createGuardObject(GuardKind kind, String name, Map<String, String> labels, Map<String, Object> spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "admissionregistration.k8s.io/v1");
        body.put("kind", kind.name());
        body.put("metadata", Map.of("name", name, "labels", labels));
        body.put("spec", spec);
        String json = GSON.toJson(body);
        try {
            if (kind == GuardKind.ValidatingAdmissionPolicy) {
                admission.createValidatingAdmissionPolicy(client.getJSON().deserialize(json, V1ValidatingAdmissionPolicy.class)).execute();
            } else {
                admission.createValidatingAdmissionPolicyBinding(client.getJSON().deserialize(json, V1ValidatingAdmissionPolicyBinding.class)).execute();
            }
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                // The collection itself is missing: admissionregistration.k8s.io/v1 serves these kinds from Kubernetes 1.30 on.
                throw new RejectedException("GUARD_API_MISSING", "cluster " + clusterId + " does not serve admissionregistration.k8s.io/v1 "
                        + kind + " (Kubernetes 1.30 or later has it). Fix: upgrade the cluster to Kubernetes 1.30 or later, or remove the"
                        + " private-link-guard tag", e);
            }
            throw translate("create " + kind + " " + name, e);
        }
    }

    /** A JSON merge patch of the labels and the spec (arrays in it replace the server's). */
    public void patchGuardObject(GuardKind kind, String name, Map<String, String> labels, Map<String, Object> spec) {
        V1Patch patch = new V1Patch(GSON.toJson(Map.of("metadata", Map.of("labels", labels), "spec", spec)));
        if (kind == GuardKind.ValidatingAdmissionPolicy) {
            call("patch " + kind + " " + name, () -> PatchUtils.patch(V1ValidatingAdmissionPolicy.class,
                    () -> admission.patchValidatingAdmissionPolicy(name, patch).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
        } else {
            call("patch " + kind + " " + name, () -> PatchUtils.patch(V1ValidatingAdmissionPolicyBinding.class,
                    () -> admission.patchValidatingAdmissionPolicyBinding(name, patch).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
        }
    }

    /**
     * Deletes a guard object; one that is already gone is fine. The response body is not parsed: the API server answers
     * a delete with the deleted object or a Status, and client-java's typed delete expects a Status only.
     */
    public void deleteGuardObject(GuardKind kind, String name) {
        String what = "delete " + kind + " " + name;
        int code = call(what, () -> {
            okhttp3.Call c = kind == GuardKind.ValidatingAdmissionPolicy
                    ? admission.deleteValidatingAdmissionPolicy(name).buildCall(null)
                    : admission.deleteValidatingAdmissionPolicyBinding(name).buildCall(null);
            try (okhttp3.Response r = c.execute()) {
                return r.code();
            } catch (java.io.IOException e) {
                throw new ApiException(e);
            }
        });
        if (code >= 300 && code != 404) {
            throw translate(what, new ApiException(code, what + " answered " + code));
        }
    }

    /**
     * Deletes a Service; one already gone is fine. Like {@link #deleteGuardObject}, the answer is not parsed (the API
     * server answers the deleted object or a Status).
     */
    public void deleteService(String namespace, String name) {
        String what = "delete Service " + namespace + "/" + name;
        int code = call(what, () -> {
            try (okhttp3.Response r = core.deleteNamespacedService(name, namespace).buildCall(null).execute()) {
                return r.code();
            } catch (java.io.IOException e) {
                throw new ApiException(e);
            }
        });
        if (code >= 300 && code != 404) {
            throw translate(what, new ApiException(code, what + " answered " + code));
        }
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

    /** The ConfigMap's data and annotations, or empty when it does not exist (one get). */
    public Optional<dev.tether.plan.ConfigMapState> configMap(String namespace, String name) {
        return find("get ConfigMap " + namespace + "/" + name, () -> core.readNamespacedConfigMap(name, namespace).execute())
                .map(cm -> new dev.tether.plan.ConfigMapState(cm.getData(), cm.getMetadata() == null ? null : cm.getMetadata().getAnnotations()));
    }

    public void createConfigMap(String namespace, String name, Map<String, String> labels, Map<String, String> annotations, Map<String, String> data) {
        V1ConfigMap body = new V1ConfigMap().apiVersion("v1").kind("ConfigMap")
                .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(labels).annotations(annotations)).data(data);
        call("create ConfigMap " + namespace + "/" + name, () -> core.createNamespacedConfigMap(namespace, body).execute());
    }

    /**
     * Sets (or, with a null value, removes) only the given data keys and annotations, in one JSON merge patch; every
     * other key and annotation is left exactly as the server has it.
     */
    public void patchConfigMap(String namespace, String name, Map<String, String> keys, Map<String, String> annotations) {
        Map<String, Object> patch = new LinkedHashMap<>();
        if (!annotations.isEmpty()) {
            patch.put("metadata", Map.of("annotations", annotations));
        }
        patch.put("data", keys);
        call("patch ConfigMap " + namespace + "/" + name, () -> PatchUtils.patch(V1ConfigMap.class,
                () -> core.patchNamespacedConfigMap(name, namespace, new V1Patch(GSON.toJson(patch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    /** Changes pod template annotations, which rolls the Deployment (what {@code kubectl rollout restart} does). */
    public void patchPodTemplateAnnotations(String namespace, String name, Map<String, String> annotations) {
        Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations", annotations))));
        call("patch Deployment " + namespace + "/" + name, () -> PatchUtils.patch(V1Deployment.class,
                () -> apps.patchNamespacedDeployment(name, namespace, new V1Patch(GSON.toJson(patch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    /** The Deployment as {@code kubectl rollout status} reads it, or empty when it does not exist. */
    public Optional<DeploymentFacts> deployment(String namespace, String name) {
        return find("get Deployment " + namespace + "/" + name, () -> apps.readNamespacedDeployment(name, namespace).execute()).map(d -> {
            V1ObjectMeta meta = d.getMetadata() == null ? new V1ObjectMeta() : d.getMetadata();
            var status = d.getStatus() == null ? new io.kubernetes.client.openapi.models.V1DeploymentStatus() : d.getStatus();
            String reason = status.getConditions() == null ? null : status.getConditions().stream()
                    .filter(c -> "Progressing".equals(c.getType())).map(c -> c.getReason()).findFirst().orElse(null);
            int specReplicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            return new DeploymentFacts(name, meta.getGeneration() == null ? 0 : meta.getGeneration(),
                    status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(), specReplicas,
                    zero(status.getReplicas()), zero(status.getUpdatedReplicas()), zero(status.getAvailableReplicas()), reason,
                    nonNull(meta.getAnnotations()), d.getSpec() == null || d.getSpec().getTemplate() == null
                            || d.getSpec().getTemplate().getMetadata() == null ? Map.of() : nonNull(d.getSpec().getTemplate().getMetadata().getAnnotations()));
        });
    }

    /** Sets annotations on the Deployment object itself (not its pod template, so nothing rolls). */
    public void patchDeploymentAnnotations(String namespace, String name, Map<String, String> annotations) {
        Map<String, Object> patch = Map.of("metadata", Map.of("annotations", annotations));
        call("patch Deployment " + namespace + "/" + name, () -> PatchUtils.patch(V1Deployment.class,
                () -> apps.patchNamespacedDeployment(name, namespace, new V1Patch(GSON.toJson(patch))).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }

    /** The EndpointSlices of a Service (one list call, by the {@code kubernetes.io/service-name} label). */
    public List<DnsReadiness.Slice> endpointSlices(String namespace, String service) {
        return call("list EndpointSlices of " + namespace + "/" + service, () -> discovery.listNamespacedEndpointSlice(namespace)
                .labelSelector("kubernetes.io/service-name=" + service).execute()).getItems().stream().map(slice -> {
                    List<String> ports = slice.getPorts() == null ? List.of() : slice.getPorts().stream()
                            .map(p -> p.getPort() + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol())).toList();
                    int ready = slice.getEndpoints() == null ? 0 : (int) slice.getEndpoints().stream()
                            .filter(e -> e.getConditions() == null || e.getConditions().getReady() == null || e.getConditions().getReady())
                            .count();
                    return new DnsReadiness.Slice(ports, ready);
                }).toList();
    }

    /**
     * Pods matching the selector whose containers wait for a reason other than starting (CrashLoopBackOff,
     * ImagePullBackOff, ...): "pod NAME: REASON (N restarts)". One list call.
     */
    public List<String> podProblems(String namespace, String labelSelector) {
        return call("list Pods " + labelSelector + " in " + namespace, () -> core.listNamespacedPod(namespace).labelSelector(labelSelector).execute())
                .getItems().stream().flatMap(p -> (p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                        ? List.<io.kubernetes.client.openapi.models.V1ContainerStatus>of() : p.getStatus().getContainerStatuses()).stream()
                        .filter(c -> c.getState() != null && c.getState().getWaiting() != null
                                && !"ContainerCreating".equals(c.getState().getWaiting().getReason())
                                && !"PodInitializing".equals(c.getState().getWaiting().getReason()))
                        .map(c -> "pod " + p.getMetadata().getName() + ": " + c.getState().getWaiting().getReason()
                                + " (" + zero(c.getRestartCount()) + " restarts)"))
                .sorted().toList();
    }

    private static int zero(Integer i) {
        return i == null ? 0 : i;
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

    /** The message of the Kubernetes Status in an error body (it names the verb and resource of a refusal), if any. */
    private static String statusMessage(ApiException e) {
        try {
            com.fasterxml.jackson.databind.JsonNode status = dev.tether.durable.Json.mapper().readTree(e.getResponseBody() == null ? "" : e.getResponseBody());
            return status != null && "Status".equals(status.path("kind").asText()) && status.path("message").isTextual()
                    ? status.path("message").asText() : null;
        } catch (java.io.IOException | RuntimeException ex) {
            return null;
        }
    }

    private RuntimeException translate(String what, ApiException e) {
        int code = e.getCode();
        String msg = what + " in cluster " + clusterId + " failed with " + (code == 0 ? "no response (" + e.getMessage() + ")" : code);
        if (code == 0 || code == 409 || code == 429 || code >= 500) {
            return new TransientException(msg, e);
        }
        if (code == 401) {
            unauthorized.run();
            return new RejectedException("KUBERNETES_UNAUTHORIZED", msg + ": the API server did not accept Tether's credential. Fix: if the"
                    + " cluster's credentials were just rotated, rerun the link (Tether fetches them again); for an Entra ID cluster, check"
                    + " that it is integrated with the tenant of Tether's identity", e);
        }
        if (code == 403) {
            String reason = statusMessage(e);
            return new RejectedException("KUBERNETES_FORBIDDEN", msg + (reason == null ? "" : " (" + reason + ")")
                    + ". Fix: apply infra/kubernetes/tether-rbac.yaml as docs/DEPLOY.md, \"Rights in the clusters\", describes", e);
        }
        return new RejectedException("KUBERNETES_" + code, msg, e);
    }
}
