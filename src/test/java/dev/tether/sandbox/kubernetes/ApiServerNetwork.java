package dev.tether.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The world's rule for whether Tether's network position reaches a cluster's API server, and the place an unreachable
 * API server "is": a local socket that never completes a TCP handshake, so a client gets exactly what it gets from
 * Azure, a connect timeout (not a 403, not a refused connection).
 *
 * <p>Rules, from the cluster's ARM body ({@code properties.apiServerAccessProfile}):
 * <ul>
 * <li>{@code enablePrivateCluster}: the API server has only a private address in the cluster's VNet (the API server
 * subnet's with {@code enableVnetIntegration}, else the node subnet's), and its private DNS zone is linked only to that
 * VNet (AKS docs "Create a private AKS cluster": "the API server endpoint has no public IP address"; to reach it from
 * another VNet, peer it and link the zone). Reachable only from a position whose VNets include it.</li>
 * <li>{@code authorizedIPRanges} (public clusters): "only the specified IP address ranges can reach the API server";
 * other callers time out (AKS docs "Secure access to the API server using authorized IP address ranges",
 * troubleshooting: "Unable to connect to the server: dial tcp ...: i/o timeout"). Reachable only from an outbound IP
 * inside a range.</li>
 * </ul>
 * This is the world's own reading of the profile, independent of Tether's pre-flight.
 */
public final class ApiServerNetwork {
    /**
     * Tether's position on the network, WORLD.json's optional {@code tether} section: {@code vnetIds} it reaches
     * privately (its integration VNet and peered VNets with the private DNS zones linked) and its static
     * {@code outboundIps}. Absent: no VNet and no static IP.
     */
    public record Position(List<String> vnetIds, List<String> outboundIps) {
        public Position {
            vnetIds = vnetIds == null ? List.of() : List.copyOf(vnetIds);
            outboundIps = outboundIps == null ? List.of() : List.copyOf(outboundIps);
        }

        public static Position none() {
            return new Position(List.of(), List.of());
        }
    }

    private ApiServerNetwork() {
    }

    /** Why the position cannot reach the cluster's API server, or empty when it can. */
    public static Optional<String> unreachable(JsonNode clusterProperties, Position from) {
        JsonNode a = clusterProperties.path("apiServerAccessProfile");
        if (a.path("enablePrivateCluster").asBoolean(false)) {
            String subnet = a.path("enableVnetIntegration").asBoolean(false) && a.hasNonNull("subnetId") ? a.get("subnetId").asText() : null;
            if (subnet == null) {
                for (JsonNode pool : clusterProperties.path("agentPoolProfiles")) {
                    if (pool.hasNonNull("vnetSubnetID")) {
                        subnet = pool.get("vnetSubnetID").asText();
                        break;
                    }
                }
            }
            String vnet = subnet == null ? null : subnet.substring(0, subnet.toLowerCase(Locale.ROOT).lastIndexOf("/subnets/"));
            if (vnet != null && from.vnetIds().stream().anyMatch(vnet::equalsIgnoreCase)) {
                return Optional.empty();
            }
            return Optional.of("private cluster: its API server has only a private address in " + (vnet == null ? "an AKS-managed VNet" : vnet));
        }
        List<Ipv4Cidr> ranges = new ArrayList<>();
        a.path("authorizedIPRanges").forEach(r -> {
            String t = r.asText();
            if (Ipv4Cidr.isAddress(t)) {
                ranges.add(Ipv4Cidr.parse(t + "/32"));
            } else if (t.contains(".") && t.contains("/")) {
                ranges.add(Ipv4Cidr.parse(t));
            }
        });
        if (!a.path("authorizedIPRanges").isArray() || a.path("authorizedIPRanges").isEmpty()) {
            return Optional.empty();
        }
        for (String ip : from.outboundIps()) {
            if (ranges.stream().anyMatch(c -> c.contains(ip))) {
                return Optional.empty();
            }
        }
        return Optional.of("authorized IP ranges " + a.path("authorizedIPRanges") + " do not include " + from.outboundIps());
    }

    /**
     * A listening socket whose accept queue is full and never drained: the kernel drops further SYNs, so a connect
     * attempt times out, as one to an API server that does not answer the caller.
     */
    static final class Blackhole implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new ArrayList<>();

        Blackhole() {
            try {
                server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(at, 200);
                        held.add(s);
                    } catch (SocketTimeoutException full) {
                        s.close();
                        return;
                    }
                }
                throw new IllegalStateException("the blackhole's accept queue never filled");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url() {
            return "https://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() {
            try {
                for (Socket s : held) {
                    s.close();
                }
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
