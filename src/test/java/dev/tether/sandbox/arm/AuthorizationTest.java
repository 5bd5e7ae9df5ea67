package dev.tether.sandbox.arm;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The emulator derives each request's action as ARM does, and refuses what the role lacks with ARM's 403 bodies. */
class AuthorizationTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String SUB = "/subscriptions/" + DemoWorld.SUB;

    @Test
    void actionsAreDerivedFromMethodAndPathAsArmDerivesThem() {
        String rg = SUB + "/resourceGroups/rg/providers/";
        Object[][] cases = {
                {"GET", DemoWorld.SITE_ID, "Microsoft.Web/sites/read"},
                {"PATCH", DemoWorld.SITE_ID + "/slots/staging", "Microsoft.Web/sites/slots/write"},
                {"POST", DemoWorld.SITE_ID + "/config/appsettings/list", "Microsoft.Web/sites/config/list/action"},
                {"PUT", DemoWorld.SITE_ID + "/slots/s/config/appsettings", "Microsoft.Web/sites/slots/config/write"},
                {"POST", rg + "Microsoft.ContainerService/managedClusters/c/listClusterUserCredential", "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"},
                {"GET", SUB + "/providers/Microsoft.ContainerService/managedClusters", "Microsoft.ContainerService/managedClusters/read"},
                {"GET", SUB + "/providers/Microsoft.Network/locations/eastus/operations/op-1", "Microsoft.Network/locations/operations/read"},
                {"GET", SUB + "/providers/Microsoft.Web/locations/eastus/operationResults/op-2", "Microsoft.Web/locations/operationResults/read"},
                {"PUT", rg + "Microsoft.Network/virtualNetworks/v/subnets/s", "Microsoft.Network/virtualNetworks/subnets/write"},
                {"DELETE", rg + "Microsoft.Network/virtualNetworks/v/subnets/s", "Microsoft.Network/virtualNetworks/subnets/delete"},
                {"GET", SUB + "/resources", "Microsoft.Resources/subscriptions/resources/read"},
                {"GET", SUB + "/resourceGroups/rg", "Microsoft.Resources/subscriptions/resourceGroups/read"},
                {"POST", "/providers/Microsoft.ResourceGraph/resources", "Microsoft.ResourceGraph/resources/read"},
        };
        for (Object[] c : cases) {
            assertEquals(c[2], Authorization.actionOf((String) c[0], (String) c[1]), c[0] + " " + c[1]);
        }
    }

    @Test
    void aWriteReferencingAResourceNeedsItsJoinActionAsALinkedCheck() throws Exception {
        ArmEmulator arm = new ArmEmulator(new CallLog());
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        arm.setRoleActions(Set.of("Microsoft.Network/virtualNetworks/subnets/write", "Microsoft.Web/sites/write"));
        String subnet = DemoWorld.VNET_ID + "/subnets/apps";
        String nsg = SUB + "/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1";
        HttpResponse put = arm.send(request(HttpMethod.PUT, subnet + "?api-version=2025-07-01",
                "{\"properties\":{\"addressPrefix\":\"10.0.2.0/27\",\"networkSecurityGroup\":{\"id\":\"" + nsg + "\"}}}")).block();
        assertEquals(403, put.getStatusCode());
        JsonNode body = M.readTree(put.getBodyAsString().block());
        assertEquals("LinkedAuthorizationFailed", body.at("/error/code").asText());
        assertEquals("The client '" + Authorization.PRINCIPAL + "' with object id '" + Authorization.PRINCIPAL + "' has permission to perform action"
                + " 'Microsoft.Network/virtualNetworks/subnets/write' on scope '" + subnet + "'; however, it does not have permission to perform action"
                + " 'Microsoft.Network/networkSecurityGroups/join/action' on the linked scope(s) '" + nsg + "' or the linked scope(s) are invalid.",
                body.at("/error/message").asText());
        assertEquals(false, arm.resource(subnet).isPresent(), "nothing written");

        HttpResponse join = arm.send(request(HttpMethod.PATCH, DemoWorld.SITE_ID + "?api-version=2025-03-01",
                "{\"properties\":{\"virtualNetworkSubnetId\":\"" + DemoWorld.NODE_SUBNET_ID + "\"}}")).block();
        assertEquals(403, join.getStatusCode());
        assertEquals("LinkedAuthorizationFailed", M.readTree(join.getBodyAsString().block()).at("/error/code").asText());
        assertEquals(Set.of(), arm.authorizedActions(), "a refused request grants nothing");
    }

    private static HttpRequest request(HttpMethod method, String pathAndQuery, String json) {
        return new HttpRequest(method, "https://management.azure.com" + pathAndQuery)
                .setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json").setBody(json);
    }
}
