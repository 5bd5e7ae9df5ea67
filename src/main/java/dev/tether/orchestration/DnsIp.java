package dev.tether.orchestration;

/** The tether-dns load balancer IP as last observed (null while pending), and whether this call pinned it. */
public record DnsIp(String ip, boolean pinnedNow, String waitingFor, String error) {
}
