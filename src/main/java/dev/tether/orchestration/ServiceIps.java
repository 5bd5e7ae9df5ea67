package dev.tether.orchestration;

import dev.tether.plan.ServiceIp;

import java.util.List;
import java.util.Map;

/**
 * A check of the Services made internal: in ({@code subnets} null on the first check, then what it returned) and out.
 * {@code subnets} maps each Service to the CIDR its IP must come from ("" when any private address will do).
 */
public final class ServiceIps {
    private ServiceIps() {
    }

    public record Check(String clusterId, List<String> services, Map<String, String> subnets, String domain) {
    }

    public record Observed(String domain, Map<String, String> subnets, List<ServiceIp> services, String error) {
    }
}
