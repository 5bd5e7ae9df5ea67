package dev.tether.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientBuilder;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluentcore.arm.AzureConfigurable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Azure SDK managers Tether uses, one set per subscription, built on the subscription's first call and reused
 * (they are thread-safe). They share one pipeline, the SDK's standard one: bearer auth, retry (429/5xx with
 * Retry-After), LRO polling, and the {@link ReadGovernor}'s policy, which reads every response's remaining ARM reads.
 * <p>App Service is the generated {@link WebSiteManagementClient}, not the fluent {@code AppServiceManager}: that
 * manager's constructor also builds the Key Vault, Storage, Authorization and DNS managers, which Tether never calls,
 * and their SDK modules are excluded from the deployable package (pom.xml).
 */
public final class AzureClients {

    /** The managers for one subscription. */
    public record Managers(WebSiteManagementClient appService, NetworkManager network, ContainerServiceManager containers,
                           ResourceManager resources) {
    }

    private final Map<String, Managers> bySubscription = new ConcurrentHashMap<>();
    private final Function<String, Managers> factory;

    /**
     * @param httpClient null for the SDK's default HTTP client; the sandbox passes its ARM emulator
     */
    public AzureClients(TokenCredential credential, String tenantId, HttpClient httpClient,
                        com.azure.core.management.AzureEnvironment environment, ReadGovernor governor) {
        this.factory = subscriptionId -> {
            AzureProfile profile = new AzureProfile(tenantId, subscriptionId, environment);
            NetworkManager network = configure(NetworkManager.configure(), httpClient).withPolicy(governor.policy())
                    .authenticate(credential, profile);
            var pipeline = network.httpPipeline();
            WebSiteManagementClient appService = new WebSiteManagementClientBuilder().pipeline(pipeline)
                    .endpoint(environment.getResourceManagerEndpoint()).subscriptionId(subscriptionId).buildClient();
            return new Managers(appService, network, ContainerServiceManager.authenticate(pipeline, profile),
                    ResourceManager.authenticate(pipeline, profile).withSubscription(subscriptionId));
        };
    }

    public Managers forSubscription(String subscriptionId) {
        return bySubscription.computeIfAbsent(subscriptionId.toLowerCase(java.util.Locale.ROOT), factory);
    }

    private static <T extends AzureConfigurable<T>> T configure(T configurable, HttpClient httpClient) {
        return httpClient == null ? configurable : configurable.withHttpClient(httpClient);
    }
}
