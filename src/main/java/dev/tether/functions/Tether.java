package dev.tether.functions;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.management.AzureEnvironment;
import dev.tether.activities.DriftActivities;
import dev.tether.activities.LinkActivities;
import dev.tether.activities.ServiceActivities;
import dev.tether.azure.ArmGateway;
import dev.tether.azure.AzureClients;
import dev.tether.azure.AzureCredentials;
import dev.tether.azure.AzureTransport;
import dev.tether.azure.OnFirstUse;
import dev.tether.azure.ReadGovernor;
import dev.tether.config.TetherConfig;
import dev.tether.events.EventIntake;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.operator.OperatorApi;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The composition root: built once per worker process from the environment (the Functions host loads function
 * classes reflectively, so this is a lazily created singleton). The sandbox installs one wired to its emulators.
 */
public final class Tether {
    private static volatile Tether current;

    private final TetherConfig config;
    private final ReadGovernor readGovernor;
    // Each part is built on its first use (OnFirstUse.of): an Event Grid event that carries its tags needs only the
    // intake, and a worker's first invocation should not load the activities, the operator API or the Azure SDK's
    // pipeline for it (docs/PERFORMANCE.md, cold start).
    private final Supplier<ArmGateway> arm;
    private final Supplier<ClusterConnector> clusters;
    private final Supplier<LinkActivities> activities;
    private final Supplier<dev.tether.activities.SiteLinkActivities> siteLinkActivities;
    private final Supplier<dev.tether.activities.ClusterDnsActivities> clusterDnsActivities;
    private final Supplier<ServiceActivities> serviceActivities;
    private final Supplier<DriftActivities> driftActivities;
    private final Supplier<dev.tether.activities.DnsReadinessActivities> dnsReadiness;
    private final Supplier<dev.tether.activities.SlotSettingsStep> slotSettings;
    private final Supplier<OperatorApi> operatorApi;
    private final Supplier<dev.tether.activities.UnlinkActivities> unlinkActivities;
    private final Supplier<dev.tether.operator.UnlinkApi> unlinkApi;
    private final Supplier<dev.tether.activities.ClusterUnlinkActivities> clusterUnlinkActivities;
    private final Supplier<EventIntake> intake;

    public Tether(TetherConfig config, TokenCredential credential, HttpClient armHttpClient, Clock clock) {
        this.config = config;
        String tenant = config.tenantId().isBlank() ? null : config.tenantId();
        this.readGovernor = new ReadGovernor(config.driftReadShare(), clock);
        this.arm = OnFirstUse.of(() -> new ArmGateway(new AzureClients(credential, tenant, armHttpClient, AzureEnvironment.AZURE, readGovernor),
                config.armLroTimeout()));
        this.clusters = OnFirstUse.of(() -> new ClusterConnector(arm.get(), credential, config.clusterClientTtl(), clock));
        this.activities = OnFirstUse.of(() -> new LinkActivities(arm.get(), clusters.get(), config));
        this.siteLinkActivities = OnFirstUse.of(() -> new dev.tether.activities.SiteLinkActivities(arm.get(), config));
        this.clusterDnsActivities = OnFirstUse.of(() -> new dev.tether.activities.ClusterDnsActivities(clusters.get()));
        this.serviceActivities = OnFirstUse.of(() -> new ServiceActivities(arm.get(), clusters.get()));
        this.driftActivities = OnFirstUse.of(() -> new DriftActivities(arm.get(), clusters.get(), config));
        this.dnsReadiness = OnFirstUse.of(() -> new dev.tether.activities.DnsReadinessActivities(clusters.get()));
        this.slotSettings = OnFirstUse.of(() -> new dev.tether.activities.SlotSettingsStep(arm.get(), config));
        this.unlinkActivities = OnFirstUse.of(() -> new dev.tether.activities.UnlinkActivities(arm.get()));
        this.clusterUnlinkActivities = OnFirstUse.of(() -> new dev.tether.activities.ClusterUnlinkActivities(arm.get(), clusters.get(), config));
        this.unlinkApi = OnFirstUse.of(() -> new dev.tether.operator.UnlinkApi(arm.get(), config, clusterUnlinkActivities.get(), clusters.get()));
        this.operatorApi = OnFirstUse.of(() -> new OperatorApi(arm.get(), activities.get(), serviceActivities.get(), config, clusters.get()));
        this.intake = OnFirstUse.of(() -> new EventIntake(arm, config, clusters, readGovernor));
    }

    public static Tether get() {
        Tether t = current;
        if (t == null) {
            synchronized (Tether.class) {
                if (current == null) {
                    current = fromEnvironment(transport -> transport);
                }
                t = current;
            }
        }
        return t;
    }

    /**
     * The worker's Tether: settings from the environment, the managed identity in Azure (the Azure CLI's login or a
     * service principal locally: {@link AzureCredentials}), the system clock, and one {@link AzureTransport} for ARM and
     * the identity endpoint.
     *
     * @param armRoute what ARM's requests go through, given the transport: {@code t -> t} in Azure; the cold-start probe
     *                 sends them on to its loopback ARM
     */
    public static Tether fromEnvironment(java.util.function.UnaryOperator<HttpClient> armRoute) {
        // Both on first use: an event that carries its tags is handled without calling Azure (dev.tether.azure.OnFirstUse).
        HttpClient transport = OnFirstUse.httpClient(AzureTransport::create);
        java.util.Map<String, String> env = System.getenv();
        TokenCredential credential = OnFirstUse.credential(() -> AzureCredentials.create(env, transport));
        return new Tether(TetherConfig.fromEnvironment(System.getenv()), credential, armRoute.apply(transport), Clock.systemUTC());
    }

    /** Replaces the process-wide instance (the sandbox uses this to wire Tether to its emulators). */
    public static void install(Tether tether) {
        current = tether;
    }

    public TetherConfig config() {
        return config;
    }

    /** The per-subscription ARM read budget every ARM-reading activity asks before it reads. */
    public ReadGovernor readGovernor() {
        return readGovernor;
    }

    public ArmGateway arm() {
        return arm.get();
    }

    /** A link's observe-and-plan steps and its fan-out to a cluster's apps. */
    public LinkActivities activities() {
        return activities.get();
    }

    /** A link's App Service steps: the subnet, the integration, the DNS setting. */
    public dev.tether.activities.SiteLinkActivities siteLinkActivities() {
        return siteLinkActivities.get();
    }

    /** A link's cluster steps: the DNS Service, the CoreDNS override and its restart. */
    public dev.tether.activities.ClusterDnsActivities clusterDnsActivities() {
        return clusterDnsActivities.get();
    }

    public ServiceActivities serviceActivities() {
        return serviceActivities.get();
    }

    public dev.tether.activities.DnsReadinessActivities dnsReadiness() {
        return dnsReadiness.get();
    }

    public dev.tether.activities.SlotSettingsStep slotSettings() {
        return slotSettings.get();
    }

    public DriftActivities driftActivities() {
        return driftActivities.get();
    }

    public dev.tether.activities.ClusterUnlinkActivities clusterUnlinkActivities() {
        return clusterUnlinkActivities.get();
    }

    public dev.tether.activities.UnlinkActivities unlinkActivities() {
        return unlinkActivities.get();
    }

    public dev.tether.operator.UnlinkApi unlinkApi() {
        return unlinkApi.get();
    }

    public OperatorApi operatorApi() {
        return operatorApi.get();
    }

    public EventIntake intake() {
        return intake.get();
    }
}
