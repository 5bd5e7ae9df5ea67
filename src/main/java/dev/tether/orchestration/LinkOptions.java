package dev.tether.orchestration;

import dev.tether.config.TetherConfig;

/** Timing knobs an orchestration needs; passed in its input so the orchestrator never reads the environment. */
public record LinkOptions(long dnsWaitSeconds, long dnsPollSeconds, int retryMaxAttempts, long retryFirstSeconds, int serviceParallelism) {
    public static LinkOptions from(TetherConfig config) {
        return new LinkOptions(config.dnsWaitTimeout().toSeconds(), config.dnsPollInterval().toSeconds(),
                config.retryMaxAttempts(), config.retryFirstInterval().toSeconds(), config.serviceParallelism());
    }
}
