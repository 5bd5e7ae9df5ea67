package dev.tether.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.arm.ArmEmulator;
import dev.tether.sandbox.durable.DurableDriver;
import dev.tether.sandbox.kubernetes.ApiServerNetwork;
import dev.tether.sandbox.kubernetes.KubernetesSandbox;

import java.util.List;

/** RESULT.json of a sandbox run (docs/CONTRACT.md): the world after the run, every orchestration, every HTTP exchange and call. */
final class ResultFile {
    private static final ObjectMapper M = new ObjectMapper();

    private ResultFile() {
    }

    static ObjectNode of(ArmEmulator arm, ApiServerNetwork.Position tetherPosition, KubernetesSandbox kubernetes, DurableDriver durable,
                         List<Sandbox.HttpExchange> exchanges, CallLog calls) {
        ObjectNode out = M.createObjectNode();
        ObjectNode world = out.putObject("world");
        ArrayNode res = world.putArray("resources");
        arm.resources().forEach(res::add);
        ObjectNode settings = world.putObject("appSettings");
        arm.appSettings().forEach((id, s) -> {
            ObjectNode o = settings.putObject(id);
            s.forEach(o::put);
        });
        if (!tetherPosition.vnetIds().isEmpty() || !tetherPosition.outboundIps().isEmpty()) {
            ObjectNode t = world.putObject("tether");
            tetherPosition.vnetIds().forEach(t.putArray("vnetIds")::add);
            tetherPosition.outboundIps().forEach(t.putArray("outboundIps")::add);
        }
        ObjectNode kube = world.putObject("kubernetes");
        kubernetes.dump().forEach((id, objects) -> {
            ArrayNode a = kube.putArray(id);
            objects.forEach(a::add);
        });
        ArrayNode orchestrations = out.putArray("orchestrations");
        for (DurableDriver.InstanceView v : durable.instances()) {
            ObjectNode o = orchestrations.addObject();
            o.put("instanceId", v.instanceId());
            o.put("name", v.name());
            o.put("status", v.status());
            o.set("output", parseOrText(v.output()));
            o.put("failure", v.failure());
            o.put("executions", v.executions());
        }
        ArrayNode http = out.putArray("http");
        for (Sandbox.HttpExchange e : exchanges) {
            ObjectNode o = http.addObject();
            o.put("request", e.request()).put("status", e.status());
            ObjectNode h = o.putObject("headers");
            e.headers().forEach(h::put);
            o.set("body", parseOrText(e.body()));
        }
        ArrayNode callArray = out.putArray("calls");
        for (CallLog.Call c : calls.calls()) {
            callArray.addObject().put("target", c.target()).put("method", c.method()).put("path", c.path()).put("status", c.status());
        }
        return out;
    }

    private static JsonNode parseOrText(String json) {
        if (json == null || json.isEmpty()) {
            return M.nullNode();
        }
        try {
            return M.readTree(json);
        } catch (java.io.IOException e) {
            return M.getNodeFactory().textNode(json);
        }
    }
}
