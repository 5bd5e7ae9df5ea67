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
import dev.tether.durable.Json;
import dev.tether.durable.LinkStarter;
import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.Steps;
import dev.tether.plan.Change;
import dev.tether.plan.Conventions;
import dev.tether.plan.Finding;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.InventoryItem;
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

    public OperatorApi(ArmGateway arm, LinkActivities links, ServiceActivities services, TetherConfig config) {
        this.arm = arm;
        this.links = links;
        this.services = services;
        this.config = config;
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
            arm.taggedResources(sub, List.of(Conventions.TYPE_CLUSTER, Conventions.TYPE_SITE, Conventions.TYPE_SLOT), Conventions.TAG_LINK, link)
                    .forEach(id -> out.add(ResourceId.parse(id)));
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
                p.set("site", Json.mapper().valueToTree(links.observeSite(id.toString())));
            }
        }
        return out;
    }

    /** A table a person can read, from {@link #plan}. */
    public static String planText(ObjectNode plan) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : plan.path("plans")) {
            if (p.path("kind").asText().equals("site")) {
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
        OrchestrationMetadata scan = client.getInstanceMetadata(Steps.DRIFT_SCAN_INSTANCE, true);
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
        for (InventoryItem item : arm.inventory(new ArrayList<>(config.subscriptions()))) {
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
            ResourceId id = ResourceId.parse(item.id());
            String instanceId = LinkStarter.linkInstanceId(id);
            OrchestrationMetadata m = client.getInstanceMetadata(instanceId, true);
            ObjectNode entry = ((ArrayNode) l.get(item.isCluster() ? "clusters" : "apps")).addObject();
            entry.put("resourceId", item.id());
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
        ArrayNode linksOut = out.putArray("links");
        byLink.values().forEach(linksOut::add);
        return out;
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
}
