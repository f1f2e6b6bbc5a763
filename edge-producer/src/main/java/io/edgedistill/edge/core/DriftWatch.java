package io.edgedistill.edge.core;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

import io.edgedistill.core.personal.DriftRule;
import io.edgedistill.core.personal.DriftRule.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's own drift detection, the trigger of reverse-distillation knowledge ({@link DriftRule}, with the floor
 * {@link EdgeSettings#knowledgeThreshold()} and the trigger {@link EdgeSettings#drift()}). A model's reference is its
 * first reading on this edge (when it was swapped in, or the first evaluation after a restart); a new model starts a
 * new one, measured on the traffic it meets. With a state file the reference outlives a restart (an edge that restarts
 * on drifted traffic under the same model still sees the fall); a state file that cannot be read is ignored with a
 * warning (the next reading is the reference). Thread-safe.
 */
public final class DriftWatch {
    private static final Logger LOG = LoggerFactory.getLogger(DriftWatch.class);

    /** A drift the edge saw: why, and the reading that showed it. */
    public record Detected(String reason, Reading reading) {
    }

    private record Reference(String modelKey, Reading reading) {
    }

    private final EdgeSettings settings;
    private final Path stateFile;
    private volatile Reference reference;

    DriftWatch(EdgeSettings settings) {
        this(settings, null);
    }

    /** @param stateFile where the reference is kept across restarts; null = in memory only */
    DriftWatch(EdgeSettings settings, Path stateFile) {
        this.settings = settings;
        this.stateFile = stateFile;
        this.reference = stateFile == null ? null : read(stateFile);
    }

    /**
     * Why {@code now} is drift for the model {@code modelKey}, or empty. The first reading of a model becomes its
     * reference (it is drift only when under the floor).
     */
    synchronized Optional<String> drift(String modelKey, Reading now) {
        return drift(modelKey, now, c -> "class " + c);
    }

    /** The same, naming classes with {@code className} (the model's class indexing). */
    synchronized Optional<String> drift(String modelKey, Reading now, java.util.function.IntFunction<String> className) {
        Reference ref = reference;
        if (ref == null || !ref.modelKey().equals(modelKey)) {
            if (!now.finite()) {
                return Optional.empty(); // no reference from a reading that is not a number
            }
            ref = new Reference(modelKey, now);
            reference = ref;
            write(ref);
        }
        return DriftRule.drift(ref.reading(), now, settings.knowledgeThreshold(), settings.drift(), className);
    }

    /** The reference of the model {@code modelKey}, if it has one. */
    Optional<Reading> reference(String modelKey) {
        Reference ref = reference;
        return ref != null && ref.modelKey().equals(modelKey) ? Optional.of(ref.reading()) : Optional.empty();
    }

    private static Reference read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            long[] n = Arrays.stream(list(p, "classRows")).mapToLong(Long::parseLong).toArray();
            double[] rec = Arrays.stream(list(p, "classRecall")).mapToDouble(Double::parseDouble).toArray();
            double[] f1 = Arrays.stream(list(p, "classF1")).mapToDouble(Double::parseDouble).toArray();
            double macroF1 = Double.parseDouble(p.getProperty("macroF1"));
            double confidence = Double.parseDouble(p.getProperty("confidence"));
            String model = p.getProperty("model");
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("no model");
            }
            // per-class figures that do not line up (an earlier or damaged file) leave the scores without them
            Reading reading = n.length == rec.length && n.length == f1.length
                    ? new Reading(macroF1, confidence, n, rec, f1) : new Reading(macroF1, confidence);
            if (!reading.finite()) {
                throw new IllegalArgumentException("macro-F1 or confidence is not a number");
            }
            return new Reference(model, reading);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the drift reference in {} (the next reading becomes the reference): {}", file, e.toString());
            return null;
        }
    }

    private static String[] list(Properties p, String key) {
        String v = p.getProperty(key, "");
        return v.isEmpty() ? new String[0] : v.split(",", -1);
    }

    private void write(Reference ref) {
        if (stateFile == null) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("model", ref.modelKey());
        p.setProperty("macroF1", Double.toString(ref.reading().macroF1()));
        p.setProperty("confidence", Double.toString(ref.reading().confidence()));
        p.setProperty("classRows", String.join(",", Arrays.stream(ref.reading().classRows()).mapToObj(Long::toString)
                .toList()));
        p.setProperty("classRecall", String.join(",", Arrays.stream(ref.reading().classRecall())
                .mapToObj(Double::toString).toList()));
        p.setProperty("classF1", String.join(",", Arrays.stream(ref.reading().classF1())
                .mapToObj(Double::toString).toList()));
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "the edge's drift reference: its live model's first reading");
            }
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(stateFile.resolveSibling(stateFile.getFileName() + ".tmp"));
            } catch (IOException ignored) {
                // nothing more to do: the next reference is written afresh
            }
            // the reference still holds in memory; only a restart would lose it
            LOG.warn("Cannot keep the drift reference in {}: {}", stateFile, new UncheckedIOException(e).getMessage());
        }
    }
}
