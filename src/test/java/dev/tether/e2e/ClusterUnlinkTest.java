package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Link a cluster and its app, unlink the app, then the cluster: the cluster is back as it was but for what is documented as kept. */
class ClusterUnlinkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Map<String, String> JSON = Map.of("Accept", "application/json");
    static final String CLUSTER = DemoWorld.CLUSTER_ID;

    static void untagCluster(Sandbox s) {
        ObjectNode c = s.arm().resource(CLUSTER).orElseThrow().deepCopy();
        ((ObjectNode) c.get("tags")).remove("private-link");
        s.arm().putResource(c);
    }

    static List<String> calls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().map(c -> c.method() + " " + c.path().replaceAll("\\?.*", "") + " " + c.status()).toList();
    }

    static Sandbox.HttpExchange unlink(Sandbox s, String id, boolean force) {
        return s.http(UnlinkTest.UNLINK, "{\"resourceId\":\"" + id + "\"" + (force ? ",\"force\":true" : "") + "}", JSON);
    }

    /** The cluster's instance (the app's is the other one). */
    static dev.tether.sandbox.durable.DurableDriver.InstanceView clusterRun(Sandbox s) {
        return s.durable().instances().stream().filter(v -> v.instanceId().startsWith("tether-cluster-")).findFirst().orElseThrow();
    }

    @Test
    void probe() throws Exception {
        ObjectNode expected = UnlinkTest.pristine(DemoWorld.build());
        try (Sandbox s = UnlinkTest.linked(DemoWorld.build())) {
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            assertEquals(202, unlink(s, DemoWorld.SITE_ID, false).status());
            s.runUntilIdle();
            untagCluster(s);
            int mark = s.calls().size();
            Sandbox.HttpExchange e = unlink(s, CLUSTER, false);
            System.out.println("HTTP " + e.status() + " " + e.body());
            s.runUntilIdle();
            s.durable().instances().forEach(v -> System.out.println(v.instanceId() + " " + v.status() + " " + v.failure() + " " + v.output()));
            calls(s, mark).forEach(c -> System.out.println("CALL " + c));
            ObjectNode now = new WorldView(s).comparableWorld();
            System.out.println("DIFF " + WorldView.firstDifference(expected.path("kubernetes"), now.path("kubernetes"), "kubernetes"));
        }
    }
}
