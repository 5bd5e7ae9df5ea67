package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.sandbox.arm.PlatformRules.Rule;

/** Microsoft.ContainerService: managed clusters (GET, list by subscription) and their user and admin credentials. */
final class ContainerServiceProvider {
    static final Pattern CLUSTER = Pattern.compile(ArmEmulator.RG_PATH + "microsoft\\.containerservice/managedclusters/([^/]+)(/.*)?");
    static final Pattern SUB_CLUSTERS = Pattern.compile("/subscriptions/([^/]+)/providers/microsoft\\.containerservice/managedclusters");

    private final ArmWorld world;
    Function<String, String> kubeconfigs = id -> {
        throw new IllegalStateException("no kubeconfig source for " + id);
    };

    ContainerServiceProvider(ArmWorld world) {
        this.world = world;
    }

    Reply cluster(String method, String path, Matcher m) {
        String action = m.group(4) == null ? "" : m.group(4);
        String clusterId = action.isEmpty() ? path : path.substring(0, path.length() - action.length());
        ObjectNode cluster = world.existing(clusterId);
        switch (action) {
            case "" -> {
                ArmEmulator.requireMethod(method, "GET");
                return Reply.ok(cluster);
            }
            case "/listclusterusercredential", "/listclusteradmincredential" -> {
                ArmEmulator.requireMethod(method, "POST");
                if (action.endsWith("admincredential") && cluster.path("properties").path("disableLocalAccounts").asBoolean(false)) {
                    throw Rule.AKS_LOCAL_ACCOUNTS_DISABLED.error("Getting static credential is not allowed because this cluster is set to disable local accounts.");
                }
                ObjectNode out = ArmWorld.M.createObjectNode();
                String name = action.endsWith("admincredential") ? "clusterAdmin" : "clusterUser";
                out.putArray("kubeconfigs").addObject().put("name", name)
                        .put("value", Base64.getEncoder().encodeToString(kubeconfigs.apply(cluster.path("id").asText()).getBytes(StandardCharsets.UTF_8)));
                return Reply.ok(out);
            }
            default -> throw world.notFound(path);
        }
    }
}
