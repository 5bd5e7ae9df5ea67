package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.EntraTokens;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may call one simulated AKS API server, checked before anything else answers (authentication, then authorization,
 * as the API server's filter chain runs them):
 * <ul>
 * <li>The cluster admin credential (listClusterAdminCredential's static token, bound to cluster-admin): the sandbox's
 * own client and tests setting up the world use it. Always accepted.</li>
 * <li>Clusters with local accounts: the user kubeconfig's own static token (AKS binds its clusterUser to
 * cluster-admin, so it is not checked against RBAC).</li>
 * <li>Entra ID clusters (aadProfile): an Entra access token whose audience is the AKS server application
 * ({@value KubernetesSandbox#AKS_AAD_SERVER_ID}; learn "AKS-managed Microsoft Entra integration" and kubelogin's
 * {@code --server-id}). Its {@code oid} is the Kubernetes user name (a service principal or managed identity is bound
 * by object id: learn "Use Kubernetes RBAC with Microsoft Entra ID"), and every request is authorized by Kubernetes RBAC
 * over infra/kubernetes/tether-rbac.yaml ({@link KubernetesRbac}).</li>
 * </ul>
 * Anything else is 401 with the API server's Status body ({@code "message":"Unauthorized","reason":"Unauthorized"}, as in
 * kubernetes/kubernetes#61978); an RBAC refusal is 403 Forbidden with the authorizer's message.
 */
final class ApiServerAuth {
    /** One authorization decision for an Entra identity's request. */
    record Decision(String user, KubernetesRbac.Attributes attributes, Optional<KubernetesRbac.Grant> grant) {
    }

    private final String adminToken;
    private volatile String userToken;
    private volatile boolean entra;
    private volatile KubernetesRbac rbac;
    private final List<Decision> decisions = new ArrayList<>();

    ApiServerAuth(String adminToken, String userToken) {
        this.adminToken = adminToken;
        this.userToken = userToken;
    }

    /** Entra ID integration on (Entra tokens and Kubernetes RBAC over {@code rbac}) or off (the static user token). */
    void configure(boolean entra, KubernetesRbac rbac) {
        this.entra = entra;
        this.rbac = rbac;
    }

    /** A new user token (the cluster's credentials were reset): the old one is refused from now on. */
    void rotateUserToken(String token) {
        this.userToken = token;
    }

    boolean entra() {
        return entra;
    }

    synchronized List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** The refusal for this request, or empty when it may proceed. */
    Optional<MockResponse> refusal(RecordedRequest request) {
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            return Optional.of(unauthorized());
        }
        if (token.equals(adminToken)) {
            return Optional.empty();
        }
        if (!entra) {
            return token.equals(userToken) ? Optional.empty() : Optional.of(unauthorized());
        }
        Optional<JsonNode> claims = EntraTokens.claims(token);
        if (claims.isEmpty() || !KubernetesSandbox.AKS_AAD_SERVER_ID.equals(claims.get().path("aud").asText())
                || claims.get().path("exp").asLong(0) < System.currentTimeMillis() / 1000 || claims.get().path("oid").asText("").isEmpty()) {
            return Optional.of(unauthorized());
        }
        String user = claims.get().path("oid").asText();
        Optional<KubernetesRbac.Attributes> attributes = KubernetesRbac.of(request.getMethod(), request.getPath());
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        Optional<KubernetesRbac.Grant> grant = rbac.allowing(user, attributes.get());
        synchronized (this) {
            decisions.add(new Decision(user, attributes.get(), grant));
        }
        return grant.isPresent() ? Optional.empty() : Optional.of(forbidden(user, attributes.get()));
    }

    static MockResponse unauthorized() {
        return new MockResponse().setResponseCode(401).setHeader("Content-Type", "application/json")
                .setBody(ApiServerDispatcher.statusBody(401, "Unauthorized", "Unauthorized").toString());
    }

    static MockResponse forbidden(String user, KubernetesRbac.Attributes a) {
        ObjectNode body = ApiServerDispatcher.statusBody(403, "Forbidden", KubernetesRbac.forbiddenMessage(user, a));
        ObjectNode details = ApiServerDispatcher.JSON.createObjectNode();
        if (a.name() != null) {
            details.put("name", a.name());
        }
        if (!a.group().isEmpty()) {
            details.put("group", a.group());
        }
        details.put("kind", a.resource());
        // Status's field order: details before code
        body.remove("code");
        body.set("details", details);
        body.put("code", 403);
        return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json").setBody(body.toString());
    }
}
