package dev.tether.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.tether.azure.ArmOperation;
import dev.tether.config.TetherConfig;
import dev.tether.events.EventRouter;
import dev.tether.functions.EventGridFunction;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What can be proven about the deployment without a Bicep compiler or Azure: the Event Grid filter, the custom role
 * and the app settings all come from the code's single sources of truth, and nothing the code calls is missing.
 */
class InfraContractTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String REGENERATE = "mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.infra.ContractGenerator";

    static String read(String path) throws IOException {
        Path p = Path.of(path);
        assertTrue(Files.exists(p), path + " is missing");
        return Files.readString(p);
    }

    static JsonNode contract() throws IOException {
        return M.readTree(read(ContractGenerator.CONTRACT.toString()));
    }

    static List<String> contractActions() {
        try {
            List<String> out = new ArrayList<>();
            contract().get("roleActions").forEach(a -> out.add(a.asText()));
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theGeneratedContractIsCurrent() throws IOException {
        assertEquals(ContractGenerator.render(), read(ContractGenerator.CONTRACT.toString()),
                "infra/generated/tether-contract.json is stale; regenerate it with: " + REGENERATE);
    }

    @Test
    void eventFilterIsExactlyWhatTheTriggerHandles() throws IOException {
        JsonNode c = contract();
        List<String> ops = M.convertValue(c.get("handledOperations"), M.getTypeFactory().constructCollectionType(List.class, String.class));
        assertEquals(EventRouter.HANDLED_OPERATIONS, ops);
        String main = read("infra/main.bicep");
        String sub = read("infra/modules/eventSubscription.bicep");
        // The default event source keeps the whole list; EventSourceInfraTest covers the resources event source's narrowing.
        assertTrue(main.contains("filterValues: eventSource == 'resourceNotifications' ? contract.tagOperations : contract.handledOperations"),
                "main.bicep feeds the filter from the contract");
        assertTrue(main.contains("eventType: contract.eventType") && main.contains("filterKey: 'data.operationName'"));
        assertTrue(sub.contains("key: filterKey") && sub.contains("values: filterValues") && sub.contains("operatorType: 'StringIn'"));
        assertTrue(sub.contains("includedEventTypes: [eventType]"));
        assertTrue(sub.contains("deadLetterWithResourceIdentity") && sub.contains("retryPolicy"));
        Method run = Arrays.stream(EventGridFunction.class.getMethods()).filter(m -> m.isAnnotationPresent(FunctionName.class)).findFirst().orElseThrow();
        assertEquals(c.get("eventFunctionName").asText(), run.getAnnotation(FunctionName.class).value());
        assertTrue(Arrays.stream(run.getParameters()).anyMatch(p -> p.isAnnotationPresent(EventGridTrigger.class)));
        assertTrue(main.contains("'${app.outputs.functionAppId}/functions/${contract.eventFunctionName}'"));
    }

    @Test
    void customRoleIsWiredFromTheContractWithoutWildcards() throws IOException {
        List<String> role = contractActions();
        assertEquals(List.of(), role.stream().filter(a -> a.contains("*")).toList(), "no wildcards");
        assertTrue(read("infra/main.bicep").contains("actions: contract.roleActions"));
        String roleBicep = read("infra/modules/tetherRole.bicep");
        assertTrue(roleBicep.contains("actions: actions") && roleBicep.contains("notActions: []"));
    }

    /**
     * The custom role is compared with what the end-to-end runs needed, not with the constants that generated it: the
     * ARM emulator authorizes every call (polls and linked join checks included) against the role in the contract, and
     * the actions it granted over a link of a site and a slot, a cluster pass, a public-IP event and a drift scan must be
     * exactly the role. An action the code needs but the role lacks fails the run with 403; an action the role holds but
     * nothing uses fails the equality.
     */
    /** The actions and operations of a link and unlink of the demo app (its subnet created, then deleted by Tether). */
    private static void linkAndUnlinkDemo(Set<String> granted, Set<ArmOperation> used) {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo unlink"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            untag(s, DemoWorld.SITE_ID);
            assertEquals(202, s.http("POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\"}", java.util.Map.of()).status());
            s.runUntilIdle();
            s.calls().calls().stream().filter(c -> c.target().equals("arm")).forEach(c -> used.add(ArmCallMapper.map(c.method(), c.path()).orElseThrow()));
            assertTrue(used.contains(ArmOperation.DELETE_SUBNET), "the unlink deleted the subnet Tether created");
            granted.addAll(s.arm().authorizedActions());
        }
    }

    private static void untag(Sandbox s, String id) {
        com.fasterxml.jackson.databind.node.ObjectNode r = s.arm().resource(id).orElseThrow().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) r.get("tags")).remove("private-link");
        s.arm().putResource(r);
    }

    @Test
    void theRoleIsExactlyWhatTheEndToEndRunsWereAuthorizedFor() {
        Set<String> demoGranted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        Set<ArmOperation> demoUsed = new TreeSet<>();
        linkAndUnlinkDemo(demoGranted, demoUsed);
        WorldFile world = WorldFile.parse(dev.tether.e2e.ClusterLinkAccess.roleCoverageWorld(), "slot world with a public IP");
        try (Sandbox s = new Sandbox(world)) {
            // App Service may answer the settings PUT with 202: the SDK's follow-up poll must be in the role too.
            s.arm().setAppSettingsPutLongRunning(true);
            s.deliverAll(DemoWorld.events());
            s.deliverAll(dev.tether.e2e.ClusterLinkAccess.clusterTagEvent());
            s.runUntilIdle();
            s.deliverAll(dev.tether.e2e.ClusterLinkAccess.publicIpEvent(s));
            s.runUntilIdle();
            s.timer();
            s.runUntilIdle();
            // The unlink of the site and of its slot (each leaves its integration).
            for (String id : List.of(DemoWorld.SITE_ID, DemoWorld.SITE_ID + "/slots/staging")) {
                untag(s, id);
                assertEquals(202, s.http("POST /api/links/unlink", "{\"resourceId\":\"" + id + "\"}", java.util.Map.of()).status());
                s.runUntilIdle();
            }
            List<CallLog.Call> arm = s.calls().calls().stream().filter(c -> c.target().equals("arm")).toList();
            assertEquals(List.of(), arm.stream().filter(c -> c.status() == 401 || c.status() == 403).toList(), "nothing refused");
            Set<ArmOperation> used = new TreeSet<>();
            for (CallLog.Call c : arm) {
                used.add(ArmCallMapper.map(c.method(), c.path())
                        .orElseThrow(() -> new AssertionError("an ARM call missing from ArmOperation: " + c.method() + " " + c.path())));
            }
            assertTrue(arm.stream().anyMatch(c -> c.method().equals("PUT") && c.path().contains("/config/appsettings") && c.status() == 202),
                    "the settings PUT went the long-running way");
            Set<String> role = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            role.addAll(contractActions());
            Set<String> granted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            granted.addAll(s.arm().authorizedActions());
            granted.addAll(demoGranted);
            used.addAll(demoUsed);
            assertEquals(new ArrayList<>(role), new ArrayList<>(granted), "the role is exactly what the runs were authorized for");
            Set<ArmOperation> unused = new TreeSet<>(Set.of(ArmOperation.values()));
            unused.removeAll(used);
            assertEquals(Set.of(ArmOperation.JOIN_SUBNET, ArmOperation.JOIN_NSG, ArmOperation.JOIN_ROUTE_TABLE, ArmOperation.JOIN_NAT_GATEWAY), unused,
                    "the join actions are linked checks of a site PATCH or a subnet PUT, no calls of their own");
        }
    }

    @Test
    void aCallOutsideTheRoleIsRefusedLikeArmRefusesIt() {
        WorldFile world = WorldFile.parse(DemoWorld.build(), "demo");
        try (Sandbox s = new Sandbox(world)) {
            Set<String> role = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            contractActions().stream().filter(a -> !a.equalsIgnoreCase("Microsoft.Network/locations/operations/read")).forEach(role::add);
            s.arm().setRoleActions(role);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            var run = s.durable().instances().get(0);
            assertEquals("Failed", run.status());
            List<CallLog.Call> refused = s.calls().calls().stream().filter(c -> c.status() == 403).toList();
            assertEquals(1, refused.size(), refused.toString());
            assertTrue(refused.get(0).path().matches("/subscriptions/[^/]+/providers/Microsoft\\.Network/locations/eastus/operations/op-1\\?api-version=.*"),
                    refused.toString());
            // The cluster DNS steps run before the app is touched; on ARM the subnet PUT is the only write.
            assertEquals(List.of("PUT"), s.calls().writes().stream().filter(c -> c.target().equals("arm")).map(CallLog.Call::method).toList(),
                    "nothing written on ARM after the refused poll");
        }
    }

    @Test
    void mapperKnowsEveryOperation() {
        String rg = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
        String site = rg + "Microsoft.Web/sites/app";
        String vnet = rg + "Microsoft.Network/virtualNetworks/v";
        String aks = rg + "Microsoft.ContainerService/managedClusters/c";
        Object[][] cases = {
                {"GET", site + "?api-version=1", ArmOperation.GET_SITE}, {"PATCH", site, ArmOperation.PATCH_SITE},
                {"GET", site + "/slots/s", ArmOperation.GET_SLOT}, {"PATCH", site + "/slots/s", ArmOperation.PATCH_SLOT},
                {"GET", site + "/slots", ArmOperation.LIST_SLOTS},
                {"POST", site + "/config/appsettings/list", ArmOperation.LIST_APP_SETTINGS},
                {"POST", site + "/slots/s/config/appsettings/list", ArmOperation.LIST_SLOT_APP_SETTINGS},
                {"PUT", site + "/config/appsettings", ArmOperation.PUT_APP_SETTINGS},
                {"PUT", site + "/slots/s/config/appsettings", ArmOperation.PUT_SLOT_APP_SETTINGS},
                {"GET", site + "/config/slotConfigNames", ArmOperation.GET_SLOT_CONFIG_NAMES},
                {"PUT", site + "/config/slotConfigNames", ArmOperation.PUT_SLOT_CONFIG_NAMES},
                {"GET", rg + "Microsoft.Web/serverfarms/p", ArmOperation.GET_PLAN},
                {"GET", rg + "Microsoft.Web/serverfarms/p/virtualNetworkConnections", ArmOperation.LIST_PLAN_VNET_CONNECTIONS},
                {"GET", aks, ArmOperation.GET_CLUSTER}, {"POST", aks + "/listClusterUserCredential?format=exec", ArmOperation.LIST_CLUSTER_USER_CREDENTIAL},
                {"GET", vnet, ArmOperation.GET_VNET}, {"GET", vnet + "/subnets/s", ArmOperation.GET_SUBNET}, {"PUT", vnet + "/subnets/s", ArmOperation.PUT_SUBNET},
                {"GET", "/subscriptions/00000000-0000-0000-0000-000000000001/resources?$filter=tagName eq 'x'", ArmOperation.LIST_RESOURCES_BY_TAG},
                {"GET", "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.ContainerService/managedClusters", ArmOperation.LIST_CLUSTERS},
                {"GET", rg + "Microsoft.Network/publicIPAddresses/kubernetes-a1b2", ArmOperation.GET_PUBLIC_IP},
                {"POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", ArmOperation.RESOURCE_GRAPH_QUERY},
                {"DELETE", site + "/networkConfig/virtualNetwork", ArmOperation.DELETE_VNET_INTEGRATION},
                {"DELETE", site + "/slots/s/networkConfig/virtualNetwork", ArmOperation.DELETE_SLOT_VNET_INTEGRATION},
                {"DELETE", vnet + "/subnets/s", ArmOperation.DELETE_SUBNET},
        };
        Set<ArmOperation> covered = new LinkedHashSet<>();
        for (Object[] c : cases) {
            assertEquals(c[2], ArmCallMapper.map((String) c[0], (String) c[1]).orElse(null), c[0] + " " + c[1]);
            covered.add((ArmOperation) c[2]);
        }
        covered.add(ArmOperation.JOIN_SUBNET); // implied by PATCH_SITE/PATCH_SLOT setting virtualNetworkSubnetId
        covered.addAll(List.of(ArmOperation.JOIN_NSG, ArmOperation.JOIN_ROUTE_TABLE, ArmOperation.JOIN_NAT_GATEWAY)); // implied by PUT_SUBNET
        assertEquals(ArmOperation.POLL_NETWORK_OPERATION, ArmCallMapper.map("GET",
                "/subscriptions/x/providers/Microsoft.Network/locations/eastus/operations/op-1?api-version=2025-07-01").orElse(null));
        covered.add(ArmOperation.POLL_NETWORK_OPERATION);
        assertEquals(ArmOperation.POLL_WEB_OPERATION, ArmCallMapper.map("GET",
                "/subscriptions/x/providers/Microsoft.Web/locations/eastus/operationResults/op-2?api-version=2025-03-01").orElse(null));
        covered.add(ArmOperation.POLL_WEB_OPERATION);
        assertEquals(Set.of(ArmOperation.values()), covered);
        assertTrue(ArmCallMapper.map("DELETE", site).isEmpty());
    }

    @Test
    void everySettingIsDocumentedConfiguredAndDeployedAndNothingElse() throws IOException {
        Set<String> code = TetherConfig.SETTINGS.stream().map(TetherConfig.Setting::name).collect(Collectors.toCollection(TreeSet::new));
        JsonNode example = M.readTree(read("local.settings.json.example")).get("Values");
        Set<String> exampleNames = new TreeSet<>();
        example.fieldNames().forEachRemaining(exampleNames::add);
        Set<String> platform = exampleNames.stream().filter(n -> n.startsWith("AzureWebJobs") || n.startsWith("FUNCTIONS_")
                || n.startsWith("WEBSITE_") || n.startsWith("APPLICATIONINSIGHTS_")).collect(Collectors.toSet());
        exampleNames.removeAll(platform);
        assertEquals(code, exampleNames, "local.settings.json.example lists exactly the settings the code reads");
        for (TetherConfig.Setting s : TetherConfig.SETTINGS) {
            assertEquals(s.defaultValue(), example.get(s.name()).asText(), "default of " + s.name() + " in local.settings.json.example");
        }

        String doc = read("docs/SETTINGS.md");
        Set<String> docNames = names(doc, Pattern.compile("(?m)^\\| `([A-Z_]+)` \\|"));
        assertEquals(code, docNames, "docs/SETTINGS.md's table lists exactly the code's settings");
        for (TetherConfig.Setting s : TetherConfig.SETTINGS) {
            String dflt = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
            assertTrue(doc.contains("| `" + s.name() + "` | " + dflt + " |") || doc.contains("| `" + s.name() + "` | (none) |"),
                    "docs/SETTINGS.md gives " + s.name() + " its default " + dflt);
        }

        String bicep = read("infra/main.bicep") + read("infra/modules/app.bicep");
        Set<String> bicepNames = names(bicep, Pattern.compile("\\b((?:TETHER_[A-Z_]+|AZURE_CLIENT_ID))\\s*:"));
        assertEquals(code, bicepNames, "the Function App's app settings are exactly the code's");
    }

    private static Set<String> names(String text, Pattern p) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void bicepParameterDefaultsMatchTheCode() throws IOException {
        String main = read("infra/main.bicep");
        Object[][] params = {
                {"subnetPrefixLength", "TETHER_SUBNET_PREFIX_LENGTH"}, {"subnetNamePrefix", "TETHER_SUBNET_NAME_PREFIX"},
                {"dnsWaitTimeout", "TETHER_DNS_WAIT_TIMEOUT"}, {"dnsPollInterval", "TETHER_DNS_POLL_INTERVAL"},
                {"dnsAltServer", "TETHER_DNS_ALT_SERVER"}, {"retryMaxAttempts", "TETHER_RETRY_MAX_ATTEMPTS"},
                {"retryFirstInterval", "TETHER_RETRY_FIRST_INTERVAL"}, {"clusterClientTtl", "TETHER_CLUSTER_CLIENT_TTL"},
                {"serviceParallelism", "TETHER_SERVICE_PARALLELISM"}, {"driftSchedule", "TETHER_DRIFT_SCHEDULE"},
                {"driftReadShare", "TETHER_DRIFT_READ_SHARE"}, {"armLroTimeout", "TETHER_ARM_LRO_TIMEOUT"},
                {"onUntag", "TETHER_ON_UNTAG"}, {"untagGrace", "TETHER_UNTAG_GRACE"},
        };
        for (Object[] p : params) {
            Matcher m = Pattern.compile("param " + p[0] + " (?:string|int) = '?([^'\\n]*)'?").matcher(main);
            assertTrue(m.find(), "param " + p[0]);
            String def = TetherConfig.SETTINGS.stream().filter(s -> s.name().equals(p[1])).findFirst().orElseThrow().defaultValue();
            assertEquals(def, m.group(1).trim(), "default of " + p[0]);
        }
    }
}
