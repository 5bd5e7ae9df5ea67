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
import dev.tether.plan.Conventions;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.ResourceId;
import dev.tether.plan.Tags;

import java.util.LinkedHashMap;
import java.util.Locale;
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

    /**
     * What happened to one event: {@code action} is started, signaled, ignored, refused or malformed.
     * It is logged as one structured line, {@code event.handled}.
     */
    public record Result(String action, String eventId, String resourceId, String instanceId, String message) {
        Level level() {
            return switch (action) {
                case "malformed", "refused" -> Level.SEVERE;
                case "ignored" -> Level.FINE;
                default -> Level.INFO;
            };
        }
    }

    private final ArmGateway arm;
    private final TetherConfig config;

    public EventIntake(ArmGateway arm, TetherConfig config) {
        this.arm = arm;
        this.config = config;
    }

    public Result handle(String body, DurableTaskClient client, Logger log) {
        Result result = decide(body, client);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("action", result.action());
        fields.put("eventId", String.valueOf(result.eventId()));
        fields.put("resourceId", String.valueOf(result.resourceId()));
        fields.put("instanceId", String.valueOf(result.instanceId()));
        fields.put("message", result.message());
        StructuredLog.log(log, result.level(), "event.handled", fields);
        return result;
    }

    private Result decide(String body, DurableTaskClient client) {
        ResourceEvent event;
        Route route;
        try {
            event = EventParser.parse(body);
            route = EventRouter.route(event);
        } catch (InvalidInputException e) {
            return new Result("malformed", null, null, null, e.getMessage()
                    + ". Send an Event Grid or CloudEvents 1.0 ResourceWriteSuccess notification; this one is dropped, not retried");
        }
        if (route.kind() == Route.Kind.IGNORE) {
            return new Result("ignored", event.id(), null, null, route.reason());
        }
        ResourceId target = route.target();
        String id = target.toString();
        if (!config.inScope(target.subscriptionId())) {
            return new Result("refused", event.id(), id, null, "subscription " + target.subscriptionId()
                    + " is outside Tether's scope (TETHER_SUBSCRIPTIONS); " + id + " is left alone. Add the subscription to TETHER_SUBSCRIPTIONS to manage it");
        }
        Optional<Map<String, String>> tags;
        try {
            tags = route.kind() == Route.Kind.SITE ? arm.site(target).map(s -> s.tags()) : arm.cluster(target).map(c -> c.tags());
        } catch (RejectedException e) {
            return new Result("refused", event.id(), id, null, e.getMessage());
        }
        if (tags.isEmpty()) {
            return new Result("ignored", event.id(), id, null, id + " no longer exists; nothing to do");
        }
        try {
            if (Tags.link(tags.get()).isEmpty()) {
                return new Result("ignored", event.id(), id, null, id + " has no " + Conventions.TAG_LINK + " tag");
            }
        } catch (InvalidInputException e) {
            return new Result("refused", event.id(), id, null, e.getMessage());
        }
        boolean site = route.kind() == Route.Kind.SITE;
        String instanceId = site ? InstanceIds.forSite(target) : InstanceIds.forCluster(target);
        LinkRequest request = new LinkRequest(id, "event " + event.id() + ": " + route.reason(), LinkOptions.from(config));
        LinkStarter.Started how = new LinkStarter(client).startOrSignal(
                site ? Steps.LINK_SITE_ORCHESTRATION : Steps.LINK_CLUSTER_ORCHESTRATION, instanceId, request, request.reason());
        return new Result(how.name().toLowerCase(Locale.ROOT), event.id(), id, instanceId, route.reason());
    }
}
