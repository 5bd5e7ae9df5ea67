package com.microsoft.durabletask;

import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;

import java.util.List;

/**
 * Test-scope bridge into durabletask's package: builds the real {@link OrchestrationMetadata} and query/purge result
 * types (their constructors are package-private) from the protobuf state the sandbox backend keeps.
 */
public final class SandboxMetadata {
    private static final DataConverter CONVERTER = new JacksonDataConverter();

    private SandboxMetadata() {
    }

    public static OrchestrationMetadata of(OrchestratorService.OrchestrationState state, boolean withInputsAndOutputs) {
        return new OrchestrationMetadata(state, CONVERTER, withInputsAndOutputs);
    }

    public static OrchestrationStatusQueryResult queryResult(List<OrchestrationMetadata> states) {
        return new OrchestrationStatusQueryResult(states, null);
    }

    public static PurgeResult purged(int count) {
        return new PurgeResult(count);
    }

    public static DataConverter converter() {
        return CONVERTER;
    }
}
