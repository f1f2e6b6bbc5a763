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
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's own drift detection, the trigger of reverse-distillation knowledge. A model's reference is its first
 * reading on this edge (when it was swapped in, or the first evaluation after a restart); the edge has drifted under
 * that model when a later reading falls by a set amount below the reference:
 * <ul>
 *   <li>its macro-F1 on the labelled local window, by {@link EdgeSettings.DriftTrigger#f1Drop()};</li>
 *   <li>its recall of one class, by {@link EdgeSettings.DriftTrigger#classRecallDrop()}, where the class has at least
 *       {@link EdgeSettings.DriftTrigger#minClassRows()} labelled rows (a new tool for one attack type can hide in
 *       the macro-F1 when the mix changes too). A class that had too few rows in the reference is compared with the
 *       reference's mean recall over the classes it had: a class that appears and the model misses is drift;</li>
 *   <li>its mean top-class probability over every local row, labelled or not, by
 *       {@link EdgeSettings.DriftTrigger#confidenceDrop()} (this needs no labels: a new tool or an unknown attack
 *       makes the model unsure before anyone labels a flow);</li>
 * </ul>
 * or when its macro-F1 is below the absolute floor {@link EdgeSettings#knowledgeThreshold()} (a model that was never
 * good here). The reference belongs to one model: a new model starts a new one, measured on the traffic it meets.
 * With a state file the reference outlives a restart (an edge that restarts on drifted traffic under the same model
 * still sees the fall); a state file that cannot be read is ignored with a warning (the next reading is the
 * reference). Thread-safe.
 */
public final class DriftWatch {
    private static final Logger LOG = LoggerFactory.getLogger(DriftWatch.class);

    /**
     * One evaluation of a model on the local window.
     *
     * @param macroF1     on the labelled rows
     * @param confidence  mean top-class probability over every row
     * @param classRows   labelled rows per class (model's class indexing); empty = not measured
     * @param classRecall recall per class (NaN for a class without rows)
     */
    public record Reading(double macroF1, double confidence, long[] classRows, double[] classRecall) {

        public Reading(double macroF1, double confidence) {
            this(macroF1, confidence, new long[0], new double[0]);
        }

        /** A reading with the per-class recall of {@code predicted} against {@code truth}. */
        static Reading of(double macroF1, double confidence, int[] truth, int[] predicted, int classes) {
            long[] rows = new long[classes];
            long[] hit = new long[classes];
            for (int i = 0; i < truth.length; i++) {
                rows[truth[i]]++;
                if (predicted[i] == truth[i]) {
                    hit[truth[i]]++;
                }
            }
            double[] recall = new double[classes];
            for (int c = 0; c < classes; c++) {
                recall[c] = rows[c] == 0 ? Double.NaN : (double) hit[c] / rows[c];
            }
            return new Reading(macroF1, confidence, rows, recall);
        }

        /** Mean recall over the classes with at least {@code minRows} rows; NaN for none. */
        double meanRecall(int minRows) {
            double sum = 0;
            int n = 0;
            for (int c = 0; c < classRows.length; c++) {
                if (classRows[c] >= minRows) {
                    sum += classRecall[c];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reading r && r.macroF1 == macroF1 && r.confidence == confidence
                    && java.util.Arrays.equals(r.classRows, classRows) && java.util.Arrays.equals(r.classRecall, classRecall);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(macroF1, confidence, java.util.Arrays.hashCode(classRows),
                    java.util.Arrays.hashCode(classRecall));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Reading[macroF1=%.3f, confidence=%.3f]", macroF1, confidence);
        }
    }

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
            ref = new Reference(modelKey, now);
            reference = ref;
            write(ref);
        }
        Reading was = ref.reading();
        EdgeSettings.DriftTrigger t = settings.drift();
        if (now.macroF1() < settings.knowledgeThreshold()) {
            return Optional.of(String.format(Locale.ROOT, "macro-F1 %.3f < %.3f", now.macroF1(),
                    settings.knowledgeThreshold()));
        }
        if (t.f1Drop() > 0 && was.macroF1() - now.macroF1() >= t.f1Drop()) {
            return Optional.of(String.format(Locale.ROOT, "macro-F1 fell from %.3f to %.3f (by %.3f or more)",
                    was.macroF1(), now.macroF1(), t.f1Drop()));
        }
        if (t.confidenceDrop() > 0 && was.confidence() - now.confidence() >= t.confidenceDrop()) {
            return Optional.of(String.format(Locale.ROOT, "mean confidence fell from %.3f to %.3f (by %.3f or more)",
                    was.confidence(), now.confidence(), t.confidenceDrop()));
        }
        return t.classRecallDrop() > 0 ? classDrift(was, now, t, className) : Optional.empty();
    }

    private static Optional<String> classDrift(Reading was, Reading now, EdgeSettings.DriftTrigger t,
                                               java.util.function.IntFunction<String> className) {
        double wasMean = was.meanRecall(t.minClassRows());
        for (int c = 0; c < now.classRows().length; c++) {
            if (now.classRows()[c] < t.minClassRows()) {
                continue;
            }
            boolean known = c < was.classRows().length && was.classRows()[c] >= t.minClassRows();
            double ref = known ? was.classRecall()[c] : wasMean;
            if (!Double.isNaN(ref) && ref - now.classRecall()[c] >= t.classRecallDrop()) {
                return Optional.of(String.format(Locale.ROOT, "recall of %s fell from %.3f%s to %.3f on %d rows "
                        + "(by %.3f or more)", className.apply(c), ref, known ? "" : " (the reference's mean recall; the class was rare)",
                        now.classRecall()[c], now.classRows()[c], t.classRecallDrop()));
            }
        }
        return Optional.empty();
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
            if (n.length != rec.length) {
                throw new IllegalArgumentException("classRows and classRecall differ in length");
            }
            String model = p.getProperty("model");
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("no model");
            }
            return new Reference(model, new Reading(Double.parseDouble(p.getProperty("macroF1")),
                    Double.parseDouble(p.getProperty("confidence")), n, rec));
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
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "the edge's drift reference: its live model's first reading");
            }
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the reference still holds in memory; only a restart would lose it
            LOG.warn("Cannot keep the drift reference in {}: {}", stateFile, new UncheckedIOException(e).getMessage());
        }
    }

    /** Mean top-class probability of {@code n} rows of class probabilities ({@code n × classes}); NaN for none. */
    static double meanConfidence(float[] proba, int n, int classes) {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += proba[i * classes + ClassProbabilities.argmax(proba, i, classes)];
        }
        return sum / n;
    }
}
