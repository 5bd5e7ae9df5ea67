package dev.tether.sandbox;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository carries a copy of shared/reference so that a clone with nothing beside it (CI) still runs the world on
 * Microsoft's payloads. Where the team's shared/reference is present, the copy must be byte-for-byte the same.
 */
class ReferenceCopyTest {

    @Test
    void bundledCopyHasEveryKindOfPayload() throws IOException {
        Map<String, byte[]> bundled = files(Path.of(ReferenceEvents.BUNDLED));
        for (String dir : new String[] {"arm/", "eventgrid/", "kubernetes/"}) {
            assertTrue(bundled.keySet().stream().anyMatch(f -> f.startsWith(dir)), "src/test/reference has no " + dir);
        }
    }

    /**
     * The copy is checked on every clone, with or without shared/ beside it: against a committed manifest of every file
     * name and SHA-256 (src/test/reference.sha256, the output of {@code sha256sum} run inside src/test/reference).
     */
    @Test
    void bundledCopyMatchesItsCommittedManifest() throws Exception {
        Map<String, String> manifest = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("src", "test", "reference.sha256"))) {
            manifest.put(line.substring(66), line.substring(0, 64));
        }
        Map<String, String> actual = new TreeMap<>();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        files(Path.of(ReferenceEvents.BUNDLED)).forEach((name, bytes) -> actual.put(name, java.util.HexFormat.of().formatHex(sha.digest(bytes))));
        assertEquals(manifest, actual, "src/test/reference differs from src/test/reference.sha256");
    }

    @Test
    void bundledCopyEqualsSharedWhereSharedIsPresent() throws IOException {
        Path shared = Path.of(ReferenceEvents.SHARED);
        if (!Files.isDirectory(shared)) {
            return; // nothing to compare against on a clone without shared/ beside it
        }
        Map<String, byte[]> a = files(shared);
        Map<String, byte[]> b = files(Path.of(ReferenceEvents.BUNDLED));
        assertEquals(a.keySet(), b.keySet(), "files in src/test/reference vs ../shared/reference");
        a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name + " differs from ../shared/reference"));
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
