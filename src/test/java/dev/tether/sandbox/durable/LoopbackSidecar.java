package dev.tether.sandbox.durable;

import com.google.protobuf.Timestamp;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CreateInstanceResponse;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.GetInstanceRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.GetInstanceResponse;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.RaiseEventRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.RaiseEventResponse;
import com.microsoft.durabletask.implementation.protobuf.TaskHubSidecarServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A durabletask sidecar on a loopback port, speaking the protocol the Functions host's Durable extension speaks to a
 * Java worker's {@code DurableClientContext}: it remembers the instances it started and records every call, in order.
 * Used where the durable client's real gRPC channel is the point (DurableGrpcTest, cold start); the rest of the local
 * world uses an in-process client.
 */
public final class LoopbackSidecar extends TaskHubSidecarServiceGrpc.TaskHubSidecarServiceImplBase implements AutoCloseable {
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, String> running = Collections.synchronizedMap(new HashMap<>());
    /** Instances another invocation starts between Tether's read and its start: the start is refused. */
    public final Set<String> startedElsewhere = Collections.synchronizedSet(new HashSet<>());
    /** The user-agent of each call's client, in order: it names the client's transport (grpc-java-okhttp/1.46.0). */
    public final List<String> userAgents = Collections.synchronizedList(new ArrayList<>());
    private Server server;

    /**
     * Starts serving on a free loopback port. The server is Netty's (grpc-netty-shaded, test scope only: grpc-okhttp
     * 1.46 has no server); the package's client channel is OkHttp's.
     */
    public LoopbackSidecar start() throws IOException {
        Metadata.Key<String> userAgent = Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
        ServerInterceptor recordAgent = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                userAgents.add(headers.get(userAgent));
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(this, recordAgent)).build().start();
        return this;
    }

    /** The {@code rpcBaseUrl} the host binds into a {@code DurableClientContext}. */
    public String rpcBaseUrl() {
        return "http://127.0.0.1:" + server.getPort() + "/durabletask/";
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

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
        String id = request.getInstanceId();
        calls.add("startInstance " + request.getName() + " " + id + " " + request.getInput().getValue());
        if (startedElsewhere.remove(id)) {
            running.put(id, request.getName());
            reply.onError(Status.ALREADY_EXISTS.withDescription("an instance with ID '" + id + "' already exists").asRuntimeException());
            return;
        }
        running.put(id, request.getName());
        reply.onNext(CreateInstanceResponse.newBuilder().setInstanceId(id).build());
        reply.onCompleted();
    }

    @Override
    public void raiseEvent(RaiseEventRequest request, StreamObserver<RaiseEventResponse> reply) {
        calls.add("raiseEvent " + request.getInstanceId() + " " + request.getName() + " " + request.getInput().getValue());
        reply.onNext(RaiseEventResponse.getDefaultInstance());
        reply.onCompleted();
    }
}
