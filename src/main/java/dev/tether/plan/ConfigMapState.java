package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/** A ConfigMap as Tether reads it: its data keys and its annotations (where Tether records the keys it owns). */
public record ConfigMapState(Map<String, String> data, Map<String, String> annotations) {
    public ConfigMapState {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }
}
