package dev.tether.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.config.TetherConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tether.infra.InfraContractTest.read;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The durable backend option (main.bicep {@code durableBackend}): Azure Storage stays the default, and the Durable
 * Task Scheduler is selected by app settings that override the one host.json. What is checked is what the Functions
 * host and Microsoft's docs require (docs/DEPLOY-SCALE.md cites them): every override names a host.json path that
 * exists, the provider type is {@code azureManaged}, its connection string is the setting the app gets, with the
 * identity the app runs as, the extension bundle is the one that carries the provider for Java, the scheduler's task
 * hub is host.json's, and the identity gets exactly the data role on exactly that task hub.
 */
class DurableBackendInfraTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String PREFIX = "AzureFunctionsJobHost__";
    /** Microsoft Learn, "Configure managed identity for Durable Task Scheduler": built-in Durable Task Data Contributor. */
    private static final String DATA_CONTRIBUTOR = "0ad04412-c4d5-4796-b79c-f76d14c8d402";

    /** The {@code durableBackendSettings} object of app.bicep: name to Bicep value expression (quotes stripped). */
    static Map<String, String> backendSettings() throws IOException {
        String app = read("infra/modules/app.bicep");
        Matcher block = Pattern.compile("var durableBackendSettings = empty\\(durableTaskSchedulerEndpoint\\) \\? \\{} : \\{\\n(.*?)\\n}", Pattern.DOTALL)
                .matcher(app);
        assertTrue(block.find(), "app.bicep sets the scheduler's settings only when it has an endpoint");
        Map<String, String> out = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("(?m)^\\s*([A-Za-z_]+): '(.*)'$").matcher(block.group(1));
        while (entry.find()) {
            out.put(entry.group(1), entry.group(2));
        }
        return out;
    }

    @Test
    void azureStorageStaysTheDefault() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(main.contains("param durableBackend string = 'azureStorage'"));
        assertTrue(main.contains("@allowed(['azureStorage', 'scheduler'])"));
        assertTrue(main.contains("module scheduler 'modules/durableTaskScheduler.bicep' = if (durableBackend == 'scheduler')"));
        assertTrue(main.contains("module schedulerAccess 'modules/durableTaskSchedulerAccess.bicep' = if (durableBackend == 'scheduler')"));
        assertTrue(main.contains("durableTaskSchedulerEndpoint: durableBackend == 'scheduler' ? scheduler.outputs.endpoint : ''"));
        String app = read("infra/modules/app.bicep");
        assertTrue(app.contains("param durableTaskSchedulerEndpoint string = ''"));
        assertTrue(app.contains("items(union(platformSettings, durableBackendSettings, tetherSettings))"));
        assertTrue(app.contains("functionsRuntimeScaleMonitoringEnabled: !empty(durableTaskSchedulerEndpoint)"));
        // The host's own storage is still needed with the scheduler (keys, timers' leases): it stays configured.
        assertTrue(app.contains("AzureWebJobsStorage__accountName: storage.name"));
        JsonNode durable = M.readTree(read("host.json")).path("extensions").path("durableTask");
        assertTrue(durable.path("storageProvider").isMissingNode(), "host.json keeps the default provider (Azure Storage)");
    }

    @Test
    void everyOverrideNamesAHostJsonPathThatExists() throws IOException {
        JsonNode host = M.readTree(read("host.json"));
        Map<String, String> settings = backendSettings();
        assertEquals(List.of(PREFIX + "extensions__durableTask__storageProvider__type",
                PREFIX + "extensions__durableTask__storageProvider__connectionStringName",
                PREFIX + "extensionBundle__id", PREFIX + "extensionBundle__version",
                "DURABLE_TASK_SCHEDULER_CONNECTION_STRING"), List.copyOf(settings.keySet()));
        for (String name : settings.keySet()) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String[] path = name.substring(PREFIX.length()).split("__");
            // The object the override writes into exists in host.json under exactly these names.
            JsonNode parent = host;
            for (int i = 0; i < path.length - 1 && !(path[i].equals("storageProvider")); i++) {
                parent = parent.path(path[i]);
                assertTrue(parent.isObject(), name + ": host.json has no object '" + path[i] + "'");
            }
        }
        assertTrue(host.path("extensionBundle").has("id") && host.path("extensionBundle").has("version"));
    }

    @Test
    void theProviderIsTheSchedulersWithTheAppsIdentity() throws IOException {
        Map<String, String> s = backendSettings();
        assertEquals("azureManaged", s.get(PREFIX + "extensions__durableTask__storageProvider__type"));
        String connectionName = s.get(PREFIX + "extensions__durableTask__storageProvider__connectionStringName");
        assertEquals("DURABLE_TASK_SCHEDULER_CONNECTION_STRING", connectionName);
        assertEquals("Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identity.properties.clientId}",
                s.get(connectionName), "the connection string the provider reads, with the client id of the identity the app runs as");
        String app = read("infra/modules/app.bicep");
        assertTrue(app.contains("userAssignedIdentities: { '${identity.id}': {} }"), "that identity is the Function App's");
        assertTrue(TetherConfig.SETTINGS.stream().noneMatch(t -> s.containsKey(t.name())), "no Tether setting is overridden");
    }

    /** Microsoft Learn, "Configure a Durable Functions app to use Durable Task Scheduler" (Java): the Preview bundle, 4.29.0 or later. */
    @Test
    void theBundleCarriesTheProviderForJava() throws IOException {
        Map<String, String> s = backendSettings();
        assertEquals("Microsoft.Azure.Functions.ExtensionBundle.Preview", s.get(PREFIX + "extensionBundle__id"));
        Matcher range = Pattern.compile("\\[(\\d+)\\.(\\d+)\\.(\\d+), 5\\.0\\.0\\)").matcher(s.get(PREFIX + "extensionBundle__version"));
        assertTrue(range.matches(), s.get(PREFIX + "extensionBundle__version"));
        int major = Integer.parseInt(range.group(1));
        int minor = Integer.parseInt(range.group(2));
        assertTrue(major == 4 && minor >= 29, "at least 4.29.0: " + range.group());
    }

    @Test
    void theSchedulersTaskHubIsHostJsonsAndOnlyItGetsTheRole() throws IOException {
        String main = read("infra/main.bicep");
        assertTrue(main.contains("var taskHubName = loadJsonContent('../host.json').extensions.durableTask.hubName"));
        assertFalse(M.readTree(read("host.json")).path("extensions").path("durableTask").path("hubName").asText().isBlank());
        assertEquals(2, count(main, "taskHubName: taskHubName"), "the scheduler module and the access module get host.json's hub");
        String dts = read("infra/modules/durableTaskScheduler.bicep");
        assertTrue(dts.contains("resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01'"));
        assertTrue(dts.contains("resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01'") && dts.contains("name: taskHubName"));
        assertTrue(dts.contains("output endpoint string = scheduler.properties.endpoint"));
        String access = read("infra/modules/durableTaskSchedulerAccess.bicep");
        assertEquals(1, count(access, "Microsoft.Authorization/roleAssignments"), "one role assignment");
        assertTrue(access.contains("var durableTaskDataContributor = '" + DATA_CONTRIBUTOR + "'"));
        assertTrue(access.contains("scope: taskHub"), "least privilege: the task hub, not the scheduler");
        assertTrue(access.contains("principalType: 'ServicePrincipal'"));
        assertTrue(main.contains("principalId: app.outputs.identityPrincipalId"));
    }

    /** The scheduler takes instance ids of at most 100 printable ASCII characters (Microsoft Learn, "Durable Task Scheduler", limits). */
    @Test
    void instanceIdsFitTheSchedulersLimit() {
        String longest = "Shop_".repeat(18);
        dev.tether.plan.ResourceId site = dev.tether.plan.ResourceId.parse("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
                + "Microsoft.Web/sites/" + longest);
        dev.tether.plan.ResourceId cluster = dev.tether.plan.ResourceId.parse("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/"
                + "Microsoft.ContainerService/managedClusters/" + longest);
        for (String id : List.of(dev.tether.durable.InstanceIds.forSite(site), dev.tether.durable.InstanceIds.forCluster(cluster),
                dev.tether.durable.InstanceIds.forServices(cluster, "x".repeat(63)), dev.tether.durable.InstanceIds.forServices(cluster, null))) {
            assertTrue(id.length() <= 73, id.length() + " " + id);
            assertTrue(id.chars().allMatch(c -> c >= 0x20 && c <= 0x7E) && !id.startsWith("@"), id);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
