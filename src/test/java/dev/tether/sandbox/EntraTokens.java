package dev.tether.sandbox;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/**
 * The sandbox's Entra ID: Tether's managed identity gets, for each scope it asks, an access token shaped like Entra's (a
 * JWT whose {@code aud} is the scope's resource and whose {@code oid} is the identity's object id), so a service can
 * tell which resource a token was issued for. The signature is not a real one: only the sandbox reads these tokens.
 * Claims as in learn "Microsoft identity platform access tokens" (aud, oid, tid, exp).
 */
public final class EntraTokens {
    /** The object id of Tether's managed identity in the sandbox (ARM refusals and Kubernetes RBAC name it). */
    public static final String TETHER_OBJECT_ID = "7e7e7e7e-0000-4000-8000-000000000016";
    public static final String TENANT_ID = "00000000-0000-0000-0000-000000000000";
    private static final ObjectMapper M = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private EntraTokens() {
    }

    /** Tether's managed identity: a token for the first scope's resource ({@code <resource>/.default}). */
    public static TokenCredential tetherIdentity() {
        return request -> {
            String scope = request.getScopes().isEmpty() ? "" : request.getScopes().get(0);
            String audience = scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
            OffsetDateTime expires = OffsetDateTime.now().plusHours(1);
            return Mono.just(new AccessToken(token(audience, TETHER_OBJECT_ID, expires), expires));
        };
    }

    /** A token for {@code audience} held by the principal {@code objectId}. */
    public static String token(String audience, String objectId, OffsetDateTime expires) {
        ObjectNode header = M.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        ObjectNode claims = M.createObjectNode().put("aud", audience).put("iss", "https://sts.windows.net/" + TENANT_ID + "/")
                .put("oid", objectId).put("tid", TENANT_ID).put("exp", expires.toEpochSecond());
        return B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".c2FuZGJveA";
    }

    /** The claims of a token shaped like Entra's, or empty when it is not one. */
    public static Optional<JsonNode> claims(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = M.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims != null && claims.isObject() ? Optional.of(claims) : Optional.empty();
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }
}
