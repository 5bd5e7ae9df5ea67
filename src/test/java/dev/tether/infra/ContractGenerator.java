package dev.tether.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.azure.ArmOperation;
import dev.tether.config.TetherConfig;
import dev.tether.events.EventRouter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Writes infra/generated/tether-contract.json from the code's single sources of truth: the operations the Event Grid
 * trigger handles (and, for the resources event source, its event type, resource types and the tag operations left to
 * the subscription topic), the ARM actions the gateways call, and every setting with its default. The Bicep loads it
 * with loadJsonContent, so the event filters, the custom role and the app settings cannot drift from the code.
 * Regenerate: {@code mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.infra.ContractGenerator}
 */
public final class ContractGenerator {
    public static final Path CONTRACT = Path.of("infra", "generated", "tether-contract.json");
    public static final String EVENT_FUNCTION = "OnResourceEvent";

    private ContractGenerator() {
    }

    public static String render() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("_comment", "Generated from the code by dev.tether.infra.ContractGenerator; do not edit. A test fails when it is stale.");
        root.put("eventFunctionName", EVENT_FUNCTION);
        root.put("eventType", EventRouter.WRITE_SUCCESS);
        ArrayNode ops = root.putArray("handledOperations");
        EventRouter.HANDLED_OPERATIONS.forEach(ops::add);
        // eventSource resourceNotifications (preview): the resources topic's event and the types it is filtered on; the
        // subscription topic's filter then narrows to the tag writes.
        root.put("resourceNotificationsEventType", EventRouter.RESOURCE_CREATED_OR_UPDATED);
        ArrayNode types = root.putArray("notifiedTypes");
        EventRouter.NOTIFIED_TYPES.forEach(types::add);
        ArrayNode tagOps = root.putArray("tagOperations");
        EventRouter.TAG_OPERATIONS.forEach(tagOps::add);
        ArrayNode actions = root.putArray("roleActions");
        new TreeSet<>(Arrays.stream(ArmOperation.values()).map(ArmOperation::action).toList()).forEach(actions::add);
        ArrayNode settings = root.putArray("settings");
        TetherConfig.SETTINGS.forEach(s -> settings.addObject().put("name", s.name()).put("default", s.defaultValue()));
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        Files.createDirectories(CONTRACT.getParent());
        Files.writeString(CONTRACT, render());
        System.out.println("wrote " + CONTRACT.toAbsolutePath());
        Runtime.getRuntime().halt(0);
    }
}
