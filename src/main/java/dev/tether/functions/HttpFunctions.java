package dev.tether.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.tether.durable.Json;
import dev.tether.errors.NotFoundException;
import dev.tether.errors.RejectedException;
import dev.tether.logging.StructuredLog;
import dev.tether.operator.OperatorApi;
import dev.tether.plan.InvalidInputException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

/** The operators' HTTP API (function keys, JSON in and out): rerun, dry-run plan, status. */
public final class HttpFunctions {

    @FunctionName("LinksRerun")
    public HttpResponseMessage rerun(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION, route = "links/rerun")
            HttpRequestMessage<Optional<String>> request,
            @DurableClientInput(name = "durableContext") DurableClientContext durable,
            ExecutionContext context) {
        return handle(request, context, () -> {
            JsonNode body = body(request);
            OperatorApi.Target target = api().target(text(body, "resourceId", request), text(body, "link", request));
            try (DurableTaskClient client = durable.getClient()) {
                return accepted(request, durable, api().rerun(target, client));
            }
        });
    }

    @FunctionName("LinksUnlink")
    public HttpResponseMessage unlink(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, authLevel = AuthorizationLevel.FUNCTION, route = "links/unlink")
            HttpRequestMessage<Optional<String>> request,
            @DurableClientInput(name = "durableContext") DurableClientContext durable,
            ExecutionContext context) {
        return handle(request, context, () -> {
            JsonNode body = body(request);
            if (!body.isObject()) {
                throw new InvalidInputException("the body must be a JSON object: {\"resourceId\": \"...\"} or {\"link\": \"...\"}, with an optional \"force\": true");
            }
            JsonNode link = body.path("link");
            if (!link.isMissingNode() && !link.isNull() && !link.isTextual()) {
                throw new InvalidInputException("link must be a string, the private-link tag value of the link to unlink (e.g. {\"link\": \"shop\"}), not " + link);
            }
            if (link.isTextual() && link.asText().isBlank()) {
                throw new InvalidInputException("link is empty: give the private-link tag value of the link to unlink (e.g. {\"link\": \"shop\"}),"
                        + " or the resourceId of one app or cluster");
            }
            JsonNode force = body.path("force");
            if (!force.isMissingNode() && !force.isBoolean()) {
                throw new InvalidInputException("force must be true or false, not " + (force.isTextual() ? "the string '" + force.asText() + "'" : force.toString()));
            }
            JsonNode restore = body.path("restoreServices");
            if (!restore.isMissingNode() && !restore.isBoolean()) {
                throw new InvalidInputException("restoreServices must be true or false, not " + (restore.isTextual() ? "the string '"
                        + dev.tether.plan.ResourceId.abbreviate(restore.asText()) + "'" : restore.toString()));
            }
            OperatorApi.Target target = api().target(text(body, "resourceId", request), text(body, "link", request));
            try (DurableTaskClient client = durable.getClient()) {
                return accepted(request, durable, Tether.get().unlinkApi().unlink(target, force.asBoolean(false), restore.asBoolean(false), client));
            }
        });
    }

    @FunctionName("LinksPlan")
    public HttpResponseMessage plan(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION, route = "links/plan")
            HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return handle(request, context, () -> {
            Map<String, String> q = request.getQueryParameters();
            String action = q.getOrDefault("action", "link");
            if (!action.equals("link") && !action.equals("unlink")) {
                throw new InvalidInputException("action must be link or unlink, not '" + dev.tether.plan.ResourceId.abbreviate(action) + "'");
            }
            OperatorApi.Target target = api().target(q.get("resourceId"), q.get("link"));
            String restore = q.get("restoreServices");
            if (restore != null && !restore.equals("true") && !restore.equals("false")) {
                throw new InvalidInputException("restoreServices must be true or false, not '" + dev.tether.plan.ResourceId.abbreviate(restore) + "'");
            }
            if (restore != null && !action.equals("unlink")) {
                throw new InvalidInputException("restoreServices goes with action=unlink (a cluster's unlink), not with action=" + action);
            }
            ObjectNode plan = action.equals("unlink") ? Tether.get().unlinkApi().unlinkPlan(target, "true".equals(q.get("force")), "true".equals(restore))
                    : api().plan(target);
            String accept = header(request, "Accept");
            if (accept != null && accept.contains("text/plain")) {
                return request.createResponseBuilder(HttpStatus.OK).header("Content-Type", "text/plain; charset=utf-8")
                        .body(OperatorApi.planText(plan)).build();
            }
            return json(request, HttpStatus.OK, plan);
        });
    }

    @FunctionName("LinksStatus")
    public HttpResponseMessage status(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, authLevel = AuthorizationLevel.FUNCTION, route = "links/status")
            HttpRequestMessage<Optional<String>> request,
            @DurableClientInput(name = "durableContext") DurableClientContext durable,
            ExecutionContext context) {
        return handle(request, context, () -> {
            try (DurableTaskClient client = durable.getClient()) {
                ObjectNode status = api().status(request.getQueryParameters().get("link"), client);
                String accept = header(request, "Accept");
                if (accept != null && accept.contains("text/html")) {
                    return request.createResponseBuilder(HttpStatus.OK).header("Content-Type", "text/html; charset=utf-8")
                            .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                            .body(dev.tether.operator.StatusPage.render(status)).build();
                }
                if (accept != null && accept.contains("text/plain")) {
                    return request.createResponseBuilder(HttpStatus.OK).header("Content-Type", "text/plain; charset=utf-8")
                            .body(dev.tether.operator.StatusPage.text(status)).build();
                }
                return json(request, HttpStatus.OK, status);
            }
        });
    }

    /**
     * 202 with the Durable Functions status URLs: for one instance, its own (createCheckStatusResponse); for several
     * (a link's members), {@code {"instances": [...]}}, one set per instance started or signaled, in the order started.
     */
    private static HttpResponseMessage accepted(HttpRequestMessage<Optional<String>> request, DurableClientContext durable, List<String> ids) {
        if (ids.size() == 1) {
            return durable.createCheckStatusResponse(request, ids.get(0));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        var arr = out.putArray("instances");
        ids.forEach(id -> arr.add(Json.mapper().valueToTree(durable.createHttpManagementPayload(request, id))));
        return json(request, HttpStatus.ACCEPTED, out);
    }

    private static OperatorApi api() {
        return Tether.get().operatorApi();
    }

    private interface Handler {
        HttpResponseMessage run();
    }

    /** Bad input is a 400 with a message; a missing resource a 404; a refusal from Azure is a 409 with its message; nothing else leaks. */
    private static HttpResponseMessage handle(HttpRequestMessage<Optional<String>> request, ExecutionContext context, Handler handler) {
        try {
            return handler.run();
        } catch (InvalidInputException | IllegalArgumentException e) {
            StructuredLog.log(context.getLogger(), Level.WARNING, "http.rejected", Map.of("path", request.getUri().getPath(), "error", String.valueOf(e.getMessage())));
            return json(request, HttpStatus.BAD_REQUEST, error("BadRequest", e.getMessage()));
        } catch (NotFoundException e) {
            StructuredLog.log(context.getLogger(), Level.WARNING, "http.not_found", Map.of("path", request.getUri().getPath(), "error", String.valueOf(e.getMessage())));
            return json(request, HttpStatus.NOT_FOUND, error("NotFound", e.getMessage()));
        } catch (RejectedException e) {
            StructuredLog.log(context.getLogger(), Level.WARNING, "http.refused", Map.of("path", request.getUri().getPath(), "error", String.valueOf(e.getMessage())));
            return json(request, HttpStatus.CONFLICT, error(e.code(), e.getMessage()));
        }
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.putObject("error").put("code", code).put("message", message);
        return e;
    }

    private static HttpResponseMessage json(HttpRequestMessage<?> request, HttpStatus status, JsonNode body) {
        return request.createResponseBuilder(status).header("Content-Type", "application/json").body(body.toString()).build();
    }

    /** The request's JSON body, or an empty object when it has none. */
    private static JsonNode body(HttpRequestMessage<Optional<String>> request) {
        return request.getBody().filter(b -> !b.isBlank()).map(Json::tree).orElse(Json.mapper().createObjectNode());
    }

    private static String text(JsonNode body, String field, HttpRequestMessage<?> request) {
        return body.hasNonNull(field) ? body.get(field).asText() : request.getQueryParameters().get(field);
    }

    private static String header(HttpRequestMessage<?> request, String name) {
        return request.getHeaders().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
