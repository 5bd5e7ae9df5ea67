package dev.tether.e2e;

import com.google.protobuf.Timestamp;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceResponse;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.GetInstanceRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.GetInstanceResponse;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.RaiseEventRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.RaiseEventResponse;
import com.microsoft.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import dev.tether.durable.LinkStarter;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The durable client's real gRPC channel, as the Functions host binds it ({@code DurableClientContext} with the
 * sidecar's {@code rpcBaseUrl}), against a loopback sidecar speaking the durabletask protocol. The rest of the local
 * world uses an in-process client; this is the one place the transport the package ships (grpc-netty-shaded; pom.xml
 * says why not another) carries Tether's start-or-signal calls. It also runs on the staged package's classpath.
 */
class DurableGrpcTest {
    /** A sidecar that remembers instances it started and records every call, in order. */
    static final class Sidecar extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> running = Collections.synchronizedMap(new HashMap<>());
        /** Instances another invocation starts between Tether's read and its start: the start is refused. */
        final java.util.Set<String> startedElsewhere = Collections.synchronizedSet(new java.util.HashSet<>());

        @Override
        public void getInstance(GetInstanceRequest request, StreamObserver<GetInstanceResponse> reply) {
            calls.add("getInstance " + request.getInstanceId());
            String name = running.get(request.getInstanceId());
            GetInstanceResponse.Builder response = GetInstanceResponse.newBuilder().setExists(name != null);
            if (name != null) {
                Timestamp t = Timestamp.newBuilder().setSeconds(1_700_000_000L).build();
                response.setOrchestrationState(OrchestratorService.OrchestrationState.newBuilder().setInstanceId(request.getInstanceId())
                        .setName(name).setOrchestrationStatus(OrchestratorService.OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING)
                        .setCreatedTimestamp(t).setLastUpdatedTimestamp(t));
            }
            reply.onNext(response.build());
            reply.onCompleted();
        }

        @Override
        public void startInstance(CreateInstanceRequest request, StreamObserver<CreateInstanceResponse> reply) {
            calls.add("startInstance " + request.getName() + " " + request.getInstanceId() + " " + request.getInput().getValue());
            if (startedElsewhere.remove(request.getInstanceId())) {
                running.put(request.getInstanceId(), request.getName());
                reply.onError(Status.ALREADY_EXISTS.withDescription("an instance with ID '" + request.getInstanceId() + "' already exists")
                        .asRuntimeException());
                return;
            }
            running.put(request.getInstanceId(), request.getName());
            reply.onNext(CreateInstanceResponse.newBuilder().setInstanceId(request.getInstanceId()).build());
            reply.onCompleted();
        }

        @Override
        public void raiseEvent(RaiseEventRequest request, StreamObserver<RaiseEventResponse> reply) {
            calls.add("raiseEvent " + request.getInstanceId() + " " + request.getName() + " " + request.getInput().getValue());
            reply.onNext(RaiseEventResponse.getDefaultInstance());
            reply.onCompleted();
        }
    }

    private final Sidecar sidecar = new Sidecar();
    private Server server;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).addService(sidecar).build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
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
    }

    private DurableTaskClient client() throws ReflectiveOperationException {
        DurableClientContext context = new DurableClientContext();
        set(context, "taskHubName", "TetherHub");
        set(context, "rpcBaseUrl", "http://127.0.0.1:" + server.getPort() + "/durabletask/");
        return context.getClient();
    }

    private static void set(Object target, String field, String value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }
}
