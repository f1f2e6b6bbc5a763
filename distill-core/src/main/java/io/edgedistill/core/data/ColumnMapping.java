package io.edgedistill.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How to read a tabular file into a {@link RawDataset}: which column is the label, whether the file has a
 * header (or which column names to use when it has none), which columns are categorical, which to drop,
 * how to normalise raw label values to class names, and (optionally) the class order.
 *
 * <p>Immutable; build with {@link #builder()}.
 */
public final class ColumnMapping {
    /** Cell values read as missing (after trimming). */
    public static final Set<String> DEFAULT_MISSING = Collections.unmodifiableSet(
            new LinkedHashSet<>(Arrays.asList("", "?", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")));

    private final boolean header;
    private final List<String> columnNames;
    private final String labelColumn;
    private final int labelIndex;
    private final Set<String> categorical;
    private final Set<String> drop;
    private final UnaryOperator<String> labelNormalizer;
    private final List<String> classOrder;
    private final char delimiter;
    private final Set<String> missingTokens;

    private ColumnMapping(Builder b) {
        this.header = b.header;
        this.columnNames = b.columnNames == null ? null : List.copyOf(b.columnNames);
        this.labelColumn = b.labelColumn;
        this.labelIndex = b.labelIndex;
        this.categorical = Collections.unmodifiableSet(new LinkedHashSet<>(b.categorical));
        this.drop = Collections.unmodifiableSet(new LinkedHashSet<>(b.drop));
        this.labelNormalizer = b.labelNormalizer;
        this.classOrder = b.classOrder == null ? null : List.copyOf(b.classOrder);
        this.delimiter = b.delimiter;
        this.missingTokens = Collections.unmodifiableSet(new LinkedHashSet<>(b.missingTokens));
        if (labelColumn == null && labelIndex == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("a label column (name or index) is required");
        }
        if (!header && columnNames == null && labelColumn != null) {
            throw new IllegalArgumentException("label by name needs a header or explicit column names");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this mapping's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.header = header;
        b.columnNames = columnNames == null ? null : new ArrayList<>(columnNames);
        b.labelColumn = labelColumn;
        b.labelIndex = labelIndex;
        b.categorical = new LinkedHashSet<>(categorical);
        b.drop = new LinkedHashSet<>(drop);
        b.labelNormalizer = labelNormalizer;
        b.classOrder = classOrder == null ? null : new ArrayList<>(classOrder);
        b.delimiter = delimiter;
        b.missingTokens = new LinkedHashSet<>(missingTokens);
        return b;
    }

    public boolean header() {
        return header;
    }

    /** Explicit column names (replace the header when both exist); null = use the header. */
    public List<String> columnNames() {
        return columnNames;
    }

    /** Label column by name; null when given by index. */
    public String labelColumn() {
        return labelColumn;
    }

    /** Label column by 0-based index (negative counts from the end: -1 = last); used when name is null. */
    public int labelIndex() {
        return labelIndex;
    }

    public Set<String> categorical() {
        return categorical;
    }

    public Set<String> drop() {
        return drop;
    }

    public UnaryOperator<String> labelNormalizer() {
        return labelNormalizer;
    }

    /** Fixed class order (class id = position); rows whose class is not listed are skipped. Null = sorted. */
    public List<String> classOrder() {
        return classOrder;
    }

    public char delimiter() {
        return delimiter;
    }

    public Set<String> missingTokens() {
        return missingTokens;
    }

    public boolean isMissing(String cell) {
        return cell == null || missingTokens.contains(cell.trim());
    }

    public static final class Builder {
        private boolean header = true;
        private List<String> columnNames;
        private String labelColumn;
        private int labelIndex = Integer.MIN_VALUE;
        private Set<String> categorical = new LinkedHashSet<>();
        private Set<String> drop = new LinkedHashSet<>();
        private UnaryOperator<String> labelNormalizer = String::trim;
        private List<String> classOrder;
        private char delimiter = ',';
        private Set<String> missingTokens = new LinkedHashSet<>(DEFAULT_MISSING);

        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        public Builder columnNames(List<String> names) {
            this.columnNames = names == null ? null : new ArrayList<>(names);
            return this;
        }

        public Builder labelColumn(String name) {
            this.labelColumn = name;
            return this;
        }

        /** Label by index; negative values count from the end (-1 = last column). */
        public Builder labelIndex(int index) {
            this.labelColumn = null;
            this.labelIndex = index;
            return this;
        }

        public Builder categorical(Collection<String> names) {
            this.categorical.addAll(names);
            return this;
        }

        public Builder categorical(String... names) {
            return categorical(Arrays.asList(names));
        }

        public Builder drop(Collection<String> names) {
            this.drop.addAll(names);
            return this;
        }

        public Builder drop(String... names) {
            return drop(Arrays.asList(names));
        }

        /** Maps a raw label cell to a class name; returning null skips the row. */
        public Builder labelNormalizer(UnaryOperator<String> f) {
            this.labelNormalizer = f;
            return this;
        }

        public Builder classOrder(List<String> classes) {
            this.classOrder = classes == null ? null : new ArrayList<>(classes);
            return this;
        }

        public Builder delimiter(char d) {
            this.delimiter = d;
            return this;
        }

        public Builder missingTokens(Collection<String> tokens) {
            this.missingTokens = new LinkedHashSet<>(tokens);
            return this;
        }

        public ColumnMapping build() {
            return new ColumnMapping(this);
        }
    }
}
