package dev.tether.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import dev.tether.activities.LinkActivities;
import dev.tether.activities.ServiceActivities;
import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Instances;
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.Steps;
import dev.tether.plan.Change;
import dev.tether.plan.Conventions;
import dev.tether.plan.Finding;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
import dev.tether.plan.NearMiss;
import dev.tether.plan.ResourceId;
import dev.tether.plan.ServiceDecision;
import dev.tether.plan.SiteLinkPlan;
import dev.tether.plan.Tags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the operators' HTTP API does: rerun links, dry-run plans (reads only), and the status of every link. The HTTP
 * functions only translate requests and responses; bad input is an {@link InvalidInputException} (HTTP 400).
 */
public final class OperatorApi {
    private static final Pattern LINK = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final ArmGateway arm;
    private final LinkActivities links;
    private final ServiceActivities services;
    private final TetherConfig config;
    private final ClusterView clusterView;

    public OperatorApi(ArmGateway arm, LinkActivities links, ServiceActivities services, TetherConfig config,
                       dev.tether.kubernetes.ClusterConnector clusters) {
        this.arm = arm;
        this.links = links;
        this.services = services;
        this.config = config;
        this.clusterView = new ClusterView(arm, clusters, config.altDnsServer());
    }

    /** A request names one resource or one link. */
    public record Target(ResourceId resourceId, String link) {
    }

    public Target target(String resourceId, String link) {
        if ((resourceId == null || resourceId.isBlank()) == (link == null || link.isBlank())) {
            throw new InvalidInputException("give exactly one of resourceId or link");
        }
        if (link != null && !link.isBlank()) {
            if (!LINK.matcher(link).matches()) {
                throw new InvalidInputException("link '" + ResourceId.abbreviate(link) + "' is not a valid link name (a lowercase DNS label)");
            }
            return new Target(null, link);
        }
        ResourceId id = ResourceId.parse(resourceId);
        if (!config.inScope(id.subscriptionId())) {
            throw new InvalidInputException("subscription " + id.subscriptionId() + " is outside Tether's scope (TETHER_SUBSCRIPTIONS)");
        }
        if (!(id.isType(Conventions.TYPE_SITE) || id.isType(Conventions.TYPE_SLOT) || id.isType(Conventions.TYPE_CLUSTER))) {
            throw new InvalidInputException("resource type " + id.type() + " is not linked by Tether: give a site, a slot or a managed cluster");
        }
        return new Target(id, null);
    }

