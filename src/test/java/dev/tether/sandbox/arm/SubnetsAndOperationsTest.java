package dev.tether.sandbox.arm;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.appservice.fluent.WebSiteManagementClient;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long-running operations take virtual time, unknown operations are 404, and subnets in use keep what their users need. */
class SubnetsAndOperationsTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String SUB = DemoWorld.SUB;

    @BeforeAll
    static void fastPolling() {
        ArmEmulator.fastPolling();
    }

    private record World(ArmEmulator arm, CallLog log, Instant[] now) {
        NetworkManager net() {
            return NetworkManager.configure().withHttpClient(arm).authenticate(ArmEmulator.fakeCredential(), ArmEmulator.profile(SUB));
        }

        WebSiteManagementClient web() {
            return ArmEmulatorTest.webClient(arm, SUB);
        }
    }

    private static World world() {
        CallLog log = new CallLog();
        ArmEmulator arm = new ArmEmulator(log);
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        arm.useClock(() -> now[0], d -> now[0] = now[0].plus(d));
        return new World(arm, log, now);
    }

    private static SubnetInner delegated(String prefix) {
        return new SubnetInner().withAddressPrefix(prefix)
                .withDelegations(List.of(new Delegation().withName("web").withServiceName("Microsoft.Web/serverFarms")));
    }

    @Test
    void byDefaultAnOperationIsInProgressForOnePollAndTheSdkWaitsItsRetryAfter() throws Exception {
        World w = world();
        int mark = w.log().size();
        SubnetInner created = w.net().serviceClient().getSubnets().createOrUpdate("rg1", "test-vnet", "apps", delegated("10.0.2.0/27"));
        assertEquals("Succeeded", created.provisioningState().toString());
        List<String> calls = w.log().since(mark).stream().map(c -> c.method() + " " + c.status() + " " + c.path().replaceAll("\\?.*", "")).toList();
        String op = "/subscriptions/" + SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-1";
        assertEquals(List.of("PUT 201 " + DemoWorld.VNET_ID + "/subnets/apps", "GET 200 " + op, "GET 200 " + op, "GET 200 " + DemoWorld.VNET_ID + "/subnets/apps"),
                calls, "InProgress at the first poll, Succeeded at the second, then the SDK's final GET");
        assertEquals(Instant.parse("2026-01-01T00:00:01Z"), w.now()[0], "the InProgress poll's Retry-After (1 s) passed on the world's clock");

        // The same operation by hand: the status body and the header the SDK honoured, and the wall time it waited.
        HttpResponse put = w.arm().send(request(HttpMethod.PUT, DemoWorld.VNET_ID + "/subnets/more?api-version=2025-07-01",
                "{\"properties\":{\"addressPrefix\":\"10.0.3.0/27\"}}")).block();
        String status = put.getHeaderValue(HttpHeaderName.fromString("Azure-AsyncOperation"));
        HttpResponse running = w.arm().send(new HttpRequest(HttpMethod.GET, status)).block();
        assertEquals(M.readTree("{\"status\":\"InProgress\",\"name\":\"op-2\"}"), M.readTree(running.getBodyAsString().block()));
        assertEquals("1", running.getHeaderValue(HttpHeaderName.RETRY_AFTER));
        HttpResponse done = w.arm().send(new HttpRequest(HttpMethod.GET, status)).block();
        assertEquals(M.readTree("{\"status\":\"Succeeded\",\"name\":\"op-2\"}"), M.readTree(done.getBodyAsString().block()));
        assertEquals(null, done.getHeaderValue(HttpHeaderName.RETRY_AFTER), "a finished operation asks for no more waiting");

        long start = System.nanoTime();
        w.net().serviceClient().getSubnets().delete("rg1", "test-vnet", "more");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= 1000, "the SDK slept the Retry-After (1 s) before its second poll; it took " + waitedMillis + " ms"
                + " (without the header it polls again after the sandbox's 1 ms interval)");
    }

    @Test
    void anOperationRunsItsVirtualDurationAndTheSdkPollsItToTheEnd() throws Exception {
        World w = world();
        w.arm().setOperationDuration(Duration.ofMillis(1500));
        SubnetInner created = w.net().serviceClient().getSubnets().createOrUpdate("rg1", "test-vnet", "apps", delegated("10.0.2.0/27"));
        assertEquals("Succeeded", created.provisioningState().toString());
        List<String> polls = w.log().calls().stream().filter(c -> c.path().contains("/operations/")).map(c -> c.method() + " " + c.status()).toList();
        assertEquals(List.of("GET 200", "GET 200", "GET 200"), polls, "InProgress at 0 and 1 s, Succeeded at 2 s");
        assertEquals(Instant.parse("2026-01-01T00:00:02Z"), w.now()[0], "each InProgress poll let its Retry-After (1 s) pass");

        HttpResponse put = w.arm().send(request(HttpMethod.PUT, DemoWorld.VNET_ID + "/subnets/more?api-version=2025-07-01",
                "{\"properties\":{\"addressPrefix\":\"10.0.3.0/27\"}}")).block();
        assertEquals(201, put.getStatusCode());
        String status = put.getHeaderValue(HttpHeaderName.fromString("Azure-AsyncOperation"));
        assertEquals("https://management.azure.com/subscriptions/" + SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-2?api-version=2025-07-01", status);
        assertEquals(null, put.getHeaderValue(HttpHeaderName.LOCATION), "the network provider answers a subnet PUT with Azure-AsyncOperation only");
        assertEquals("Updating", w.arm().resource(DemoWorld.VNET_ID + "/subnets/more").orElseThrow().at("/properties/provisioningState").asText());

        w.arm().setRetryAfter(Duration.ofSeconds(10));
        HttpResponse running = w.arm().send(new HttpRequest(HttpMethod.GET, status)).block();
        assertEquals("InProgress", M.readTree(running.getBodyAsString().block()).path("status").asText());
        assertEquals("10", running.getHeaderValue(HttpHeaderName.RETRY_AFTER), "the network provider's own interval, when a test asks for it");
        assertEquals(Instant.parse("2026-01-01T00:00:12Z"), w.now()[0]);
    }

    @Test
    void anOperationNobodyStartedIsNotFound() throws Exception {
        World w = world();
        HttpResponse r = w.arm().send(new HttpRequest(HttpMethod.GET, "https://management.azure.com/subscriptions/" + SUB
                + "/providers/Microsoft.Network/locations/eastus/operations/op-999?api-version=2025-07-01")).block();
        assertEquals(404, r.getStatusCode());
        assertEquals(M.readTree("{\"error\":{\"message\":\"Operation op-999 not found.\"}}"), M.readTree(r.getBodyAsString().block()));
    }

    @Test
    void aSubnetWithAnAppServiceLinkKeepsItsDelegationAndItsRange() {
        World w = world();
        var subnets = w.net().serviceClient().getSubnets();
        SubnetInner created = subnets.createOrUpdate("rg1", "test-vnet", "apps", delegated("10.0.2.0/27"));
        w.web().getWebApps().update("testrg123", "sitef6141", new SitePatchResourceInner().withVirtualNetworkSubnetId(created.id()));
        String link = created.id() + "/serviceAssociationLinks/AppServiceLink";

        ManagementException dropped = assertThrows(ManagementException.class,
                () -> subnets.createOrUpdate("rg1", "test-vnet", "apps", new SubnetInner().withAddressPrefix("10.0.2.0/27")));
        assertEquals(400, dropped.getResponse().getStatusCode());
        assertEquals("SubnetMissingRequiredDelegation", dropped.getValue().getCode());
        assertEquals("Subnet " + created.id() + " requires any of the following delegation(s) [Microsoft.Web/serverFarms] to reference service association link "
                + link + ".", dropped.getValue().getMessage());

        ManagementException moved = assertThrows(ManagementException.class,
                () -> subnets.createOrUpdate("rg1", "test-vnet", "apps", delegated("10.0.2.0/26")));
        assertEquals("InUseSubnetCannotBeUpdated", moved.getValue().getCode());
        assertEquals("Subnet apps is in use and cannot be updated.", moved.getValue().getMessage());

        SubnetInner kept = subnets.get("rg1", "test-vnet", "apps");
        assertEquals("10.0.2.0/27", kept.addressPrefix());
        assertEquals(DemoWorld.PLAN_ID, kept.serviceAssociationLinks().get(0).link());
        assertEquals(List.of("Microsoft.Web/serverFarms"), kept.delegations().stream().map(Delegation::serviceName).toList());
        subnets.createOrUpdate("rg1", "test-vnet", "apps", delegated("10.0.2.0/27"));
        assertEquals(1, subnets.get("rg1", "test-vnet", "apps").serviceAssociationLinks().size(), "re-stating the subnet keeps its link");
    }

    @Test
    void missingThingsAreNamedByTheirRealTypeAndGroup() {
        World w = world();
        var subnets = w.net().serviceClient().getSubnets();
        ManagementException subnet = assertThrows(ManagementException.class, () -> subnets.get("rg1", "test-vnet", "nope"));
        assertEquals(404, subnet.getResponse().getStatusCode());
        assertEquals("NotFound", subnet.getValue().getCode());
        assertEquals("Resource " + DemoWorld.VNET_ID + "/subnets/nope not found.", subnet.getValue().getMessage());
        assertEquals(List.of(), subnet.getValue().getDetails(), "the network provider's body carries an empty details");
        ManagementException vnet = assertThrows(ManagementException.class, () -> w.net().serviceClient().getVirtualNetworks().getByResourceGroup("rg1", "nope"));
        assertEquals("ResourceNotFound", vnet.getValue().getCode());
        assertEquals("The Resource 'Microsoft.Network/virtualNetworks/nope' under resource group 'rg1' was not found."
                + " For more details please go to https://aka.ms/ARMResourceNotFoundFix", vnet.getValue().getMessage());
        ManagementException group = assertThrows(ManagementException.class, () -> subnets.get("rg-missing", "test-vnet", "nope"));
        assertEquals(404, group.getResponse().getStatusCode());
        assertEquals("ResourceGroupNotFound", group.getValue().getCode());
        assertEquals("Resource group 'rg-missing' could not be found.", group.getValue().getMessage());
    }

    private static HttpRequest request(HttpMethod method, String pathAndQuery, String json) {
        return new HttpRequest(method, "https://management.azure.com" + pathAndQuery)
                .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(json);
    }

}
