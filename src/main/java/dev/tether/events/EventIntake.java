package dev.tether.events;

import com.microsoft.durabletask.DurableTaskClient;
import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.InstanceIds;
import dev.tether.durable.LinkStarter;
import dev.tether.errors.RejectedException;
import dev.tether.logging.StructuredLog;
import dev.tether.orchestration.LinkOptions;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.Steps;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the Event Grid trigger does with one event (cloud-custodian style): parse, route, check scope, read the resource
 * (events carry no tags), and start or signal the resource's one orchestration. Bad input is logged and dropped:
 * it never throws, so Event Grid does not retry it. Transient Azure failures do throw, so Event Grid retries later.
 */
public final class EventIntake {

    /** What happened to one event. */
    public record Result(String action, String instanceId, String message) {
    }

    private final ArmGateway arm;
    private final TetherConfig config;

    public EventIntake(ArmGateway arm, TetherConfig config) {
        this.arm = arm;
        this.config = config;
    }

    public Result handle(String body, DurableTaskClient client, Logger log) {
        ResourceEvent event;
        Route route;
        try {
            event = EventParser.parse(body);
            route = EventRouter.route(event);
        } catch (InvalidInputException e) {
            StructuredLog.log(log, Level.SEVERE, "event.malformed", Map.of("error", e.getMessage(),
                    "fix", "send an Event Grid or CloudEvents 1.0 ResourceWriteSuccess notification; this one is dropped, not retried"));
            return new Result("malformed", null, e.getMessage());
        }
        if (route.kind() == Route.Kind.IGNORE) {
            StructuredLog.log(log, Level.FINE, "event.ignored", Map.of("eventId", String.valueOf(event.id()), "reason", route.reason()));
            return new Result("ignored", null, route.reason());
        }
        ResourceId target = route.target();
        if (!config.inScope(target.subscriptionId())) {
            String msg = "subscription " + target.subscriptionId() + " is outside Tether's scope (TETHER_SUBSCRIPTIONS); "
                    + target + " is left alone. Add the subscription to TETHER_SUBSCRIPTIONS to manage it";
            StructuredLog.log(log, Level.WARNING, "event.out-of-scope", Map.of("eventId", String.valueOf(event.id()), "resourceId", target.toString(), "error", msg));
            return new Result("refused", null, msg);
        }
        Optional<Map<String, String>> tags;
        try {
            tags = route.kind() == Route.Kind.SITE ? arm.site(target).map(s -> s.tags()) : arm.cluster(target).map(c -> c.tags());
        } catch (RejectedException e) {
            StructuredLog.log(log, Level.SEVERE, "event.unreadable", Map.of("resourceId", target.toString(), "error", e.getMessage()));
            return new Result("refused", null, e.getMessage());
        }
        if (tags.isEmpty()) {
            String msg = target + " no longer exists; nothing to do";
            StructuredLog.info(log, "event.gone", Map.of("resourceId", target.toString()));
            return new Result("ignored", null, msg);
        }
        try {
            if (Tags.link(tags.get()).isEmpty()) {
                return new Result("ignored", null, target + " has no " + dev.tether.plan.Conventions.TAG_LINK + " tag");
            }
        } catch (InvalidInputException e) {
            StructuredLog.log(log, Level.SEVERE, "event.invalid-tag", Map.of("resourceId", target.toString(), "error", e.getMessage()));
            return new Result("refused", null, e.getMessage());
        }
        boolean site = route.kind() == Route.Kind.SITE;
        String instanceId = site ? InstanceIds.forSite(target) : InstanceIds.forCluster(target);
        LinkRequest request = new LinkRequest(target.toString(), "event " + event.id() + ": " + route.reason(), LinkOptions.from(config));
        LinkStarter.Started how = new LinkStarter(client).startOrSignal(
                site ? Steps.LINK_SITE_ORCHESTRATION : Steps.LINK_CLUSTER_ORCHESTRATION, instanceId, request, request.reason());
        StructuredLog.info(log, "event.accepted", Map.of("eventId", String.valueOf(event.id()), "resourceId", target.toString(),
                "instanceId", instanceId, "action", how.name()));
        return new Result(how.name().toLowerCase(java.util.Locale.ROOT), instanceId, route.reason());
    }
}
