package dev.tether.e2e;

import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cluster unlink's runs, for tests in other packages (the infra contract tests). */
public final class ClusterUnlinkAccess {
    private ClusterUnlinkAccess() {
    }

    /** Every call of a demo link, the app's unlink and the cluster's unlink (all completed). */
    public static List<CallLog.Call> linkThenUnlinkCalls() {
        try (Sandbox s = ClusterUnlinkTest.appUnlinked(DemoWorld.build())) {
            assertEquals(202, ClusterUnlinkTest.unlink(s, DemoWorld.CLUSTER_ID, false).status());
            s.runUntilIdle();
            s.durable().instances().forEach(v -> assertEquals("Completed", v.status(), v.failure()));
            return s.calls().calls();
        }
    }
}
