package dev.tether.e2e;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import dev.tether.durable.LinkStarter;
import dev.tether.sandbox.durable.LoopbackSidecar;
import io.grpc.ManagedChannelProvider;
import io.grpc.ManagedChannelRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The durable client's real gRPC channel, as the Functions host binds it ({@code DurableClientContext} with the
 * sidecar's {@code rpcBaseUrl}), against a loopback sidecar speaking the durabletask protocol. The rest of the local
 * world uses an in-process client; this is the one place the transport the package ships (grpc-okhttp; pom.xml says
 * why) carries Tether's start-or-signal calls. It also runs on the staged package's classpath. The sidecar's server is
 * grpc-netty-shaded's (test scope only); its client provider is taken out of the registry here, so the channel is the
 * one the package builds, and the sidecar's record of each call's user-agent shows it.
 */
class DurableGrpcTest {
    static final String CLIENT = "grpc-java-okhttp/1.46.0";
    private static final List<ManagedChannelProvider> nettyClients = new ArrayList<>();
    private final LoopbackSidecar sidecar = new LoopbackSidecar();

    @BeforeAll
    static void clientOnOkHttp() {
        ManagedChannelProvider provider;
        while ((provider = ManagedChannelProvider.provider()).getClass().getName().contains(".netty.")) {
            ManagedChannelRegistry.getDefaultRegistry().deregister(provider);
            nettyClients.add(provider);
        }
        assertEquals("io.grpc.okhttp.OkHttpChannelProvider", provider.getClass().getName());
    }

    @AfterAll
    static void restoreRegistry() {
        nettyClients.forEach(ManagedChannelRegistry.getDefaultRegistry()::register);
    }

    @BeforeEach
    void start() throws Exception {
        sidecar.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        sidecar.close();
    }

    @Test
    void startThenSignalGoThroughTheSidecarChannel() throws Exception {
        String id = "tether-site-shop-0a1b2c3d";
        try (DurableTaskClient client = client()) {
            LinkStarter starter = new LinkStarter(client);
            assertEquals(LinkStarter.Started.STARTED, starter.startOrSignal("LinkSite", id, Map.of("resourceId", "/subscriptions/s/x"), "event e1"));
            assertEquals(LinkStarter.Started.SIGNALED, starter.startOrSignal("LinkSite", id, Map.of("resourceId", "/subscriptions/s/x"), "event e2"));
        }
        assertEquals(List.of(
                "getInstance " + id,
                "startInstance LinkSite " + id + " {\"resourceId\":\"/subscriptions/s/x\"}",
                "getInstance " + id,
                "raiseEvent " + id + " recheck \"event e2\""), sidecar.calls);
        assertEquals(List.of(CLIENT, CLIENT, CLIENT, CLIENT), sidecar.userAgents, "each call came over the OkHttp channel");
    }

    /** Two invocations race to start one instance: the loser's start is refused by the sidecar, and it signals instead. */
    @Test
    void aStartThatLostTheRaceSignalsTheWinner() throws Exception {
        String id = "tether-site-shop-0a1b2c3d";
        sidecar.startedElsewhere.add(id);
        try (DurableTaskClient client = client()) {
            assertEquals(LinkStarter.Started.SIGNALED, new LinkStarter(client).startOrSignal("LinkSite", id, Map.of("resourceId", "/subscriptions/s/x"), "event e1"));
        }
        assertEquals(List.of(
                "getInstance " + id,
                "startInstance LinkSite " + id + " {\"resourceId\":\"/subscriptions/s/x\"}",
                "getInstance " + id,
                "raiseEvent " + id + " recheck \"event e1\""), sidecar.calls);
        assertEquals(List.of(CLIENT, CLIENT, CLIENT, CLIENT), sidecar.userAgents, "each call came over the OkHttp channel");
    }

    /**
     * An event whose tags were in it: the intake's one look-up, then the start on what it saw (no second look-up); a
     * start another invocation won in between still ends in a signal. A look-up that settled the event is refused.
     */
    @Test
    void aStartOnTheIntakesOwnLookUpMakesNoSecondOneAndStillSignalsARaceWinner() throws Exception {
        dev.tether.plan.ResourceId site = dev.tether.plan.ResourceId.parse(dev.tether.sandbox.DemoWorld.SITE_ID);
        String id = LinkStarter.linkInstanceId(site);
        dev.tether.orchestration.LinkOptions options = dev.tether.orchestration.LinkOptions.from(
                dev.tether.config.TetherConfig.fromEnvironment(Map.of("TETHER_SUBSCRIPTIONS", dev.tether.sandbox.DemoWorld.SUB)));
        try (DurableTaskClient client = client()) {
            LinkStarter starter = new LinkStarter(client);
            LinkStarter.Prior none = starter.signalIfRunningOrCovered(id, java.time.Instant.parse("2026-01-01T00:00:00Z"), "event e1");
            assertEquals(LinkStarter.Prior.Kind.NONE, none.kind());
            assertEquals(LinkStarter.Started.STARTED, starter.startLink(site, options, "event e1", none));
            sidecar.startedElsewhere.add(id);
            assertEquals(LinkStarter.Started.SIGNALED, starter.startLink(site, options, "event e2", none), "the start lost to the one above: a signal");
            LinkStarter.Prior signaled = starter.signalIfRunningOrCovered(id, java.time.Instant.parse("2026-01-01T00:00:00Z"), "event e3");
            assertThrows(IllegalArgumentException.class, () -> starter.startLink(site, options, "event e3", signaled));
        }
        assertEquals(List.of("getInstance " + id, "startInstance LinkSite " + id, "startInstance LinkSite " + id, "getInstance " + id,
                        "raiseEvent " + id + " recheck \"event e2\"", "getInstance " + id, "raiseEvent " + id + " recheck \"event e3\""),
                sidecar.calls.stream().map(c -> c.startsWith("startInstance ") ? c.substring(0, c.indexOf(" {")) : c).toList());
    }

    private DurableTaskClient client() throws ReflectiveOperationException {
        DurableClientContext context = new DurableClientContext();
        set(context, "taskHubName", "TetherHub");
        set(context, "rpcBaseUrl", sidecar.rpcBaseUrl());
        return context.getClient();
    }

    private static void set(Object target, String field, String value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }
}
