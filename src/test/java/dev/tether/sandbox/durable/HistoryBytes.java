package dev.tether.sandbox.durable;

import com.google.protobuf.CodedOutputStream;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An instance's history as the {@code pastEvents} of the {@code OrchestratorRequest} the host sends each episode,
 * encoded once per event: a history only grows (or starts over on continue-as-new), so each episode encodes only the
 * events committed since the last one, where the request's {@code toByteArray()} encoded the whole history every
 * episode (the 10,000-event storm's instances wait on the read governor hundreds of times: most of its wall time).
 * {@link #request} is byte for byte {@code toByteArray()} of the request with the instance id, past and new events
 * (protobuf writes fields in field-number order, each repeated element as tag, length, message; HistoryBytesTest).
 */
final class HistoryBytes {
    private final ByteArrayOutputStream past = new ByteArrayOutputStream();
    /** How many events of the history {@link #past} holds, and the last of them (a history that started over differs). */
    private int encoded;
    private HistoryEvent last;

    /** The serialized {@code OrchestratorRequest} of an episode of the instance with this history. */
    byte[] request(String instanceId, List<HistoryEvent> history, List<HistoryEvent> newEvents) {
        if (history.size() < encoded || encoded > 0 && history.get(encoded - 1) != last) {
            past.reset();
            encoded = 0;
        }
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(past);
            for (HistoryEvent e : history.subList(encoded, history.size())) {
                out.writeMessage(OrchestratorService.OrchestratorRequest.PASTEVENTS_FIELD_NUMBER, e);
            }
            out.flush();
            encoded = history.size();
            last = encoded == 0 ? null : history.get(encoded - 1);
            ByteArrayOutputStream request = new ByteArrayOutputStream(past.size() + 256 * (newEvents.size() + 1));
            CodedOutputStream head = CodedOutputStream.newInstance(request);
            if (!instanceId.isEmpty()) {
                head.writeString(OrchestratorService.OrchestratorRequest.INSTANCEID_FIELD_NUMBER, instanceId);
            }
            head.flush();
            past.writeTo(request);
            CodedOutputStream tail = CodedOutputStream.newInstance(request);
            for (HistoryEvent e : newEvents) {
                tail.writeMessage(OrchestratorService.OrchestratorRequest.NEWEVENTS_FIELD_NUMBER, e);
            }
            tail.flush();
            return request.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
