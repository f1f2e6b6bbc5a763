package io.edgedistill.processor.scoring;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.schemas.TrafficFlow;
import org.apache.avro.util.Utf8;

/**
 * Turns a {@link TrafficFlow} (numeric and categorical maps by column name) into the model's input vector
 * with the same arithmetic as {@link FeatureSpec#transformRecord}: numeric → training median when missing,
 * optional log1p (negatives clamped to 0), z-score, |z| clipped, optional 0/1 missing indicator; categorical →
 * one-hot over the vocabulary (unknown or missing → zeros). It reads the doubles directly instead of going
 * through strings, so it is fast enough for the scoring hot path. A numeric column sent as a string is parsed;
 * a categorical column sent as a number is formatted (integral values without a decimal point).
 */
public final class FlowVectorizer {
    private final FeatureSpec spec;
    private final List<FeatureSpec.ColumnSpec> columns = new ArrayList<>();
    private final List<Map<String, Integer>> vocabIndex = new ArrayList<>();
    /** Column name → position in {@link #columns}. */
    private final Map<String, Integer> columnIndex = new java.util.HashMap<>();
    /** The same index keyed by raw UTF-8, for readers that decode map keys without building strings. */
    private final Map<Utf8, Integer> utf8ColumnIndex = new java.util.HashMap<>();
    /**
     * Per categorical column, the vocabulary entries a raw value may match byte for byte: entries that are
     * trimmed and not a missing token (only those are reachable through {@link #vectorize}'s trim-and-check).
     */
    private final List<Map<Utf8, Integer>> utf8VocabIndex = new ArrayList<>();
    private final Set<String> missingTokens;
    private final int dim;
    private final double clip;

    public FlowVectorizer(FeatureSpec spec) {
        this.spec = spec;
        for (FeatureSpec.ColumnSpec c : spec.columns()) {
            if (c.kind != FeatureSpec.ColumnKind.DROPPED) {
                columnIndex.putIfAbsent(c.name, columns.size());
                columns.add(c);
                Map<String, Integer> idx = new java.util.HashMap<>();
                for (int i = c.vocab.size() - 1; i >= 0; i--) {
                    idx.put(c.vocab.get(i), i); // first occurrence wins, as List.indexOf
                }
                vocabIndex.add(idx);
            }
        }
        this.missingTokens = new HashSet<>(spec.missingTokens());
        for (int col = 0; col < columns.size(); col++) {
            FeatureSpec.ColumnSpec c = columns.get(col);
            if (columnIndex.get(c.name) == col) {
                utf8ColumnIndex.put(new Utf8(c.name), col);
            }
            Map<Utf8, Integer> raw = null;
            if (c.kind == FeatureSpec.ColumnKind.CATEGORICAL) {
                raw = new java.util.HashMap<>();
                for (Map.Entry<String, Integer> e : vocabIndex.get(col).entrySet()) {
                    String v = e.getKey();
                    if (v.equals(v.trim()) && !missingTokens.contains(v)) {
                        raw.put(new Utf8(v), e.getValue());
                    }
                }
            }
            utf8VocabIndex.add(raw);
        }
        this.dim = spec.dim();
        this.clip = spec.clip();
    }

    public FeatureSpec spec() {
        return spec;
    }

    public int dim() {
        return dim;
    }

    /**
     * Per-column scratch for one flow: the numeric value, whether there is one, the raw text, and a categorical
     * value already resolved to its vocabulary index. One per thread; {@link #clear()} before each flow.
     */
    public static final class Row {
        final double[] number;
        final boolean[] hasNumber;
        final String[] text;
        final int[] vocabHit;

        Row(int columns) {
            number = new double[columns];
            hasNumber = new boolean[columns];
            text = new String[columns];
            vocabHit = new int[columns];
            clear();
        }

        public void clear() {
            java.util.Arrays.fill(hasNumber, false);
            java.util.Arrays.fill(text, null);
            java.util.Arrays.fill(vocabHit, -1);
        }
    }

    /** Number of input columns (not features: a categorical column yields one feature per vocabulary entry). */
    public int columns() {
        return columns.size();
    }

