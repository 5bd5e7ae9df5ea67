package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every case of the catalog: the documented message, zero writes, and Tether still serves afterwards. */
class BadInputCatalogTest {

    static Stream<BadInputCatalog.Case> cases() {
        return BadInputCatalog.cases().stream();
    }

    @Test
    void theCatalogHasItsNinetyNineCasesWithUniqueIdsAndItsDocIsCurrent() throws Exception {
        // 99 cases (E25-E29: the resources topic): one row each in docs/BAD-INPUT.md. A case added or dropped changes this number on purpose.
        assertEquals(99, BadInputCatalog.cases().size(), "cases: " + BadInputCatalog.cases().stream().map(BadInputCatalog.Case::id).toList());
        assertEquals(99, BadInputCatalog.cases().stream().map(BadInputCatalog.Case::id).distinct().count(), "case ids are unique");
        assertEquals(BadInputCatalog.markdown(), Files.readString(BadInputCatalog.DOC),
                "docs/BAD-INPUT.md is stale: mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.e2e.BadInputCatalog");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithTheDocumentedMessageAndWritesNothing(BadInputCatalog.Case c) {
        ObjectNode world = DemoWorld.build();
        c.world().accept(world);
        try (Sandbox s = new Sandbox(WorldFile.parse(world, c.id()))) {
            String said = c.act().apply(s);
            assertTrue(said.contains(c.expected()), c.id() + ": expected '" + c.expected() + "' in: " + abbreviate(said));
            assertEquals(List.of(), s.calls().writes(), c.id() + ": zero writes");
            assertTrue(s.logLines().stream().noneMatch(l -> l.contains("sandbox-token") || l.contains(s.kubernetes().token(DemoWorld.CLUSTER_ID))),
                    c.id() + ": nothing secret in the logs");
            // The process keeps running: a good event is still handled.
            // E17, E18 and E23 leave the bad tag on the app itself, so its own event is refused again; otherwise it starts a link.
            assertEquals(SITE_STAYS_BAD.contains(c.id()) ? "refused" : "started", s.deliver(DemoWorld.events().get(0).toString()), c.id());
        }
    }

    private static final java.util.Set<String> SITE_STAYS_BAD = java.util.Set.of("E17", "E18", "E23");

    private static String abbreviate(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
