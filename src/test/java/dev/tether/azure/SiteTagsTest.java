package dev.tether.azure;

import com.azure.core.management.AzureEnvironment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.plan.ResourceId;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.arm.ArmEmulator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The event intake's tags-only read: the same request and the same answer as the generated client's site read. */
class SiteTagsTest {
    record World(ArmEmulator arm, CallLog log, ArmGateway gateway) {
        List<String> calls() {
            return log.calls().stream().map(c -> c.target() + " " + c.method() + " " + c.path() + " " + c.status()).toList();
        }
    }

    static World world() {
        CallLog log = new CallLog();
        ArmEmulator arm = new ArmEmulator(log);
        DemoWorld.build().path("resources").forEach(r -> arm.putResource((ObjectNode) r));
        ArmGateway gateway = new ArmGateway(new AzureClients(ArmEmulator.fakeCredential(), null, arm, AzureEnvironment.AZURE,
                new ReadGovernor(1.0, Clock.systemUTC())), Duration.ofMinutes(1));
        return new World(arm, log, gateway);
    }

    @Test
    void readsTheSiteTagsWithTheGeneratedClientsRequest() {
        World w = world();
        ResourceId site = ResourceId.parse(DemoWorld.SITE_ID);
        Optional<Map<String, String>> tags = w.gateway().siteTags(site);
        Map<String, String> viaClient = w.gateway().site(site).orElseThrow().tags();
        assertEquals(Optional.of(viaClient), tags);
        assertEquals(Map.of("private-link", "shop"), viaClient);
        String get = "arm GET " + DemoWorld.SITE_ID + "?api-version=2025-03-01 200";
        assertEquals(List.of(get, get), w.calls());
    }

    @Test
    void aSiteOrSlotThatIsGoneIsEmptyAfterTheSame404() {
        World w = world();
        for (String id : List.of("/subscriptions/" + DemoWorld.SUB + "/resourceGroups/testrg123/providers/Microsoft.Web/sites/gone",
                DemoWorld.SITE_ID + "/slots/gone")) {
            ResourceId rid = ResourceId.parse(id);
            assertEquals(Optional.empty(), w.gateway().siteTags(rid));
            assertEquals(Optional.empty(), w.gateway().site(rid));
        }
        List<String> calls = w.calls();
        assertEquals(4, calls.size());
        assertEquals(calls.get(0), calls.get(1));
        assertEquals(calls.get(2), calls.get(3));
        assertEquals("arm GET /subscriptions/" + DemoWorld.SUB + "/resourceGroups/testrg123/providers/Microsoft.Web/sites/gone?api-version=2025-03-01 404",
                calls.get(0));
        assertEquals("arm GET " + DemoWorld.SITE_ID + "/slots/gone?api-version=2025-03-01 404", calls.get(2));
    }

    @Test
    void aSiteWithoutTagsHasNone() {
        assertEquals(Map.of(), SiteTags.tags("{\"id\":\"x\"}"));
        assertEquals(Map.of(), SiteTags.tags("{\"id\":\"x\",\"tags\":null}"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("private-link", "shop");
        expected.put("empty", "");
        assertEquals(expected, SiteTags.tags("{\"tags\":{\"private-link\":\"shop\",\"empty\":\"\"}}"));
    }
}
