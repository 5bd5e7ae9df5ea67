package dev.tether.sandbox.arm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/PLATFORM-RULES.md is the emulator's own rule table, and each rule has a real status, code and source. */
class PlatformRulesTest {

    @Test
    void theDocumentIsTheTable() throws IOException {
        assertEquals(PlatformRules.document(), Files.readString(PlatformRules.DOC),
                "docs/PLATFORM-RULES.md is stale; regenerate: mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.sandbox.arm.PlatformRules");
    }

    @Test
    void everyRuleNamesASourceAndAnErrorStatus() {
        Set<String> bad = new HashSet<>();
        for (PlatformRules.Rule r : PlatformRules.Rule.values()) {
            boolean sourced = r.source.startsWith("https://") || r.source.matches("^[\\w.-]+/[\\w.-]+#\\d+.*");
            if (!sourced || r.status < 400 || r.status > 499 || r.what.isBlank()) {
                bad.add(r.name());
            }
        }
        assertEquals(Set.of(), bad, "rules without a source or an error status: " + Arrays.toString(bad.toArray()));
    }

    @Test
    void everyModelledBehaviourNamesItsSource() {
        assertEquals(List.of("AKS_PUBLIC_IP", "AKS_LOAD_BALANCERS", "ARM_RESOURCE_EVENTS", "RESOURCES_TOPIC_EVENTS", "EVENT_GRID_FILTER", "OPERATION_IN_PROGRESS",
                        "OPERATION_ENDED", "NETWORK_SUBNET_PUT", "NETWORK_SUBNET_DELETE", "WEB_LONG_RUNNING_WRITE"),
                Arrays.stream(PlatformRules.Behaviour.values()).map(Enum::name).toList());
        Set<String> bad = new HashSet<>();
        for (PlatformRules.Behaviour b : PlatformRules.Behaviour.values()) {
            boolean sourced = b.source.startsWith("https://") || b.source.startsWith("kubernetes-sigs/cloud-provider-azure ")
                    || b.source.matches("^[\\w.-]+/[\\w.-]+#\\d+.*");
            if (!sourced || b.when.isBlank() || b.what.isBlank()) {
                bad.add(b.name());
            }
        }
        assertEquals(Set.of(), bad, "behaviours without a source: " + Arrays.toString(bad.toArray()));
    }
}
