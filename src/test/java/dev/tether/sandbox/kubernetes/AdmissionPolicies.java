package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.NullValue;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.mockwebserver.http.MockResponse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The API server's ValidatingAdmissionPolicy plugin, for the requests the sandbox sees: create and update of Services
 * (core group, v1). Bound policies ({@code admissionregistration.k8s.io/v1}) are read from the cluster's own store and
 * evaluated with a real CEL engine (Google's cel-java), as the Kubernetes docs describe
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/):
 * <ul>
 * <li>a policy applies when a binding names it ({@code policyName}) and the request matches the policy's
 * {@code matchConstraints.resourceRules} (apiGroups, apiVersions, operations, resources; "*" matches all) and neither
 * its nor the binding's {@code excludeResourceRules}; label selectors are honoured by {@code matchLabels};</li>
 * <li>then every {@code matchConditions} expression must be true (an error applies {@code failurePolicy});</li>
 * <li>then each {@code validations} expression must be true; when false, the message is {@code messageExpression}'s
 * value, else {@code message}, else "failed expression: &lt;expression&gt;";</li>
 * <li>CEL sees {@code object}, {@code oldObject} (null on CREATE) and {@code request} (operation, name, namespace,
 * kind, resource); {@code params} is null (no {@code paramKind} is modelled);</li>
 * <li>{@code validationActions} {@code Deny} answers the first failure as the API server does (kubernetes
 * staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/dispatcher.go): a Status with reason (default
 * Invalid, so 422), message {@code services "<name>" is forbidden: ValidatingAdmissionPolicy '<policy>' with binding
 * '<binding>' denied request: <message>}, and that last part as the one cause; {@code Warn} adds the HTTP warning
 * {@code 299 - "Validation failed for ValidatingAdmissionPolicy '<policy>' with binding '<binding>': <message>"};
 * {@code Audit} records the failure (see {@link #audited()}).</li>
 * <li>{@code failurePolicy} (default Fail) decides what a compile or evaluation error does: Fail denies with the error,
 * Ignore skips the policy.</li>
 * </ul>
 * Not modelled: {@code paramKind}/{@code paramRef}, {@code variables}, {@code auditAnnotations}, the {@code authorizer}
 * and {@code namespaceObject} variables, CEL's Kubernetes extension libraries, and {@code matchExpressions} selectors.
 * A policy that uses one is refused by the sandbox with an exception naming it, rather than evaluated wrongly.
 */
final class AdmissionPolicies {
    static final String POLICIES = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies";
    static final String BINDINGS = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings";

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final CelCompiler BOOL = compiler(SimpleType.BOOL);
    private static final CelCompiler STRING = compiler(SimpleType.STRING);

    /** What admission decided: a denial to answer instead of storing, and warnings for the response. */
    record Decision(MockResponse denied, List<String> warnings) {
    }

    /** One admission request: what the API server's {@code request} variable and the policy matching need. */
    record Request(String operation, String group, String version, String resource, String kind, String namespace, String name,
                   ObjectNode object, ObjectNode oldObject) {
    }

    private final List<String> audited = new ArrayList<>();

    private static CelCompiler compiler(CelType result) {
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN).addVar("request", SimpleType.DYN)
                .addVar("params", SimpleType.DYN)
                .setResultType(result).build();
    }

    /** Failures bound with the Audit action, as the audit annotation's message would carry them. */
    synchronized List<String> audited() {
        return List.copyOf(audited);
    }

    /** Evaluates every bound policy; {@code list} reads a collection from the cluster's store (items). */
    synchronized Decision admit(Request request, Function<String, List<ObjectNode>> list) {
        List<String> warnings = new ArrayList<>();
        Map<String, ObjectNode> policies = new LinkedHashMap<>();
        for (ObjectNode p : list.apply(POLICIES)) {
            policies.put(p.path("metadata").path("name").asText(), p);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("object", value(request.object()));
        vars.put("oldObject", value(request.oldObject()));
        vars.put("request", requestValue(request));
        vars.put("params", NullValue.NULL_VALUE);
        for (ObjectNode binding : list.apply(BINDINGS)) {
            String bindingName = binding.path("metadata").path("name").asText();
            JsonNode bspec = binding.path("spec");
            ObjectNode policy = policies.get(bspec.path("policyName").asText());
            if (policy == null) {
                continue; // a binding naming a missing policy does nothing (kubernetes/kubernetes#117263)
            }
            String policyName = policy.path("metadata").path("name").asText();
            JsonNode spec = policy.path("spec");
            unsupported(spec, policyName, "paramKind", "variables", "auditAnnotations");
            if (!matches(spec.path("matchConstraints"), request, true) || (bspec.has("matchResources") && !matches(bspec.path("matchResources"), request, false))) {
                continue;
            }
            boolean failClosed = !"Ignore".equals(spec.path("failurePolicy").asText("Fail"));
            List<String> actions = new ArrayList<>();
            bspec.path("validationActions").forEach(a -> actions.add(a.asText()));
            String failure = null;
            try {
                boolean applies = true;
                for (JsonNode condition : spec.path("matchConditions")) {
                    if (!(Boolean) eval(BOOL, condition.path("expression").asText(), vars)) {
                        applies = false;
                        break;
                    }
                }
                if (!applies) {
                    continue;
                }
                for (JsonNode validation : spec.path("validations")) {
                    String expression = validation.path("expression").asText();
                    if ((Boolean) eval(BOOL, expression, vars)) {
                        continue;
                    }
                    failure = message(validation, expression, vars);
                    String reason = validation.path("reason").asText("Invalid");
                    if (actions.contains("Deny")) {
                        return new Decision(denial(request, policyName, bindingName, failure, reason), warnings);
                    }
                    if (actions.contains("Warn")) {
                        warnings.add("Validation failed for ValidatingAdmissionPolicy '" + policyName + "' with binding '" + bindingName + "': " + failure);
                    }
                    if (actions.contains("Audit")) {
                        audited.add(policyName + "/" + bindingName + ": " + failure);
                    }
                }
            } catch (CelFailure e) {
                if (failClosed) {
                    return new Decision(denial(request, policyName, bindingName, e.getMessage(), "Invalid"), warnings);
                }
            }
        }
        return new Decision(null, warnings);
    }

    private static void unsupported(JsonNode spec, String policy, String... fields) {
        for (String f : fields) {
            if (spec.has(f) && !spec.get(f).isNull() && !(spec.get(f).isArray() && spec.get(f).isEmpty())) {
                throw new IllegalStateException("the sandbox does not model " + f + " (ValidatingAdmissionPolicy " + policy + ")");
            }
        }
    }

    /** matchConstraints (policy: resourceRules required) or matchResources (binding: resourceRules optional). */
    private static boolean matches(JsonNode match, Request request, boolean rulesRequired) {
        if (!selects(match.path("objectSelector"), request.object() != null ? request.object() : request.oldObject())) {
            return false;
        }
        if (match.path("namespaceSelector").has("matchLabels") && !match.path("namespaceSelector").path("matchLabels").isEmpty()) {
            throw new IllegalStateException("the sandbox does not model namespaceSelector labels");
        }
        JsonNode rules = match.path("resourceRules");
        boolean included = (!rulesRequired && (rules.isMissingNode() || rules.isEmpty())) || anyRule(rules, request);
        return included && !anyRule(match.path("excludeResourceRules"), request);
    }

    private static boolean selects(JsonNode selector, ObjectNode object) {
        if (selector.has("matchExpressions") && !selector.path("matchExpressions").isEmpty()) {
            throw new IllegalStateException("the sandbox does not model matchExpressions selectors");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (object == null || !e.getValue().asText().equals(object.path("metadata").path("labels").path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyRule(JsonNode rules, Request request) {
        for (JsonNode rule : rules) {
            if (has(rule.path("apiGroups"), request.group()) && has(rule.path("apiVersions"), request.version())
                    && has(rule.path("operations"), request.operation()) && has(rule.path("resources"), request.resource())) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(JsonNode list, String value) {
        for (JsonNode v : list) {
            if (v.asText().equals("*") || v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String message(JsonNode validation, String expression, Map<String, Object> vars) {
        String fromExpression = null;
        if (validation.hasNonNull("messageExpression")) {
            try {
                fromExpression = (String) eval(STRING, validation.path("messageExpression").asText(), vars);
            } catch (CelFailure e) {
                fromExpression = null; // the API server falls back to message
            }
        }
        if (fromExpression != null && !fromExpression.isBlank()) {
            return fromExpression.strip();
        }
        String message = validation.path("message").asText("");
        return message.isEmpty() ? "failed expression: " + expression : message;
    }

    private static MockResponse denial(Request request, String policy, String binding, String message, String reason) {
        String cause = "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding + "' denied request: " + message;
        int code = switch (reason) {
            case "Forbidden" -> 403;
            case "Unauthorized" -> 401;
            case "RequestEntityTooLarge" -> 413;
            default -> 422;
        };
        String resource = request.resource() + (request.group().isEmpty() ? "" : "." + request.group());
        ObjectNode status = ApiServerDispatcher.statusBody(code, reason, resource + " \"" + request.name() + "\" is forbidden: " + cause);
        ObjectNode details = status.putObject("details");
        details.put("name", request.name());
        if (!request.group().isEmpty()) {
            details.put("group", request.group());
        }
        details.put("kind", request.resource());
        ((ArrayNode) details.putArray("causes")).addObject().put("message", cause);
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(status.toString());
    }

    private static Object eval(CelCompiler compiler, String expression, Map<String, Object> vars) {
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            throw new CelFailure("compilation failed: " + e.getMessage());
        }
        try {
            return RUNTIME.createProgram(ast).eval(vars);
        } catch (CelEvaluationException e) {
            throw new CelFailure("expression '" + expression + "' resulted in error: " + e.getMessage());
        }
    }

    private static Object requestValue(Request r) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("operation", r.operation());
        req.put("name", r.name());
        req.put("namespace", r.namespace());
        req.put("kind", Map.of("group", r.group(), "version", r.version(), "kind", r.kind()));
        req.put("resource", Map.of("group", r.group(), "version", r.version(), "resource", r.resource()));
        return req;
    }

    /** JSON as CEL values: objects as maps, arrays as lists, integers as int64, null as CEL null. */
    static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> m.put(e.getKey(), value(e.getValue())));
            return m;
        }
        if (node.isArray()) {
            List<Object> l = new ArrayList<>();
            node.forEach(v -> l.add(value(v)));
            return l;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    /** A CEL compile or evaluation error: what {@code failurePolicy} decides about. */
    private static final class CelFailure extends RuntimeException {
        CelFailure(String message) {
            super(message);
        }
    }

    static Optional<String> serviceNamespace(String path) {
        String[] parts = path.split("/");
        return parts.length >= 6 && parts[1].equals("api") && parts[3].equals("namespaces") && parts[5].equals("services")
                ? Optional.of(parts[4]) : Optional.empty();
    }
}
