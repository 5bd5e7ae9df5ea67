package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Deployment controller and the kubelet do for a Deployment, on the virtual clock, reduced to what
 * {@code kubectl rollout status} reads (kubernetes/kubectl {@code pkg/polymorphichelpers/rollout_status.go}:
 * {@code metadata.generation <= status.observedGeneration}, then the Progressing condition's reason
 * {@code ProgressDeadlineExceeded}, {@code updatedReplicas} against {@code spec.replicas}, {@code replicas} against
 * {@code updatedReplicas} (old replicas pending termination), {@code availableReplicas} against {@code updatedReplicas}).
 * <ul>
 * <li>A Deployment seen for the first time is already rolled out: its pods run and are ready.</li>
 * <li>A change of the pod template (its hash) starts a rollout: the controller observes the new generation, one new
 * pod is surged in (not ready yet) while the old ones keep serving ("RollingUpdate", maxUnavailable 0); after the
 * rollout delay the new pods are ready and the old ones are gone. Kubernetes docs, "Deployments": "Rolling Update
 * Deployment", "Progress Deadline Seconds" (default 600 s), and the Progressing reasons ReplicaSetUpdated,
 * NewReplicaSetAvailable and ProgressDeadlineExceeded.</li>
 * <li>Injected faults ({@link ControllerFaults.Rollout}): the new pod stays Pending forever, or its container
 * crash-loops (from its first crash, {@link #CRASH_AFTER} after it was created: state waiting, reason CrashLoopBackOff,
 * a restart count that grows every {@link #CRASH_AFTER}); either way the rollout stays
 * unfinished and, once {@code progressDeadlineSeconds} have passed, the Progressing condition turns False with reason
 * ProgressDeadlineExceeded. The old pods keep serving the old configuration.</li>
 * <li>A pod reads the CoreDNS configuration (ConfigMap {@code coredns-custom}) when it starts, as AKS documents:
 * changes take effect after {@code kubectl -n kube-system rollout restart deployment coredns}. {@link #loadedConfig}
 * tells what a running pod loaded; the DNS model answers from it.</li>
 * </ul>
 * Pods are real API objects (namespace, labels of the template plus {@code pod-template-hash}, status with phase,
 * Ready condition, podIP and container state), so the EndpointSlice controller and Tether read them as they would.
 */
final class SimulatedDeploymentController {
    static final String TEMPLATE_HASH = "pod-template-hash";
    private static final ObjectMapper M = new ObjectMapper();
    /** Kubernetes' default {@code spec.progressDeadlineSeconds}. */
    static final long DEFAULT_PROGRESS_DEADLINE = 600;
    /** How long after a crash the kubelet has restarted the container once more (its back-off, simplified to a constant). */
    static final Duration CRASH_AFTER = Duration.ofSeconds(5);

    /** A rollout in progress: the new template hash, when it started, and how it goes wrong (if it does). */
    record Rollout(String hash, Instant started, ControllerFaults.Rollout fault) {
    }

    private final Duration delay;
    private final ControllerFaults faults;
    /** Per "cluster|namespace/name": the template hash whose pods serve. */
    private final Map<String, String> stable = new ConcurrentHashMap<>();
    private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
    /** Per "cluster|namespace/pod": the coredns-custom data the pod loaded when it started. */
    private final Map<String, Map<String, String>> loaded = new ConcurrentHashMap<>();
    private final Map<String, Integer> podIps = new ConcurrentHashMap<>();
    /** Per cluster: the Deployments ("cluster|namespace/name") its last pass listed (for {@link #due}). */
    private final Map<String, java.util.Set<String>> listed = new ConcurrentHashMap<>();

    SimulatedDeploymentController(Duration delay, ControllerFaults faults) {
        this.delay = delay;
        this.faults = faults;
    }

    void reconcile(ClusterServer cluster, Instant now) {
        List<ObjectNode> deployments = cluster.list("Deployment");
        listed.put(cluster.clusterId, deployments.stream().map(d -> key(cluster, d)).collect(java.util.stream.Collectors.toSet()));
        for (ObjectNode d : deployments) {
            reconcile(cluster, d, now);
        }
    }

    /**
     * Whether a pass at {@code now} may find something to do though the cluster has not changed since its last pass (a
     * change of a Deployment is a change of the cluster): a rollout of a Deployment that pass listed is finishing, or it
     * has an injected fault (crash-loop restarts and the deadline's status change with time alone). From memory: no API
     * read.
     */
    boolean due(ClusterServer cluster, Instant now) {
        java.util.Set<String> deployments = listed.getOrDefault(cluster.clusterId, java.util.Set.of());
        for (Map.Entry<String, Rollout> e : rollouts.entrySet()) {
            Rollout r = e.getValue();
            if (deployments.contains(e.getKey())
                    && (r.fault() != ControllerFaults.Rollout.NONE || !now.isBefore(r.started().plus(delay)))) {
                return true;
            }
        }
        return false;
    }

    /** When this controller next has something to do (a rollout finishing or passing its deadline), if anything. */
    Optional<Instant> nextWakeup(ClusterServer cluster, Instant now) {
        Instant next = null;
        for (ObjectNode d : cluster.list("Deployment")) {
            String key = key(cluster, d);
            Rollout r = rollouts.get(key);
            if (!templateHash(d).equals(r == null ? stable.get(key) : r.hash())) {
                next = min(next, now);
                continue;
            }
            if (r == null) {
                continue;
            }
            Instant due = r.fault() == ControllerFaults.Rollout.NONE ? r.started().plus(delay)
                    : r.started().plusSeconds(deadline(d));
            if (r.fault() != ControllerFaults.Rollout.NONE && !now.isBefore(due)) {
                continue;
            }
            next = min(next, due.isBefore(now) ? now : due);
        }
        return Optional.ofNullable(next);
    }

    /** The coredns-custom data each running pod of the Deployment loaded, by pod name, with whether the pod is ready. */
    Map<String, Map<String, String>> loadedConfig(ClusterServer cluster) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        String prefix = cluster.clusterId + "|";
        loaded.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private void reconcile(ClusterServer cluster, ObjectNode d, Instant now) {
        String key = key(cluster, d);
        String namespace = d.path("metadata").path("namespace").asText();
        String name = d.path("metadata").path("name").asText();
        String hash = templateHash(d);
        int replicas = d.path("spec").path("replicas").asInt(1);
        long generation = d.path("metadata").path("generation").asLong(1);
        if (!stable.containsKey(key)) {
            // Seen for the first time: it was rolled out before the world began.
            stable.put(key, hash);
            for (int i = 0; i < replicas; i++) {
                startPod(cluster, d, hash, i, now, true, null);
            }
            writeStatus(cluster, namespace, name, generation, replicas, replicas, replicas, replicas,
                    "NewReplicaSetAvailable", "True", "ReplicaSet \"" + name + "-" + hash + "\" has successfully progressed.", now);
            return;
        }
        Rollout r = rollouts.get(key);
        if (r == null && hash.equals(stable.get(key))) {
            return;
        }
        if (r != null && !r.hash().equals(hash)) {
            // The template changed again mid-rollout (a new restart, or rollout undo): drop the unfinished pods.
            deletePods(cluster, namespace, d, r.hash());
            rollouts.remove(key);
            r = null;
            if (hash.equals(stable.get(key))) {
                writeStatus(cluster, namespace, name, generation, replicas, replicas, replicas, replicas, "NewReplicaSetAvailable", "True",
                        "ReplicaSet \"" + name + "-" + hash + "\" has successfully progressed.", now);
                return;
            }
        }
        if (r == null) {
            r = new Rollout(hash, now, faults.rollout(namespace + "/" + name));
            rollouts.put(key, r);
            startPod(cluster, d, hash, 0, now, false, r.fault());
            writeStatus(cluster, namespace, name, generation, replicas + 1, 1, replicas, replicas, "ReplicaSetUpdated", "True",
                    "ReplicaSet \"" + name + "-" + hash + "\" is progressing.", now);
            return;
        }
        if (r.fault() == ControllerFaults.Rollout.NONE) {
            if (now.isBefore(r.started().plus(delay))) {
                return;
            }
            deletePods(cluster, namespace, d, stable.get(key));
            deletePods(cluster, namespace, d, r.hash());
            for (int i = 0; i < replicas; i++) {
                startPod(cluster, d, hash, i, now, true, null);
            }
            stable.put(key, hash);
            rollouts.remove(key);
            writeStatus(cluster, namespace, name, generation, replicas, replicas, replicas, replicas, "NewReplicaSetAvailable", "True",
                    "ReplicaSet \"" + name + "-" + hash + "\" has successfully progressed.", now);
            return;
        }
        if (r.fault() == ControllerFaults.Rollout.CRASH_LOOP) {
            crashAgain(cluster, namespace, d, r, now);
        }
        if (!now.isBefore(r.started().plusSeconds(deadline(d)))) {
            writeStatus(cluster, namespace, name, generation, replicas + 1, 1, replicas, replicas, "ProgressDeadlineExceeded", "False",
                    "ReplicaSet \"" + name + "-" + hash + "\" has timed out progressing.", now);
        }
    }

    private static long deadline(JsonNode d) {
        return d.path("spec").path("progressDeadlineSeconds").asLong(DEFAULT_PROGRESS_DEADLINE);
    }

    private void crashAgain(ClusterServer cluster, String namespace, ObjectNode d, Rollout r, Instant now) {
        String podName = podName(d, r.hash(), 0);
        long restarts = Duration.between(r.started(), now).dividedBy(CRASH_AFTER);
        if (restarts == 0) {
            return;
        }
        String image = d.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText("");
        ObjectNode status = crashLoopStatus(podName, image, restarts, r.started());
        cluster.patchStatus("Pod", namespace, podName, status);
    }

    private void startPod(ClusterServer cluster, ObjectNode d, String hash, int index, Instant now, boolean ready,
                          ControllerFaults.Rollout fault) {
        String namespace = d.path("metadata").path("namespace").asText();
        String podName = podName(d, hash, index);
        ObjectNode pod = M.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("name", podName).put("namespace", namespace);
        ObjectNode labels = meta.putObject("labels");
        d.path("spec").path("template").path("metadata").path("labels").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
        labels.put(TEMPLATE_HASH, hash);
        meta.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1").put("kind", "ReplicaSet")
                .put("name", d.path("metadata").path("name").asText() + "-" + hash).put("controller", true)
                .put("uid", java.util.UUID.nameUUIDFromBytes((cluster.clusterId + "/" + namespace + "/" + hash).getBytes(StandardCharsets.UTF_8)).toString());
        pod.set("spec", d.path("spec").path("template").path("spec").deepCopy());
        ((ObjectNode) pod.get("spec")).put("nodeName", "aks-nodepool1-00000000-vmss000000");
        String ip = podIp(cluster);
        String image = d.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText("");
        if (fault == ControllerFaults.Rollout.STUCK) {
            pod.set("status", pendingStatus(image));
        } else if (fault == ControllerFaults.Rollout.CRASH_LOOP) {
            pod.set("status", pendingStatus(image).put("podIP", ip));
        } else {
            pod.set("status", runningStatus(ip, image, now, ready));
        }
        cluster.delete("Pod", namespace, podName);
        cluster.create(pod);
        String loadedKey = cluster.clusterId + "|" + namespace + "/" + podName;
        if (fault == null || fault == ControllerFaults.Rollout.NONE) {
            loaded.put(loadedKey, cluster.get("ConfigMap", "kube-system", "coredns-custom")
                    .map(cm -> M.convertValue(cm.path("data"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }))
                    .map(m -> m == null ? Map.<String, String>of() : m).orElse(Map.of()));
        }
    }

    private void deletePods(ClusterServer cluster, String namespace, ObjectNode d, String hash) {
        for (ObjectNode pod : cluster.list("Pod")) {
            if (namespace.equals(pod.path("metadata").path("namespace").asText())
                    && hash != null && hash.equals(pod.path("metadata").path("labels").path(TEMPLATE_HASH).asText())
                    && pod.path("metadata").path("name").asText().startsWith(d.path("metadata").path("name").asText() + "-")) {
                String podName = pod.path("metadata").path("name").asText();
                cluster.delete("Pod", namespace, podName);
                loaded.remove(cluster.clusterId + "|" + namespace + "/" + podName);
            }
        }
    }

    private String podIp(ClusterServer cluster) {
        int n = podIps.merge(cluster.clusterId, 1, Integer::sum);
        return "10.244.0." + (n + 9);
    }

    private static ObjectNode runningStatus(String ip, String image, Instant now, boolean ready) {
        ObjectNode s = M.createObjectNode().put("phase", "Running").put("podIP", ip);
        s.putArray("podIPs").addObject().put("ip", ip);
        ArrayNode conditions = s.putArray("conditions");
        conditions.addObject().put("type", "Ready").put("status", ready ? "True" : "False");
        conditions.addObject().put("type", "ContainersReady").put("status", ready ? "True" : "False");
        ObjectNode c = s.putArray("containerStatuses").addObject().put("name", "coredns").put("image", image).put("imageID", "").put("ready", ready).put("restartCount", 0);
        c.putObject("state").putObject("running").put("startedAt", now.toString());
        return s;
    }

    private static ObjectNode pendingStatus(String image) {
        ObjectNode s = M.createObjectNode().put("phase", "Pending");
        s.putArray("conditions").addObject().put("type", "Ready").put("status", "False");
        ObjectNode c = s.putArray("containerStatuses").addObject().put("name", "coredns").put("image", image).put("imageID", "").put("ready", false).put("restartCount", 0);
        c.putObject("state").putObject("waiting").put("reason", "ContainerCreating");
        return s;
    }

    private static ObjectNode crashLoopStatus(String podName, String image, long restarts, Instant started) {
        ObjectNode s = M.createObjectNode().put("phase", "Running");
        s.putArray("conditions").addObject().put("type", "Ready").put("status", "False");
        ObjectNode c = s.putArray("containerStatuses").addObject().put("name", "coredns").put("image", image).put("imageID", "").put("ready", false).put("restartCount", restarts);
        c.putObject("state").putObject("waiting").put("reason", "CrashLoopBackOff")
                .put("message", "back-off 10s restarting failed container=coredns pod=" + podName);
        c.putObject("lastState").putObject("terminated").put("exitCode", 1).put("reason", "Error").put("startedAt", started.toString());
        return s;
    }

    private static void writeStatus(ClusterServer cluster, String namespace, String name, long generation, int replicas, int updated,
                                    int ready, int available, String reason, String progressing, String message, Instant now) {
        ObjectNode s = M.createObjectNode().put("observedGeneration", generation).put("replicas", replicas)
                .put("updatedReplicas", updated).put("readyReplicas", ready).put("availableReplicas", available);
        if (replicas - available > 0) {
            s.put("unavailableReplicas", replicas - available);
        }
        ArrayNode conditions = s.putArray("conditions");
        conditions.addObject().put("type", "Available").put("status", available >= 1 ? "True" : "False")
                .put("reason", available >= 1 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .put("message", available >= 1 ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")
                .put("lastUpdateTime", now.toString());
        conditions.addObject().put("type", "Progressing").put("status", progressing).put("reason", reason).put("message", message)
                .put("lastUpdateTime", now.toString());
        cluster.patchStatus("Deployment", namespace, name, s);
    }

    private static String podName(JsonNode d, String hash, int index) {
        return d.path("metadata").path("name").asText() + "-" + hash + "-" + "abcdefghij".charAt(index % 10) + Integer.toString(index / 10);
    }

    private static String key(ClusterServer cluster, JsonNode d) {
        return cluster.clusterId + "|" + d.path("metadata").path("namespace").asText() + "/" + d.path("metadata").path("name").asText();
    }

    /** A short hash of the pod template, as the ReplicaSet's pod-template-hash label. */
    static String templateHash(JsonNode d) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(d.path("spec").path("template").toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

}
