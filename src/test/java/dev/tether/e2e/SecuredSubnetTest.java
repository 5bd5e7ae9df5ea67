package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 point 7: delegating a secured subnet (NSG, route table, NAT gateway) needs each one's join/action; the role in
 * the contract has them, and without one ARM answers 403 LinkedAuthorizationFailed (the emulator checks it the same way).
 */
class SecuredSubnetTest {
    static final String RG = "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/rg1/providers/Microsoft.Network/";

    static ObjectNode world() {
        ObjectNode w = DemoWorld.build();
        BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", null, null);
        for (JsonNode sn : BadInputTest.resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("subnets")) {
            if (sn.path("name").asText().equals("apps")) {
                ObjectNode p = (ObjectNode) sn.path("properties");
                p.putObject("networkSecurityGroup").put("id", RG + "networkSecurityGroups/apps-nsg");
                p.putObject("routeTable").put("id", RG + "routeTables/apps-udr");
                p.putObject("natGateway").put("id", RG + "natGateways/apps-nat");
            }
        }
        return w;
    }

    static JsonNode apps(Sandbox s) {
        return s.arm().resource(DemoWorld.VNET_ID + "/subnets/apps").orElseThrow().path("properties");
    }

    @Test
    void theRoleCoversTheLinkedChecksAndTheSubnetKeepsItsSecurity() {
        try (Sandbox s = new Sandbox(WorldFile.parse(world(), "secured"))) {
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            assertEquals("Completed", s.durable().instances().get(0).status(), s.durable().instances().get(0).failure());
            JsonNode p = apps(s);
            assertEquals(RG + "networkSecurityGroups/apps-nsg", p.path("networkSecurityGroup").path("id").asText());
            assertEquals(RG + "routeTables/apps-udr", p.path("routeTable").path("id").asText());
            assertEquals(RG + "natGateways/apps-nat", p.path("natGateway").path("id").asText());
            assertEquals("Microsoft.Web/serverFarms", p.path("delegations").get(0).path("properties").path("serviceName").asText());
            assertTrue(s.arm().authorizedActions().containsAll(Set.of("Microsoft.Network/networkSecurityGroups/join/action",
                    "Microsoft.Network/routeTables/join/action", "Microsoft.Network/natGateways/join/action")));
        }
    }

    @Test
    void withoutTheRouteTableJoinArmAnswersLinkedAuthorizationFailedAndNothingIsWritten() throws Exception {
        try (Sandbox s = new Sandbox(WorldFile.parse(world(), "secured"))) {
            Set<String> role = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            JsonNode contract = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(dev.tether.infra.ContractGenerator.CONTRACT));
            contract.path("roleActions").forEach(a -> role.add(a.asText()));
            assertTrue(role.remove("Microsoft.Network/routeTables/join/action"), contract.path("roleActions").toString());
            s.arm().setRoleActions(role);
            s.deliverAll(DemoWorld.events());
            s.runUntilIdle();
            var run = s.durable().instances().get(0);
            assertEquals("Failed", run.status());
            assertTrue(run.failure().contains("LinkedAuthorizationFailed"), run.failure());
            assertTrue(run.failure().contains("Microsoft.Network/routeTables/join/action"), run.failure());
            // The cluster DNS is made ready before the app is touched (its four Kubernetes writes stand); on ARM, only refused writes.
            List<CallLog.Call> writes = s.calls().writes().stream().filter(c -> c.target().equals("arm")).toList();
            assertEquals(List.of(403), writes.stream().map(CallLog.Call::status).distinct().toList(), "only refused ARM writes: " + writes);
            assertEquals(0, apps(s).path("delegations").size(), "the subnet is unchanged");
        }
    }
}
