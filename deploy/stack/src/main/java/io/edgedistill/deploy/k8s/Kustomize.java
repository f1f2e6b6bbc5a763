package io.edgedistill.deploy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The part of kustomize that EdgeDistill's overlays use, so that they render without {@code kubectl}: a
 * {@code kustomization.yaml} with {@code resources} (files, or directories with their own kustomization),
 * {@code namespace} (set on every namespaced resource) and {@code patches} (a JSON 6902 patch file and a
 * {@code target} of kind and name). Anything else in a kustomization is refused rather than ignored.
 * {@code KubernetesManifestsTest} checks that {@code kubectl kustomize} renders the same where it is installed.
 */
public final class Kustomize {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "namespace", "patches");
    /** Kinds without a namespace among those the manifests use. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole",
            "ClusterRoleBinding", "PersistentVolume", "StorageClass");

    private Kustomize() {
    }

    /** Renders the kustomization in {@code dir}. */
    public static List<ObjectNode> render(Path dir) throws IOException {
        JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        k.fieldNames().forEachRemaining(f -> {
            if (!KNOWN.contains(f)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: field '" + f + "' is not supported by this renderer");
            }
        });
        List<ObjectNode> docs = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                docs.addAll(render(p));
            } else {
                docs.addAll(read(p));
            }
        }
        for (JsonNode patch : k.path("patches")) {
            JsonNode ops = YAML.readTree(dir.resolve(patch.path("path").asText()).toFile());
            String kind = patch.path("target").path("kind").asText();
            String name = patch.path("target").path("name").asText();
            List<ObjectNode> targets = docs.stream().filter(d -> d.path("kind").asText().equals(kind)
                    && d.path("metadata").path("name").asText().equals(name)).toList();
            if (targets.isEmpty()) {
                throw new IllegalArgumentException(dir + ": patch " + patch.path("path").asText() + " matches no " + kind + " " + name);
            }
            for (ObjectNode t : targets) {
                for (JsonNode op : ops) {
                    apply(t, op);
                }
            }
        }
        if (k.hasNonNull("namespace")) {
            for (ObjectNode d : docs) {
                if (!CLUSTER_SCOPED.contains(d.path("kind").asText())) {
                    ((ObjectNode) d.with("metadata")).put("namespace", k.get("namespace").asText());
                }
            }
        }
        return docs;
    }

    /** The documents of a multi-document YAML file (empty documents skipped). */
    public static List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n instanceof ObjectNode o && !o.isEmpty()) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /** Writes documents as one multi-document YAML text. */
    public static String write(List<ObjectNode> docs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode d : docs) {
            sb.append("---\n").append(YAML.writeValueAsString(d));
        }
        return sb.toString();
    }

    /** One JSON 6902 operation: add, replace or remove. */
    private static void apply(ObjectNode doc, JsonNode op) {
        String path = op.path("path").asText();
        String[] parts = path.substring(1).split("/");
        JsonNode parent = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            String p = unescape(parts[i]);
            parent = parent.isArray() ? parent.get(Integer.parseInt(p)) : parent.get(p);
            if (parent == null) {
                throw new IllegalArgumentException("patch path " + path + " does not exist");
            }
        }
        String last = unescape(parts[parts.length - 1]);
        String kind = op.path("op").asText();
        if (parent instanceof ObjectNode o) {
            if (!kind.equals("add") && !o.has(last)) {
                throw new IllegalArgumentException("patch path " + path + " does not exist (" + kind + ")");
            }
            switch (kind) {
                case "add", "replace" -> o.set(last, op.get("value").deepCopy());
                case "remove" -> o.remove(last);
                default -> throw new IllegalArgumentException("patch op " + kind + " is not supported");
            }
        } else if (parent instanceof ArrayNode a) {
            int i = last.equals("-") ? a.size() : Integer.parseInt(last);
            switch (kind) {
                case "add" -> a.insert(i, op.get("value").deepCopy());
                case "replace" -> a.set(i, op.get("value").deepCopy());
                case "remove" -> a.remove(i);
                default -> throw new IllegalArgumentException("patch op " + kind + " is not supported");
            }
        }
    }

    private static String unescape(String s) {
        return s.replace("~1", "/").replace("~0", "~");
    }
}
