package dev.tether.infra;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The deployable package as azure-functions:package staged it ({@code target/azure-functions/tether}). Runs in the
 * {@code staged-package} execution of {@code mvn package} (pom.xml), on a classpath whose compile and runtime
 * dependencies are exactly the staged lib/, next to the end-to-end suite on the same classpath.
 */
class StagedPackageTest {
    static final Path PACKAGE = Path.of(System.getProperty("tether.package", "target/azure-functions/tether"));

    /** Packages only the local world's test-scope dependencies bring: none of them may ship. */
    static final List<String> TEST_SCOPE_PACKAGES = List.of("org/junit/", "org/opentest4j/", "org/mockito/", "net/bytebuddy/",
            "org/objenesis/", "io/fabric8/", "io/vertx/", "org/apiguardian/", "io/grpc/netty/");

    /**
     * Removed from the package because no code path loads them (pom.xml's exclusions; docs/PACKAGE.md has the class-load
     * log). Each is a file-name prefix of the artifact.
     */
    static final List<String> EXCLUDED = List.of("azure-resourcemanager-storage-", "azure-resourcemanager-authorization-",
            "azure-resourcemanager-msi-", "azure-resourcemanager-keyvault-", "azure-security-keyvault-", "azure-resourcemanager-dns-",
            "client-java-proto-", "commons-collections4-", "commons-io-",
            // The Azure SDK's Netty transport and all it brought (reactor-netty, netty, netty-tcnative, the epoll and macOS
            // natives): the SDK sends through the JDK's HTTP client (AzureTransport). grpc-netty-shaded is "grpc-...".
            "azure-core-http-netty-", "reactor-netty-", "netty-",
            // Bouncy Castle: only client-java's SSLUtils uses it; Tether reads client keys with the JDK (ClientCertificate)
            "bcprov-", "bcpkix-", "bcutil-",
            // the durable client's channel is grpc-okhttp's; grpc-netty-shaded serves only the test sidecar's server
            "grpc-netty-shaded-", "okio-1.",
            // azure-identity's persistent token cache: Tether's credentials (AzureCredentials) never ask for one
            "msal4j-persistence-extension-", "jna-");

    static List<Path> libJars() {
        try (Stream<Path> jars = Files.list(PACKAGE.resolve("lib"))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(PACKAGE + "/lib is missing: this test runs in `mvn package`, after azure-functions:package", e);
        }
    }

    @Test
    void theSuiteRunsOnTheStagedLibraries() throws Exception {
        // One class from each kind of dependency: the Azure SDK, client-java, the durable client, Jackson.
        for (String type : List.of("com.azure.core.http.HttpClient", "com.azure.resourcemanager.network.NetworkManager",
                "io.kubernetes.client.openapi.ApiClient", "com.microsoft.durabletask.DurableTaskClient", "com.fasterxml.jackson.databind.ObjectMapper")) {
            Path source = Path.of(Class.forName(type).getProtectionDomain().getCodeSource().getLocation().toURI());
            assertEquals(PACKAGE.resolve("lib").toAbsolutePath().normalize(), source.getParent().toAbsolutePath().normalize(),
                    type + " was loaded from " + source + ", not from the staged package");
        }
    }

    @Test
    void noTestScopeClassShips() {
        Map<String, String> leaked = new TreeMap<>();
        for (Path jar : libJars()) {
            for (String entry : entries(jar)) {
                TEST_SCOPE_PACKAGES.stream().filter(entry::startsWith).findFirst()
                        .ifPresent(pkg -> leaked.putIfAbsent(jar.getFileName().toString(), entry));
            }
        }
        assertEquals(Map.of(), leaked, "test-scope classes in the deployable package (jar -> first class)");
    }

    /** Elastic Premium Linux runs x86-64: a jar with native code must carry a Linux x86-64 build, or it is dead weight. */
    @Test
    void everyNativeJarLoadsOnLinuxX64() {
        List<String> foreign = new ArrayList<>();
        for (Path jar : libJars()) {
            List<String> natives = entries(jar).stream().filter(StagedPackageTest::isNativeLibrary).toList();
            if (!natives.isEmpty() && natives.stream().noneMatch(StagedPackageTest::isLinuxX64)) {
                foreign.add(jar.getFileName() + " " + natives);
            }
        }
        assertEquals(List.of(), foreign, "native jars for platforms other than Linux x86-64");
    }

    @Test
    void whatNoCodePathLoadsIsNotStaged() {
        List<String> present = libJars().stream().map(j -> j.getFileName().toString())
                .filter(name -> EXCLUDED.stream().anyMatch(name::startsWith)).toList();
        assertEquals(List.of(), present, "excluded artifacts are back in lib/ (a new dependency path? see pom.xml's exclusions)");
    }

    @Test
    void nativeClassifierRules() {
        assertTrue(isLinuxX64("META-INF/native/libnetty_tcnative_linux_x86_64.so"));
        assertTrue(isLinuxX64("com/sun/jna/linux-x86-64/libjnidispatch.so"));
        assertTrue(isLinuxX64("META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_x86_64.so"));
        assertFalse(isLinuxX64("META-INF/native/libnetty_tcnative_linux_aarch_64.so"));
        assertFalse(isLinuxX64("META-INF/native/libnetty_tcnative_osx_x86_64.jnilib"));
        assertFalse(isLinuxX64("META-INF/native/netty_tcnative_windows_x86_64.dll"));
        assertFalse(isNativeLibrary("META-INF/native/"));
    }

    static boolean isNativeLibrary(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        return e.endsWith(".so") || e.endsWith(".dll") || e.endsWith(".dylib") || e.endsWith(".jnilib");
    }

    static boolean isLinuxX64(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        return e.endsWith(".so") && (e.contains("x86_64") || e.contains("x86-64") || e.contains("amd64"))
                && !e.contains("osx") && !e.contains("darwin") && !e.contains("freebsd");
    }

    private static List<String> entries(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(JarEntry::getName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(jar.toString(), e);
        }
    }
}
