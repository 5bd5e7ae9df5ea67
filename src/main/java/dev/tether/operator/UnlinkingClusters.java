package dev.tether.operator;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import dev.tether.orchestration.LinkRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The clusters whose unlink runs or waits (its untag grace, its apps, or its steps), for status: an untagged cluster is in
 * no link's inventory, so they come from the task hub, with one query (paged) and no ARM read (docs/UNLINK.md).
 */
final class UnlinkingClusters {
    private UnlinkingClusters() {
    }

    /** One cluster being unlinked: its id (from its instance's input), its instance, and " (phase until ...)" or "". */
    record Unlinking(String resourceId, String instanceId, String phase) {
    }

    /**
     * The running or pending {@code tether-cluster-...} instances whose custom status says {@code step: unlinking}, as
     * the task hub lists them. An instance whose input or status Tether cannot read is left out.
     */
    static List<Unlinking> list(DurableTaskClient client) {
        List<Unlinking> out = new ArrayList<>();
        OrchestrationStatusQuery q = new OrchestrationStatusQuery().setInstanceIdPrefix("tether-cluster-").setFetchInputsAndOutputs(true)
                .setRuntimeStatusList(List.of(OrchestrationRuntimeStatus.RUNNING, OrchestrationRuntimeStatus.PENDING));
        while (true) {
            OrchestrationStatusQueryResult page = client.queryInstances(q);
            for (OrchestrationMetadata m : page.getOrchestrationState()) {
                if (!m.isCustomStatusFetched() || !OperatorApi.unlinkingStatus(m)) {
                    continue;
                }
                try {
                    out.add(new Unlinking(m.readInputAs(LinkRequest.class).resourceId(), m.getInstanceId(), phase(m)));
                } catch (RuntimeException unreadable) {
                    // an input of another version: not listed rather than failing the whole status
                }
            }
            if (page.getContinuationToken() == null || page.getContinuationToken().isEmpty()) {
                return out;
            }
            q.setContinuationToken(page.getContinuationToken());
        }
    }

    /** " (grace until ...)" from an unlinking instance's custom status, or "" when it names no phase. */
    private static String phase(OrchestrationMetadata m) {
        try {
            Map<?, ?> status = m.readCustomStatusAs(Map.class);
            Object phase = status.get("phase");
            Object until = status.get("until");
            return phase == null ? "" : " (" + phase + (until == null ? "" : " until " + until) + ")";
        } catch (RuntimeException unreadable) {
            return "";
        }
    }
}
