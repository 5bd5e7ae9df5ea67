package dev.tether.sandbox.durable;

import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The episode request encoded from the cached history is byte for byte the protobuf request's own encoding. */
class HistoryBytesTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static byte[] expected(String id, List<HistoryEvent> past, List<HistoryEvent> news) {
        return OrchestratorService.OrchestratorRequest.newBuilder().setInstanceId(id).addAllPastEvents(past).addAllNewEvents(news).build().toByteArray();
    }

    @Test
    void growsWithTheHistoryAndStartsOverWhenTheHistoryDoes() {
        HistoryBytes bytes = new HistoryBytes();
        List<HistoryEvent> history = new ArrayList<>();
        List<HistoryEvent> news = List.of(Protos.orchestratorStarted(T0), Protos.executionStarted("i1", "LinkSite", "{\"a\":\"é\"}", T0));
        assertArrayEquals(expected("i1", history, news), bytes.request("i1", history, news), "an empty history");
        history.addAll(news);
        history.add(Protos.orchestratorCompleted(T0));
        List<HistoryEvent> raised = List.of(Protos.orchestratorStarted(T0.plusSeconds(1)), Protos.eventRaised("go", "x".repeat(300), T0.plusSeconds(1)));
        assertArrayEquals(expected("i1", history, raised), bytes.request("i1", history, raised), "three events, then two more");
        history.addAll(raised);
        assertArrayEquals(expected("i1", history, List.of()), bytes.request("i1", history, List.of()), "only the new ones are encoded");

        // continue-as-new: the history starts over, to a shorter one, then to one as long as before with other events.
        history.clear();
        history.add(Protos.executionStarted("i1", "LinkSite", "{}", T0.plusSeconds(2)));
        assertArrayEquals(expected("i1", history, raised), bytes.request("i1", history, raised));
        history.clear();
        history.add(Protos.executionTerminated("out", T0.plusSeconds(3)));
        assertArrayEquals(expected("i1", history, List.of()), bytes.request("i1", history, List.of()), "same length, another event");
        assertArrayEquals(expected("", history, List.of()), new HistoryBytes().request("", history, List.of()), "no instance id");
    }
}
