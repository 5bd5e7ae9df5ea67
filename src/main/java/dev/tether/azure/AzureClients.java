package dev.tether.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.implementation.WebSiteManagementClientBuilder;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluentcore.utils.HttpPipelineProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Azure SDK clients Tether uses, one set per subscription, each built on its first use and reused (they are
 * thread-safe). They share one pipeline, the SDK's standard one for resource managers
 * ({@link HttpPipelineProvider}, as {@code Manager.configure().authenticate} builds it): bearer auth, retry (429/5xx
 * with Retry-After), LRO polling, and the {@link ReadGovernor}'s policy, which reads every response's remaining ARM
 * reads. Built lazily because each costs hundreds of classes at start-up (the network client alone about 700): the first
 * event of a cold worker reads one site and needs only App Service's.
 * <p>App Service is the generated {@link WebSiteManagementClient}, not the fluent {@code AppServiceManager}: that
 * manager's constructor also builds the Key Vault, Storage, Authorization and DNS managers, which Tether never calls,
 * and their SDK modules are excluded from the deployable package (pom.xml).
 */
public final class AzureClients {

    /** The clients for one subscription, each built on its first use. */
    public static final class Managers {
        private final Supplier<WebSiteManagementClient> appService;
        private final Supplier<NetworkManager> network;
        private final Supplier<ContainerServiceManager> containers;
        private final Supplier<ResourceManager> resources;

        private final Supplier<HttpPipeline> pipeline;
        private final String endpoint;
        private final String subscriptionId;

        private Managers(Supplier<HttpPipeline> pipeline, AzureProfile profile, String endpoint) {
            this.pipeline = pipeline;
            this.endpoint = endpoint;
            this.subscriptionId = profile.getSubscriptionId();
            this.appService = OnFirstUse.of(() -> new WebSiteManagementClientBuilder().pipeline(pipeline.get()).endpoint(endpoint)
                    .subscriptionId(profile.getSubscriptionId()).buildClient());
            this.network = OnFirstUse.of(() -> NetworkManager.authenticate(pipeline.get(), profile));
            this.containers = OnFirstUse.of(() -> ContainerServiceManager.authenticate(pipeline.get(), profile));
            this.resources = OnFirstUse.of(() -> ResourceManager.authenticate(pipeline.get(), profile).withSubscription(profile.getSubscriptionId()));
        }

        /** The subscription's pipeline (what every client here sends through), for requests Tether writes itself. */
        public HttpPipeline pipeline() {
            return pipeline.get();
        }

        /** The subscription id as the clients send it in request paths. */
        public String subscriptionId() {
            return subscriptionId;
        }

        /** ARM's endpoint, e.g. {@code https://management.azure.com/}. */
        public String endpoint() {
            return endpoint;
        }

        public WebSiteManagementClient appService() {
            return appService.get();
        }

        public NetworkManager network() {
            return network.get();
        }

        public ContainerServiceManager containers() {
            return containers.get();
        }

        public ResourceManager resources() {
            return resources.get();
        }
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
            Supplier<HttpPipeline> pipeline = OnFirstUse.of(() -> HttpPipelineProvider.buildHttpPipeline(credential, profile, null,
                    new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE), null, null, List.of(governor.policy()), httpClient));
            return new Managers(pipeline, profile, environment.getResourceManagerEndpoint());
        };
    }

    public Managers forSubscription(String subscriptionId) {
        return bySubscription.computeIfAbsent(subscriptionId.toLowerCase(java.util.Locale.ROOT), factory);
    }
}
