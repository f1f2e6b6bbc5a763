package io.edgedistill.core.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A labelled table before preprocessing: feature columns kept as raw strings (column-major), labels as class
 * ids. Produced by {@link CsvLoader}; turned into a numeric {@link Dataset} by a {@link FeatureSpec}
 * (fitted with {@link Preprocessor#fit} on the training rows only).
 */
public final class RawDataset {
    private final List<String> columnNames;
    private final String[][] columns; // [column][row]
    private final int[] y;
    private final List<String> classNames;
    private final Set<String> categoricalHint;
    private final Set<String> missingTokens;
    private final int skippedRows;

    public RawDataset(List<String> columnNames, String[][] columns, int[] y, List<String> classNames,
                      Set<String> categoricalHint, Set<String> missingTokens, int skippedRows) {
        if (columns.length != columnNames.size()) {
            throw new IllegalArgumentException("columns/names mismatch");
        }
        for (String[] c : columns) {
            if (c.length != y.length) {
                throw new IllegalArgumentException("ragged columns");
            }
        }
        this.columnNames = List.copyOf(columnNames);
        this.columns = columns;
        this.y = y;
        this.classNames = List.copyOf(classNames);
        this.categoricalHint = Collections.unmodifiableSet(categoricalHint);
        this.missingTokens = Collections.unmodifiableSet(missingTokens);
        this.skippedRows = skippedRows;
    }

    public int size() {
        return y.length;
    }

    public List<String> columnNames() {
        return columnNames;
    }

    public int columnIndex(String name) {
        return columnNames.indexOf(name);
    }

    /** The raw cells of one column (shared array: do not modify). */
    public String[] column(int j) {
        return columns[j];
    }

    public String[] column(String name) {
        int j = columnIndex(name);
        if (j < 0) {
            throw new IllegalArgumentException("no column " + name);
        }
        return columns[j];
    }

    /** One row's raw cells in {@link #columnNames()} order. */
    public String[] row(int i) {
        String[] r = new String[columns.length];
        for (int j = 0; j < columns.length; j++) {
            r[j] = columns[j][i];
        }
        return r;
    }

    /** Class id per row (shared array: do not modify). */
    public int[] labels() {
        return y;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Columns the mapping declared categorical (others are typed when a {@link FeatureSpec} is fitted). */
    public Set<String> categoricalHint() {
        return categoricalHint;
    }

    public Set<String> missingTokens() {
        return missingTokens;
    }

    public boolean isMissing(String cell) {
        return cell == null || missingTokens.contains(cell.trim());
    }

    /** Rows skipped while loading (label not mapped to a known class, wrong cell count). */
    public int skippedRows() {
        return skippedRows;
    }

    public int[] classCounts() {
        int[] c = new int[classNames.size()];
        for (int v : y) {
            c[v]++;
        }
        return c;
    }

    /** The rows at {@code idx}, in that order. */
    public RawDataset select(int[] idx) {
        String[][] cols = new String[columns.length][idx.length];
        int[] yy = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            yy[k] = y[idx[k]];
        }
        for (int j = 0; j < columns.length; j++) {
            String[] src = columns[j];
            String[] dst = cols[j];
            for (int k = 0; k < idx.length; k++) {
                dst[k] = src[idx[k]];
            }
        }
        return new RawDataset(columnNames, cols, yy, classNames, categoricalHint, missingTokens, 0);
    }

    /** The same rows with other labels (same class list), e.g. to simulate a label-flipping attacker. */
    public RawDataset withLabels(int[] labels) {
        if (labels.length != y.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + y.length + " rows");
        }
        return new RawDataset(columnNames, columns, labels.clone(), classNames, categoricalHint, missingTokens, skippedRows);
    }

    /**
     * The same rows with the given cells set on the rows {@code rows} (column name → raw value) and those rows
     * relabelled {@code label}: an edge that stamps a trigger on some rows, for backdoor simulations.
     */
    public RawDataset stamped(int[] rows, java.util.Map<String, String> cells, int label) {
        String[][] cols = columns.clone();
        for (java.util.Map.Entry<String, String> e : cells.entrySet()) {
            int j = columnIndex(e.getKey());
            if (j < 0) {
                throw new IllegalArgumentException("no column " + e.getKey());
            }
            cols[j] = columns[j].clone();
            for (int i : rows) {
                cols[j][i] = e.getValue();
            }
        }
        int[] yy = y.clone();
        for (int i : rows) {
            yy[i] = label;
        }
        return new RawDataset(columnNames, cols, yy, classNames, categoricalHint, missingTokens, skippedRows);
    }

    @Override
    public String toString() {
        return "RawDataset{rows=" + size() + ", columns=" + columnNames.size() + ", classes=" + classNames
                + ", counts=" + Arrays.toString(classCounts()) + "}";
    }
}