    /** Scratch sized for this vectorizer's columns. */
    public Row newRow() {
        return new Row(columns.size());
    }

    /** Position of a column (as the flow's map key, raw UTF-8) among this vectorizer's columns, or -1. */
    public int column(Utf8 name) {
        Integer col = utf8ColumnIndex.get(name);
        return col == null ? -1 : col;
    }

    /**
     * Sets a numeric value read for column {@code col} (see {@link #column}). A map key that occurs twice
     * keeps the last value, as a decoded map does.
     */
    public void number(Row row, int col, double value) {
        row.number[col] = value;
        row.hasNumber[col] = true;
    }

    /**
     * Sets a categorical value read for column {@code col}: a value that is exactly a vocabulary entry is
     * resolved without building a string; anything else (padding, missing tokens, unknown values, a number
     * sent as text) keeps its text and takes {@link #vectorize}'s rules.
     */
    public void text(Row row, int col, Utf8 value) {
        Map<Utf8, Integer> idx = utf8VocabIndex.get(col);
        Integer hit = idx == null ? null : idx.get(value);
        if (hit != null) {
            row.vocabHit[col] = hit;
            row.text[col] = null;
        } else {
            row.vocabHit[col] = -1;
            row.text[col] = value.toString();
        }
    }

    /**
     * Writes the features of {@code flow} into {@code out} at {@code offset} (dim floats). Each entry of the flow's
     * two maps is looked up once in this vectorizer's column index (rather than every column in the flow's freshly
     * decoded maps), which keeps the hot path's hashing in one small, cache-resident table.
     */
    public void vectorize(TrafficFlow flow, float[] out, int offset) {
        Row row = newRow();
        for (Map.Entry<String, Double> e : flow.getNumeric().entrySet()) {
            Integer col = columnIndex.get(e.getKey());
            if (col != null && e.getValue() != null) {
                row.number[col] = e.getValue();
                row.hasNumber[col] = true;
            }
        }
        for (Map.Entry<String, String> e : flow.getCategorical().entrySet()) {
            Integer col = columnIndex.get(e.getKey());
            if (col != null) {
                row.text[col] = e.getValue();
            }
        }
        write(row, out, offset);
    }

    /** Writes the features held in {@code row} into {@code out} at {@code offset} (dim floats, zeros expected). */
    public void write(Row row, float[] out, int offset) {
        int n = columns.size();
        double[] number = row.number;
        boolean[] hasNumber = row.hasNumber;
        String[] text = row.text;
        int pos = offset;
        for (int col = 0; col < n; col++) {
            FeatureSpec.ColumnSpec c = columns.get(col);
            if (c.kind == FeatureSpec.ColumnKind.CATEGORICAL) {
                if (row.vocabHit[col] >= 0) {
                    out[pos + row.vocabHit[col]] = 1f;
                } else {
                    String v = text[col] != null ? text[col] : hasNumber[col] ? format(number[col]) : null;
                    if (v != null) {
                        String t = v.trim();
                        if (!missingTokens.contains(t)) {
                            Integer idx = vocabIndex.get(col).get(t);
                            if (idx != null) {
                                out[pos + idx] = 1f;
                            }
                        }
                    }
                }
                pos += c.vocab.size();
                continue;
            }
            double v = Double.NaN;
            if (hasNumber[col]) {
                v = number[col];
            } else if (text[col] != null) {
                String t = text[col].trim();
                if (!missingTokens.contains(t)) {
                    try {
                        v = Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        v = Double.NaN;
                    }
                }
            }
            boolean missing = !Double.isFinite(v);
            if (missing) {
                v = c.median;
            }
            double t = c.log1p ? Math.log1p(Math.max(0.0, v)) : v;
            double z = (t - c.mean) / c.std;
            if (clip > 0) {
                z = Math.max(-clip, Math.min(clip, z));
            }
            out[pos] = (float) z;
            if (c.missingIndicator) {
                out[pos + 1] = missing ? 1f : 0f;
                pos += 2;
            } else {
                pos += 1;
            }
        }
    }

    private static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
