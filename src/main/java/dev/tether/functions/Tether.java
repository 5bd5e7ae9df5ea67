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
import dev.tether.azure.ReadGovernor;
import dev.tether.config.TetherConfig;
import dev.tether.events.EventIntake;
import dev.tether.kubernetes.ClusterConnector;
import dev.tether.operator.OperatorApi;

import java.time.Clock;

/**
 * The composition root: built once per worker process from the environment (the Functions host loads function
 * classes reflectively, so this is a lazily created singleton). The sandbox installs one wired to its emulators.
 */
public final class Tether {
    private static volatile Tether current;

    private final TetherConfig config;
    private final ReadGovernor readGovernor;
    private final ArmGateway arm;
    private final ClusterConnector clusters;
    private final LinkActivities activities;
    private final dev.tether.activities.SiteLinkActivities siteLinkActivities;
    private final dev.tether.activities.ClusterDnsActivities clusterDnsActivities;
    private final ServiceActivities serviceActivities;
    private final DriftActivities driftActivities;
    private final dev.tether.activities.DnsReadinessActivities dnsReadiness;
    private final dev.tether.activities.SlotSettingsStep slotSettings;
    private final OperatorApi operatorApi;
    private final dev.tether.activities.UnlinkActivities unlinkActivities;
    private final dev.tether.operator.UnlinkApi unlinkApi;
    private final dev.tether.activities.ClusterUnlinkActivities clusterUnlinkActivities;
    private final EventIntake intake;

    public Tether(TetherConfig config, TokenCredential credential, HttpClient armHttpClient, Clock clock) {
        this.config = config;
        String tenant = config.tenantId().isBlank() ? null : config.tenantId();
        this.readGovernor = new ReadGovernor(config.driftReadShare(), clock);
        this.arm = new ArmGateway(new AzureClients(credential, tenant, armHttpClient, AzureEnvironment.AZURE, readGovernor), config.armLroTimeout());
        this.clusters = new ClusterConnector(arm, credential, config.clusterClientTtl(), clock);
        this.activities = new LinkActivities(arm, clusters, config);
        this.siteLinkActivities = new dev.tether.activities.SiteLinkActivities(arm, config);
        this.clusterDnsActivities = new dev.tether.activities.ClusterDnsActivities(clusters);
        this.serviceActivities = new ServiceActivities(arm, clusters);
        this.driftActivities = new DriftActivities(arm, clusters, config);
        this.dnsReadiness = new dev.tether.activities.DnsReadinessActivities(clusters);
        this.slotSettings = new dev.tether.activities.SlotSettingsStep(arm, config);
        this.unlinkActivities = new dev.tether.activities.UnlinkActivities(arm);
        this.clusterUnlinkActivities = new dev.tether.activities.ClusterUnlinkActivities(arm, clusters, config);
        this.unlinkApi = new dev.tether.operator.UnlinkApi(arm, config, clusterUnlinkActivities, clusters);
        this.operatorApi = new OperatorApi(arm, activities, serviceActivities, config, clusters);
        this.intake = new EventIntake(arm, config, clusters, readGovernor);
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
        HttpClient transport = dev.tether.azure.OnFirstUse.httpClient(AzureTransport::create);
        java.util.Map<String, String> env = System.getenv();
        TokenCredential credential = dev.tether.azure.OnFirstUse.credential(() -> AzureCredentials.create(env, transport));
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
        return arm;
    }

    /** A link's observe-and-plan steps and its fan-out to a cluster's apps. */
    public LinkActivities activities() {
        return activities;
    }

    /** A link's App Service steps: the subnet, the integration, the DNS setting. */
    public dev.tether.activities.SiteLinkActivities siteLinkActivities() {
        return siteLinkActivities;
    }

    /** A link's cluster steps: the DNS Service, the CoreDNS override and its restart. */
    public dev.tether.activities.ClusterDnsActivities clusterDnsActivities() {
        return clusterDnsActivities;
    }

    public ServiceActivities serviceActivities() {
        return serviceActivities;
    }

    public dev.tether.activities.DnsReadinessActivities dnsReadiness() {
        return dnsReadiness;
    }

    public dev.tether.activities.SlotSettingsStep slotSettings() {
        return slotSettings;
    }

    public DriftActivities driftActivities() {
        return driftActivities;
    }

    public dev.tether.activities.ClusterUnlinkActivities clusterUnlinkActivities() {
        return clusterUnlinkActivities;
    }

    public dev.tether.activities.UnlinkActivities unlinkActivities() {
        return unlinkActivities;
    }

    public dev.tether.operator.UnlinkApi unlinkApi() {
        return unlinkApi;
    }

    public OperatorApi operatorApi() {
        return operatorApi;
    }

    public EventIntake intake() {
        return intake;
    }
}
