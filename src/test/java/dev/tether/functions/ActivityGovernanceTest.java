package dev.tether.functions;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every activity that reads ARM asks the subscription's read governor first (docs/ARM-READS.md): with Tether's share
 * of the bucket spent, each answers a durable wait and makes no call at all, and the waits queue one behind another by
 * the reads each step makes at most. The drift scan's steps are the only exception: the scan paces its own batches.
 * A new activity fails this test until it is governed or listed with its reason.
 */
class ActivityGovernanceTest {
    /** The drift scan's steps pace their reads themselves (DriftActivities, from the same header and share). */
    static final Set<String> PACED_BY_THE_DRIFT_SCAN = Set.of("DriftDiscover", "DriftCheckCluster", "DriftCheckSites", "DriftStartRepairs");

    @Test
    void everyArmReadingStepWaitsDurablyWhenTheShareIsSpent() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "demo"))) {
            assertEquals(Duration.ZERO, s.tether().readGovernor().acquire(DemoWorld.SUB, 125), "the whole 50% share of the burst");
            String input = "{\"resourceId\":\"" + DemoWorld.SITE_ID + "\",\"clusterId\":\"" + DemoWorld.CLUSTER_ID + "\"}";
            Set<String> activities = new TreeSet<>();
            for (Method m : ActivityFunctions.class.getDeclaredMethods()) {
                if (Arrays.stream(m.getParameters()).anyMatch(p -> p.isAnnotationPresent(DurableActivityTrigger.class))) {
                    activities.add(m.getAnnotation(FunctionName.class).value());
                }
            }
            int before = s.calls().size();
            Map<String, String> answers = new LinkedHashMap<>();
            for (String name : activities) {
                if (!PACED_BY_THE_DRIFT_SCAN.contains(name)) {
                    answers.put(name, (String) s.host().invoke(name, input));
                }
            }
            // 12.5 reads per second at a 50% share: 80 ms a read, each step queued behind the ones told to wait before it.
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("ApplyService", waitMs(160));          // 2 reads: the cluster credential, the cluster
            expected.put("DeleteCorednsOverride", waitMs(320)); // 1: the credential
            expected.put("DeleteDnsService", waitMs(400));      // 3: the credential, the two Resource Graph queries (the apps' settings on top)
            expected.put("DeleteSubnetIfUnused", waitMs(640));
            expected.put("EnsureCorednsOverride", waitMs(720)); // 1: the credential
            expected.put("EnsureDnsService", waitMs(800));
            expected.put("EnsureDnsSetting", waitMs(880));
            expected.put("EnsureExposureGuard", waitMs(960));
            expected.put("EnsureSlotSettings", waitMs(1040));
            expected.put("EnsureSubnet", waitMs(1120));         // 2: the VNet, the subnet
            expected.put("JoinSubnet", waitMs(1280));
            expected.put("LeaveSubnet", waitMs(1360));
            expected.put("ObserveCorednsRollout", waitMs(1440));
            expected.put("ObserveDnsReadiness", waitMs(1520));
            expected.put("ObserveServiceIps", waitMs(1600));    // 3 on the first check: the credential, the cluster, its VNet
            expected.put("PlanClusterLink", waitMs(1840));
            expected.put("PlanClusterUnlink", waitMs(2000));    // 4: the cluster, the credential, the two Resource Graph queries
            expected.put("PlanServices", waitMs(2320));
            expected.put("PlanSiteLink", waitMs(2480));         // 7: with the plan's VNet connections and the slot settings
            expected.put("PlanSiteUnlink", waitMs(3040));       // 6: the site, its settings, the VNet, its subnet, the slot settings, the slots
            expected.put("RestartCorednsIfStale", waitMs(3520));
            expected.put("RestartCorednsUnloaded", waitMs(3600));
            expected.put("RestoreDnsSetting", waitMs(3680));
            expected.put("RestoreService", waitMs(3760));      // 1: the cluster credential (restoreServices)
            expected.put("RouteAllOff", waitMs(3840));
            expected.put("SignalLinkedSites", waitMs(3920));    // 1: the tag-filtered resource list
            expected.put("UnmarkSlotSettings", waitMs(4000));   // 1: the site's slotConfigNames (unlink)
            assertEquals(expected, answers);
            assertEquals(List.of(), s.calls().since(before), "no step read anything while the share was spent");
            Set<String> all = new TreeSet<>(expected.keySet());
            all.addAll(PACED_BY_THE_DRIFT_SCAN);
            assertEquals(all, activities, "every activity is governed or paced by the drift scan");
        }
    }

    private static String waitMs(long ms) {
        return "{\"readBudgetWaitMs\":" + ms + "}";
    }
}
