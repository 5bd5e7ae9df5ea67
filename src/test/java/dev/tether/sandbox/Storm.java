package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.durable.Json;
import dev.tether.orchestration.Steps;
import dev.tether.sandbox.durable.DurableDriver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * An Event Grid storm over a {@link FleetWorld#unlinked} world, deterministic by seed. Every app and cluster is written
 * one to three times within the first minute (create, tag, a later change; each a real-shaped ResourceWriteSuccess),
 * and each write is delivered shortly after it happens. The rest of the deliveries are Event Grid redeliveries of those
 * writes (same id, same time), up to two minutes late, so they arrive out of order; one in ten names its resource in
 * other letter case, as ARM ids are case-insensitive. Deliveries happen at their virtual times while the durable
 * driver runs everything due in between; a delivery whose function throws is redelivered on Event Grid's schedule.
 */
public final class Storm {
    /**
     * @param resourcesTopic the writes of apps and clusters arrive as Azure Resource Notifications' CreatedOrUpdated (the
     *                       resource's body, tags included, as the world holds it), as main.bicep's
     *                       {@code eventSource=resourceNotifications} delivers them; tag writes stay ResourceWriteSuccess
     *                       from the subscription topic, as there
     */
    public record Spec(int apps, int clusters, int deliveries, long seed, boolean resourcesTopic) {
        public Spec(int apps, int clusters, int deliveries, long seed) {
            this(apps, clusters, deliveries, seed, false);
        }
    }

    record Delivery(Instant at, String resourceId, String json, int attempt) {
    }

    public record Report(Spec spec, Map<String, Integer> actions, int redeliveries, List<String> violations, long armReads, long armWrites,
                         long armFailedWrites, long throttled, long kubeReads, long kubeWrites, long kubeFailedWrites,
                         Duration virtualSpan, long wallMillis) {
        public double eventsPerSecond() {
            return spec.deliveries() * 1000.0 / Math.max(1, wallMillis);
        }
    }

    /** Event Grid's retry schedule for a failed delivery (its first steps). */
    static final List<Duration> EVENT_GRID_RETRIES = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1));

    private Storm() {
    }

    /** The deliveries, in time order; {@code bodies} gives a resource's ARM body (the resources topic's payload). */
    static List<Delivery> plan(Spec spec, Instant start, java.util.function.Function<String, JsonNode> bodies) {
        Random r = new Random(spec.seed());
        record Write(String resourceId, String uri, String op, String id, Instant time) {
        }
        List<Write> writes = new ArrayList<>();
        int seq = 0;
        for (int i = 0; i < spec.apps() + spec.clusters(); i++) {
            boolean cluster = i >= spec.apps();
            String id = cluster ? FleetWorld.clusterId(i - spec.apps()) : FleetWorld.siteId(i, spec.clusters());
            String op = cluster ? "Microsoft.ContainerService/managedClusters/write" : "Microsoft.Web/sites/write";
            Instant created = start.plusMillis(r.nextInt(60_000));
            writes.add(new Write(id, id, op, eventId(spec.seed(), seq++), created));
            if (cluster || r.nextBoolean()) {
                writes.add(new Write(id, id + "/providers/Microsoft.Resources/tags/default", "Microsoft.Resources/tags/write", eventId(spec.seed(), seq++),
                        created.plusMillis(1_000 + r.nextInt(40_000))));
            }
            if (!cluster && r.nextInt(10) < 3) {
                writes.add(new Write(id, id, op, eventId(spec.seed(), seq++), created.plusMillis(1_000 + r.nextInt(60_000))));
            }
        }
        if (writes.size() > spec.deliveries()) {
            throw new IllegalArgumentException(spec + " has fewer deliveries than the " + writes.size() + " writes it makes");
        }
        List<Delivery> out = new ArrayList<>();
        for (int n = 0; n < spec.deliveries(); n++) {
            Write w = n < writes.size() ? writes.get(n) : writes.get(r.nextInt(writes.size()));
            Instant at = n < writes.size() ? w.time().plusMillis(200 + r.nextInt(2_800)) : w.time().plusMillis(3_000 + r.nextInt(117_000));
            String uri = r.nextInt(10) == 0 ? otherCase(w.uri()) : w.uri();
            ObjectNode e;
            if (spec.resourcesTopic() && !w.op().equals("Microsoft.Resources/tags/write")) {
                e = ReferenceEvents.createdOrUpdated(bodies.apply(w.resourceId()), w.id(), w.time());
                e.put("subject", uri);
                ((ObjectNode) e.get("data").get("resourceInfo")).put("id", uri);
            } else {
                e = ReferenceEvents.writeSuccess(uri, w.op(), w.id(), w.time());
            }
            out.add(new Delivery(at, w.resourceId(), e.toString(), 1));
        }
        out.sort(Comparator.comparing(Delivery::at));
        return out;
    }

    private static String eventId(long seed, int n) {
        return new java.util.UUID(seed, n).toString();
    }

    /** The same ARM id as another writer might spell it: lower-case segment names, upper-case resource name. */
    private static String otherCase(String uri) {
        String[] parts = uri.split("/");
        for (int k = 0; k < parts.length; k++) {
            parts[k] = k % 2 == 1 ? parts[k].toLowerCase(Locale.ROOT) : parts[k].toUpperCase(Locale.ROOT);
        }
        return String.join("/", parts);
    }

    public static Report run(Sandbox s, Spec spec) {
        return run(s, spec, done -> { });
    }

    /** @param progress told the number of deliveries made so far, after each one */
    public static Report run(Sandbox s, Spec spec, java.util.function.IntConsumer progress) {
        long wall0 = System.nanoTime();
        // The driver's loop guard is sized for one link; the storm's deliveries and its last drain (below) run the fleet's
        // queued passes, so it grows with the fleet (a link is about 60 steps with its timers and read-budget waits).
        s.durable().maxEpisodes(Math.max(10_000, 100 * (spec.apps() + spec.clusters())));
        Instant start = s.clock().now();
        int mark = s.calls().size();
        PriorityQueue<Delivery> queue = new PriorityQueue<>(Comparator.comparing(Delivery::at));
        queue.addAll(plan(spec, start, id -> s.arm().resource(id).orElseThrow(() -> new IllegalStateException("the storm's world has no " + id))));
        Map<String, Integer> actions = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        int redeliveries = 0;
        while (!queue.isEmpty()) {
            Delivery d = queue.poll();
            s.durable().runUntil(d.at());
            String action;
            try {
                action = s.deliver(d.json());
            } catch (RuntimeException failed) {
                // The function failed (a transient Azure error): Event Grid delivers it again later.
                if (d.attempt() > EVENT_GRID_RETRIES.size()) {
                    throw new IllegalStateException("delivery of an event for " + d.resourceId() + " failed " + d.attempt() + " times", failed);
                }
                queue.add(new Delivery(s.clock().now().plus(EVENT_GRID_RETRIES.get(d.attempt() - 1)), d.resourceId(), d.json(), d.attempt() + 1));
                redeliveries++;
                action = "failed, redelivered";
            }
            actions.merge(action, 1, Integer::sum);
            violations.addAll(moreThanOneActivePerResource(s.durable().instances()));
            progress.accept(actions.values().stream().mapToInt(Integer::intValue).sum());
        }
        drainAtTheBucketsPace(s);
        Duration span = Duration.between(start, s.clock().now());
        List<CallLog.Call> calls = s.calls().since(mark);
        return new Report(spec, actions, redeliveries, violations,
                count(calls, "arm", false, false), count(calls, "arm", true, false), count(calls, "arm", true, true),
                calls.stream().filter(c -> c.status() == 429).count(),
                count(calls, "kubernetes", false, false), count(calls, "kubernetes", true, false), count(calls, "kubernetes", true, true),
                span, (System.nanoTime() - wall0) / 1_000_000);
    }

    /**
     * The last drain: every pass still queued behind the read bucket runs, at the bucket's pace. How many read-budget
     * waits the queue takes grows faster than the fleet, so each minute of virtual time gets the driver's loop guard;
     * an orchestration that never ends is still caught, by the guard within a minute or by the bound of a day.
     */
    static void drainAtTheBucketsPace(Sandbox s) {
        Duration bound = Duration.parse(System.getProperty("storm.drainBound", "P1D"));
        try {
            s.durable().runUntilIdleInWindows(Duration.ofMinutes(1), s.clock().now().plus(bound));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; still active: " + stillActive(s.durable().instances()), e);
        }
    }

    /** The instances still active, counted by orchestration and custom status, most first: what a drain that does not end is busy with. */
    static String stillActive(List<DurableDriver.InstanceView> instances) {
        Map<String, Integer> by = new java.util.TreeMap<>();
        for (DurableDriver.InstanceView v : instances) {
            if (v.status().equals("Running") || v.status().equals("Pending")) {
                String status = v.customStatus() == null ? "" : v.customStatus();
                by.merge(v.name() + " " + (status.length() > 300 ? status.substring(0, 300) + "..." : status), 1, Integer::sum);
            }
        }
        return by.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                .map(e -> e.getValue() + " x " + e.getKey()).collect(java.util.stream.Collectors.joining("; "));
    }

    private static long count(List<CallLog.Call> calls, String target, boolean writes, boolean failed) {
        return calls.stream().filter(c -> c.target().equals(target) && c.isWrite() == writes && (c.status() == 0 || c.status() >= 400) == failed).count();
    }

    /** Link instances active at once for one resource (compared case-insensitively): there must never be two. */
    static List<String> moreThanOneActivePerResource(List<DurableDriver.InstanceView> instances) {
        Map<String, List<String>> active = new HashMap<>();
        for (DurableDriver.InstanceView v : instances) {
            boolean link = v.name().equals(Steps.LINK_SITE_ORCHESTRATION) || v.name().equals(Steps.LINK_CLUSTER_ORCHESTRATION);
            if (link && (v.status().equals("Running") || v.status().equals("Pending"))) {
                JsonNode input = Json.tree(v.input());
                active.computeIfAbsent(input.path("resourceId").asText().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(v.instanceId());
            }
        }
        return active.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " has " + e.getValue().size() + " active link instances: " + e.getValue()).toList();
    }
}
