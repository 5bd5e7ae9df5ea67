package dev.tether.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluentcore.arm.AzureConfigurable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Azure SDK managers Tether uses, one set per subscription, built once and reused (they are thread-safe).
 * Each manager carries the SDK's standard pipeline: bearer auth, retry (429/5xx with Retry-After), LRO polling.
 */
public final class AzureClients {

    /** The managers for one subscription. */
    public record Managers(AppServiceManager appService, NetworkManager network, ContainerServiceManager containers,
                           ResourceManager resources) {
    }

    private final Map<String, Managers> bySubscription = new ConcurrentHashMap<>();
    private final Function<String, Managers> factory;

    /**
     * @param httpClient null for the SDK's default HTTP client; the sandbox passes its ARM emulator
     */
    public AzureClients(TokenCredential credential, String tenantId, HttpClient httpClient,
                        com.azure.core.management.AzureEnvironment environment) {
        this.factory = subscriptionId -> {
            AzureProfile profile = new AzureProfile(tenantId, subscriptionId, environment);
            return new Managers(
                    configure(AppServiceManager.configure(), httpClient).authenticate(credential, profile),
                    configure(NetworkManager.configure(), httpClient).authenticate(credential, profile),
                    configure(ContainerServiceManager.configure(), httpClient).authenticate(credential, profile),
                    configure(ResourceManager.configure(), httpClient).authenticate(credential, profile).withSubscription(subscriptionId));
        };
    }

    public Managers forSubscription(String subscriptionId) {
        return bySubscription.computeIfAbsent(subscriptionId.toLowerCase(java.util.Locale.ROOT), factory);
    }

    private static <T extends AzureConfigurable<T>> T configure(T configurable, HttpClient httpClient) {
        return httpClient == null ? configurable : configurable.withHttpClient(httpClient);
    }
}