    /** Every resource of a link in the scope (one tag-filtered list call per scoped subscription). */
    List<ResourceId> members(String link) {
        List<ResourceId> out = new ArrayList<>();
        for (String sub : config.subscriptions()) {
            for (String raw : arm.taggedResources(sub, List.of(Conventions.TYPE_CLUSTER, Conventions.TYPE_SITE, Conventions.TYPE_SLOT), Conventions.TAG_LINK, link)) {
                try {
                    out.add(ResourceId.parse(raw));
                } catch (InvalidInputException e) {
                    // One member Tether cannot handle never fails the others: it is logged by itself and skipped.
                    dev.tether.logging.StructuredLog.log(java.util.logging.Logger.getLogger("dev.tether.operator"), java.util.logging.Level.WARNING,
                            "link.member.unhandled", Map.of("resourceId", raw, "error", e.getMessage()));
                }
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("no site, slot or cluster in Tether's scope carries " + Conventions.TAG_LINK + "=" + link);
        }
        return out;
    }

    /**
     * Starts or signals the link orchestration of the target (or of every member of the link); returns the instance ids.
     * A named resource is read first (one ARM read, as the event trigger does): one that does not exist gets no instance.
     */
    public List<String> rerun(Target target, DurableTaskClient client) {
        if (target.resourceId() != null) {
            ResourceId id = target.resourceId();
            boolean exists = id.isType(Conventions.TYPE_CLUSTER) ? arm.cluster(id).isPresent() : arm.site(id).isPresent();
            if (!exists) {
                throw new dev.tether.errors.NotFoundException(id + " does not exist: check the resource id (a site, a slot or a managed cluster"
                        + " in one of TETHER_SUBSCRIPTIONS)");
            }
        }
        List<ResourceId> ids = target.resourceId() != null ? List.of(target.resourceId()) : members(target.link());
        LinkStarter starter = new LinkStarter(client);
        LinkOptions options = LinkOptions.from(config);
        List<String> instances = new ArrayList<>();
        for (ResourceId id : ids) {
            starter.startLink(id, options, "rerun over HTTP");
            instances.add(LinkStarter.linkInstanceId(id));
        }
        return instances;
    }

    /** The dry run: observe and plan, write nothing. */
    public ObjectNode plan(Target target) {
        List<ResourceId> ids = target.resourceId() != null ? List.of(target.resourceId()) : members(target.link());
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode plans = out.putArray("plans");
        for (ResourceId id : ids) {
            if (id.isType(Conventions.TYPE_CLUSTER)) {
                ObjectNode p = plans.addObject();
                p.put("resourceId", id.toString()).put("kind", "cluster");
                p.set("cluster", Json.mapper().valueToTree(links.observeCluster(id.toString())));
                p.set("services", Json.mapper().valueToTree(services.observe(id.toString(), null)));
            } else {
                ObjectNode p = plans.addObject();
                p.put("resourceId", id.toString()).put("kind", "site");
                p.set("site", Json.mapper().valueToTree(clusterView.converged(links.observeSite(id.toString()))));
            }
        }
        return out;
    }

    /** A table a person can read, from {@link #plan}. */
    public static String planText(ObjectNode plan) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : plan.path("plans")) {
            if (p.path("kind").asText().equals("site-unlink")) {
                dev.tether.plan.UnlinkPlan u = Json.mapper().convertValue(p.get("unlink"), dev.tether.plan.UnlinkPlan.class);
                sb.append(p.path("resourceId").asText()).append("\n  unlink ").append(u.status()).append(": ").append(u.message()).append('\n');
                for (Change c : u.changes()) {
                    sb.append(String.format("  %-13s %-9s %s%n", c.step(), c.action(), c.reason()));
                }
            } else if (p.path("kind").asText().equals("cluster-unlink")) {
                dev.tether.plan.ClusterUnlinkPlan u = Json.mapper().convertValue(p.get("unlink"), dev.tether.plan.ClusterUnlinkPlan.class);
                sb.append(p.path("resourceId").asText()).append("\n  unlink ").append(u.status()).append(": ").append(u.message()).append('\n');
                if (p.hasNonNull("after")) {
                    sb.append("  after ").append(p.path("after").asText()).append('\n');
                }
                for (Change c : u.changes()) {
                    sb.append(String.format("  %-17s %-9s %s%n", c.step(), c.action(), c.reason()));
                }
            } else if (p.path("kind").asText().equals("site")) {
                SiteLinkPlan s = Json.mapper().convertValue(p.get("site"), SiteLinkPlan.class);
                sb.append(p.path("resourceId").asText()).append("\n  status ").append(s.status()).append(": ").append(s.message()).append('\n');
                for (Change c : s.changes()) {
                    sb.append(String.format("  %-13s %-9s %s%n", c.step(), c.action() == null ? "(later)" : c.action(), c.reason()));
                }
                for (Finding f : s.findings()) {
                    sb.append("  ").append(f.severity()).append(' ').append(f.describe()).append('\n');
                }
            } else {
                JsonNode c = p.path("cluster");
                sb.append(p.path("resourceId").asText()).append("\n  status ").append(c.path("status").asText()).append(": ")
                        .append(c.path("message").asText()).append('\n');
                for (JsonNode d : p.path("services").path("decisions")) {
                    ServiceDecision sd = Json.mapper().convertValue(d, ServiceDecision.class);
                    sb.append(String.format("  service %-30s %-9s %s%n", sd.service(), sd.error() != null ? "REFUSED" : String.valueOf(sd.action()),
                            sd.error() != null ? sd.error() : sd.exposureBefore() + " -> " + sd.exposureAfter() + " (" + sd.reason() + ")"));
                }
            }
        }
        return sb.toString();
    }

    /** The state of every link (or one): cluster, DNS IP, and each app linked, drifted, waiting or failed, with why. */
    public ObjectNode status(String linkFilter, DurableTaskClient client) {
        if (linkFilter != null && !LINK.matcher(linkFilter).matches()) {
            throw new InvalidInputException("link '" + ResourceId.abbreviate(linkFilter) + "' is not a valid link name (a lowercase DNS label)");
        }
        OrchestrationMetadata scan = Instances.find(client, Steps.DRIFT_SCAN_INSTANCE, true);
        Map<String, List<String>> drift = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ObjectNode out = Json.mapper().createObjectNode();
        if (scan != null && scan.isCompleted()) {
            JsonNode report = Json.tree(scan.getSerializedOutput());
            report.path("drifted").forEach(d -> {
                List<String> reasons = new ArrayList<>();
                d.path("reasons").forEach(r -> reasons.add(r.asText()));
                drift.put(d.path("resourceId").asText(), reasons);
            });
            ObjectNode lastScan = out.putObject("lastDriftScan");
            lastScan.put("instanceId", scan.getInstanceId()).put("completedAt", scan.getLastUpdatedAt().toString());
            lastScan.set("report", report);
        }
        Map<String, ObjectNode> byLink = new TreeMap<>();
        List<InventoryItem> released = new ArrayList<>();
        List<InventoryItem> inventory = arm.inventory(new ArrayList<>(config.subscriptions()));
        for (InventoryItem item : inventory) {
            Optional<String> link;
            try {
                link = Tags.link(item.tags());
            } catch (InvalidInputException e) {
                continue;
            }
            if (link.isEmpty() || (linkFilter != null && !linkFilter.equals(link.get()))) {
                continue;
            }
            ObjectNode l = byLink.computeIfAbsent(link.get(), k -> {
                ObjectNode n = Json.mapper().createObjectNode();
                n.put("link", k);
                n.putArray("clusters");
                n.putArray("apps");
                return n;
            });
            ResourceId id;
            try {
                id = ResourceId.parse(item.id());
            } catch (InvalidInputException e) {
                ObjectNode bad = ((ArrayNode) l.get(item.isCluster() ? "clusters" : "apps")).addObject();
                bad.put("resourceId", item.id()).put("state", "unhandled").put("reason", e.getMessage());
                continue;
            }
            String instanceId = LinkStarter.linkInstanceId(id);
            OrchestrationMetadata m = Instances.find(client, instanceId, true);
            ObjectNode entry = ((ArrayNode) l.get(item.isCluster() ? "clusters" : "apps")).addObject();
            entry.put("resourceId", item.id());
            if (!item.isCluster() && item.subnetId() != null) {
                entry.put("subnetId", item.subnetId());
            }
            if (item.isCluster()) {
                try {
                    entry.put("domain", Tags.domain(item.tags(), link.get()));
                } catch (InvalidInputException e) {
                    entry.put("domain", link.get() + ".internal");
                }
            }
            Map<String, String> state = state(m, drift.get(item.id()));
            state.forEach(entry::put);
            if (state.containsKey("dnsIp") && item.isCluster()) {
                l.put("dnsIp", state.get("dnsIp"));
            }
            if (m != null) {
                entry.putObject("lastOrchestration").put("instanceId", instanceId).put("runtimeStatus", m.getRuntimeStatus().name())
                        .put("lastUpdatedAt", m.getLastUpdatedAt().toString());
            }
        }
        byLink.values().forEach(this::clusterTruth);
        ArrayNode linksOut = out.putArray("links");
        byLink.values().forEach(linksOut::add);
        // Apps that lost their tag but are still integrated: released (TETHER_ON_UNTAG=report) or being unlinked (one metadata read each).
        ArrayNode releasedOut = out.putArray("released");
        if (linkFilter == null) {
            // One Resource Graph query: apps without the tag still joined to a subnet named like Tether's.
            released.addAll(arm.released(new ArrayList<>(config.subscriptions()), config.subnetNamePrefix()).stream().filter(i -> parsesInScope(i.id())).toList());
        }
        for (InventoryItem item : released) {
            String instanceId = LinkStarter.linkInstanceId(ResourceId.parse(item.id()));
            OrchestrationMetadata m = Instances.find(client, instanceId, true);
            boolean unlinking = m != null && (m.isRunning() || m.getRuntimeStatus().name().equals("PENDING"))
                    && m.isCustomStatusFetched() && unlinkingStatus(m);
            releasedOut.addObject().put("resourceId", item.id()).put("kind", "app").put("subnetId", item.subnetId()).put("state", unlinking ? "unlinking" : "released")
                    .put("reason", unlinking ? "orchestration " + instanceId + " is unlinking it" : "no " + Conventions.TAG_LINK
                            + " tag but still integrated; POST /api/links/unlink undoes what Tether made (docs/UNLINK.md)");
        }
        // Clusters whose unlink runs or waits its untag grace (untagged, so in no link above): one durable query, no ARM read.
        if (linkFilter == null) {
            UnlinkingClusters.list(client).forEach(c -> releasedOut.addObject().put("resourceId", c.resourceId()).put("kind", "cluster")
                    .put("state", "unlinking").put("reason", "orchestration " + c.instanceId() + " is unlinking it" + c.phase()));
        }
        // Near misses: an app and a cluster whose link values differ only in letter case or whitespace are not linked.
        ArrayNode nearMisses = out.putArray("nearMisses");
        NearMiss.find(inventory.stream().filter(i -> parsesInScope(i.id())).toList()).stream()
                .filter(n -> linkFilter == null || n.appValue().strip().equalsIgnoreCase(linkFilter))
                .forEach(n -> nearMisses.addObject().put("appId", n.appId()).put("appValue", n.appValue())
                        .put("clusterId", n.clusterId()).put("clusterValue", n.clusterValue()).put("message", n.message()));
        return out;
    }

    /**
     * Each cluster of a link as it is now (live reads: its DNS IP, readiness and managed Services). A cluster linked
     * through its apps' passes (no cluster pass of its own, or an older one) shows as linked when they are.
     */
    private void clusterTruth(ObjectNode link) {
        String linkedApp = null;
        String appDns = null;
        for (JsonNode app : link.path("apps")) {
            if ("linked".equals(app.path("state").asText()) && app.hasNonNull("dnsIp")) {
                linkedApp = app.path("resourceId").asText();
                appDns = app.path("dnsIp").asText();
            }
        }
        for (JsonNode c : link.path("clusters")) {
            ObjectNode cluster = (ObjectNode) c;
            String domain = cluster.path("domain").asText();
            ObjectNode live = clusterView.read(cluster.path("resourceId").asText(), domain);
            if (live.hasNonNull("dnsIp")) {
                cluster.put("dnsIp", live.get("dnsIp").asText());
                link.put("dnsIp", live.get("dnsIp").asText());
            }
            cluster.set("ready", live.get("ready"));
            cluster.set("readiness", live.get("readiness"));
            cluster.set("services", live.get("services"));
            if (live.has("error")) {
                cluster.put("error", live.get("error").asText());
            }
            String state = cluster.path("state").asText();
            if (linkedApp != null && (state.equals("unknown") || state.equals("not_tagged")) && appDns.equals(live.path("dnsIp").asText(null))) {
                cluster.put("state", "linked");
                cluster.put("reason", "cluster DNS " + appDns + " (zone " + domain + ") serves " + linkedApp.substring(linkedApp.lastIndexOf('/') + 1)
                        + (live.path("ready").asBoolean() ? "; ready" : "; not ready: see readiness"));
            }
        }
    }

    private static Map<String, String> state(OrchestrationMetadata m, List<String> drift) {
        Map<String, String> s = new LinkedHashMap<>();
        if (drift != null) {
            s.put("state", "drifted");
            s.put("reason", String.join("; ", drift));
        } else if (m == null) {
            s.put("state", "unknown");
            s.put("reason", "no link orchestration has run for it yet");
        } else if (m.isRunning() || m.getRuntimeStatus().name().equals("PENDING")) {
            s.put("state", "linking");
            s.put("reason", "orchestration " + m.getRuntimeStatus().name().toLowerCase());
        } else if (m.getRuntimeStatus().name().equals("FAILED")) {
            s.put("state", "failed");
            s.put("reason", m.getFailureDetails() == null ? "failed" : m.getFailureDetails().getErrorMessage());
        } else {
            JsonNode output = Json.tree(m.getSerializedOutput() == null ? "{}" : m.getSerializedOutput());
            String status = output.path("status").asText("");
            s.put("state", status.equals("WAITING") ? "waiting" : status.equals("LINKED") ? "linked" : status.toLowerCase());
            s.put("reason", output.path("message").asText(""));
            if (output.hasNonNull("dnsIp")) {
                s.put("dnsIp", output.get("dnsIp").asText());
            }
        }
        return s;
    }

    /** Whether a running instance's custom status says it is unlinking ({@code step: unlinking}). */
    static boolean unlinkingStatus(OrchestrationMetadata m) {
        try {
            Map<?, ?> status = m.readCustomStatusAs(Map.class);
            return status != null && "unlinking".equals(status.get("step"));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** Whether an id parses and is in scope; an id Tether cannot handle is listed by itself elsewhere, never fatal here. */
    private boolean parsesInScope(String id) {
        try {
            return config.inScope(ResourceId.parse(id).subscriptionId());
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
