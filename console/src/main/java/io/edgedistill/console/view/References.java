package io.edgedistill.console.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Figures that only a simulation knows, because only it holds every edge's rows and a held-out split: the pooled
 * reference (the edges' architecture trained on all rows) and each model's held-out macro-F1. The demo writes them to a
 * JSON file ({@code console.references-file}; the demo's {@code ConsoleReferences} writes it); in a real deployment
 * there is none, and the page says so.
 *
 * <pre>{"pooled": {"macroF1": 0.844, "what": "..."}, "heldOut": {"5g-nidd-attacks v2": 0.82}}</pre>
 *
 * @param pooledMacroF1 the pooled reference's held-out macro-F1, or null
 * @param pooledWhat    what the pooled reference is, in words
 * @param heldOut       held-out macro-F1 by model ("modelId vVersion")
 */
public record References(Double pooledMacroF1, String pooledWhat, Map<String, Double> heldOut) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final References NONE = new References(null, "", Map.of());

    /** The file's figures; {@link #NONE} when it does not exist (yet) or cannot be read whole. */
    public static References read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return NONE;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            JsonNode pooled = root.path("pooled");
            Map<String, Double> held = new LinkedHashMap<>();
            root.path("heldOut").properties().forEach(e -> held.put(e.getKey(), e.getValue().asDouble()));
            return new References(pooled.hasNonNull("macroF1") ? pooled.get("macroF1").asDouble() : null,
                    pooled.path("what").asText(""), Map.copyOf(held));
        } catch (IOException | RuntimeException e) {
            return NONE; // written by another process: a half-written file is read again on the next change
        }
    }
}
