package io.edgedistill.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What a labelled flow file looks like: the one declaration the processor (its reference file), the updater (its
 * validation file), the edges (their local file), the demo and the evaluation harness read a data set through. A
 * YAML document, or one of the {@linkplain #PRESETS presets} shipped with the code:
 *
 * <pre>
 * name: my-flows
 * header: true                  # false: give the column names under columns
 * label: Label                  # the target column
 * features: [Dur, Proto, ...]   # optional; present, every other column must be listed under drop
 * categorical: [Proto]          # every other feature must hold numbers
 * drop: [Flow ID, Timestamp]    # ignored when present: leaks (row ids, sequence numbers), addresses, times
 * classes: [BENIGN, DoS, Scan]  # class order (class id = position)
 * benign: BENIGN                # the class that raises no alert
 * labels:                       # raw label values per class; a class's own name always maps to it
 *   DoS: [DoS Hulk, DoS slowloris]
 * unknown-labels: fail          # or skip: rows whose label maps to no class
 * missing: ["", "?", NaN]       # cells read as missing
 * heavy-tailed: [TotBytes]      # log1p-transformed; omitted: decided per column by skewness
 * delimiter: ","
 * </pre>
 *
 * <p>Label values match case-insensitively and ignoring every character but letters and digits, so
 * {@code "Web Attack – Brute Force"}, its mis-encoded {@code "Web Attack \uFFFD Brute Force"} and {@code "smurf."}
 * match the names listed. A file that does not match fails {@link #load} with a {@link Mismatch} naming the
 * missing and extra columns, the unknown labels, or the column that is not numeric; rows of the wrong width are
 * skipped and reported, and fail the load when more than {@value #MAX_MALFORMED_FRACTION} of the rows are.
 */
public record DataDescription(
        String name,
        Boolean header,
        List<String> columns,
        String label,
        List<String> features,
        List<String> categorical,
        List<String> drop,
        List<String> classes,
        String benign,
        Map<String, List<String>> labels,
        @JsonProperty("unknown-labels") UnknownLabels unknownLabels,
        List<String> missing,
        @JsonProperty("heavy-tailed") List<String> heavyTailed,
        String delimiter) {

    /** The presets shipped under {@code io/edgedistill/core/data/presets/}. */
    public static final List<String> PRESETS = List.of("5g-nidd", "nsl-kdd", "cic-ids2017");
    /** Above this fraction of malformed rows (wrong cell count) a file is refused. */
    public static final double MAX_MALFORMED_FRACTION = 0.01;
    /** Above this fraction of non-numeric cells a numeric column is refused. */
    public static final double MAX_NON_NUMERIC_FRACTION = 0.01;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    /** What to do with a row whose label maps to no class. */
    public enum UnknownLabels {
        @JsonProperty("fail") FAIL,
        @JsonProperty("skip") SKIP
    }

    /** A data file or description that does not fit: the message says what, and where. */
    public static final class Mismatch extends IllegalArgumentException {
        public Mismatch(String message) {
            super(message);
        }
    }

    public DataDescription {
        if (name == null || name.isBlank()) {
            throw new Mismatch("a data description needs a name");
        }
        if (label == null || label.isBlank()) {
            throw new Mismatch("data description '" + name + "' names no label column");
        }
        header = header == null || header;
        columns = columns == null ? null : List.copyOf(columns);
        if (!header && columns == null) {
            throw new Mismatch("data description '" + name + "': a file without a header needs its column names under 'columns'");
        }
        features = features == null ? null : List.copyOf(features);
        categorical = categorical == null ? List.of() : List.copyOf(categorical);
        drop = drop == null ? List.of() : List.copyOf(drop);
        if (classes == null || classes.isEmpty()) {
            throw new Mismatch("data description '" + name + "' lists no classes");
        }
        classes = List.copyOf(classes);
        if (new LinkedHashSet<>(classes).size() != classes.size()) {
            throw new Mismatch("data description '" + name + "' lists a class twice: " + classes);
        }
        if (benign != null && !classes.contains(benign)) {
            throw new Mismatch("data description '" + name + "': benign class '" + benign + "' is not among " + classes);
        }
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        unknownLabels = unknownLabels == null ? UnknownLabels.FAIL : unknownLabels;
        missing = missing == null ? List.copyOf(ColumnMapping.DEFAULT_MISSING) : List.copyOf(missing);
        heavyTailed = heavyTailed == null ? null : List.copyOf(heavyTailed);
        delimiter = delimiter == null ? "," : delimiter;
        if (delimiter.length() != 1) {
            throw new Mismatch("data description '" + name + "': delimiter must be one character, not '" + delimiter + "'");
        }
        check(name, label, columns, features, categorical, drop, classes, labels, heavyTailed);
    }

    private static void check(String name, String label, List<String> columns, List<String> features, List<String> categorical,
                              List<String> drop, List<String> classes, Map<String, List<String>> labels, List<String> heavyTailed) {
        String where = "data description '" + name + "': ";
        if (columns != null && !columns.contains(label)) {
            throw new Mismatch(where + "label column '" + label + "' is not among its columns");
        }
        if (drop.contains(label) || (features != null && features.contains(label))) {
            throw new Mismatch(where + "label column '" + label + "' is also a feature or dropped");
        }
        if (features != null) {
            List<String> undeclared = new ArrayList<>(categorical);
            undeclared.removeAll(features);
            if (!undeclared.isEmpty()) {
                throw new Mismatch(where + "categorical columns " + undeclared + " are not among its features");
            }
            List<String> both = new ArrayList<>(features);
            both.retainAll(drop);
            if (!both.isEmpty()) {
                throw new Mismatch(where + "columns " + both + " are both features and dropped");
            }
        }
        if (heavyTailed != null) {
            List<String> cat = new ArrayList<>(heavyTailed);
            cat.retainAll(categorical);
            if (!cat.isEmpty()) {
                throw new Mismatch(where + "heavy-tailed columns " + cat + " are categorical");
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, List<String>> e : labels.entrySet()) {
            if (!classes.contains(e.getKey())) {
                throw new Mismatch(where + "labels maps values to '" + e.getKey() + "', which is not among its classes " + classes);
            }
            for (String raw : e.getValue()) {
                String prev = seen.put(labelKey(raw), e.getKey());
                if (prev != null && !prev.equals(e.getKey())) {
                    throw new Mismatch(where + "label value '" + raw + "' is mapped to both " + prev + " and " + e.getKey());
                }
            }
        }
    }

    /** A preset ({@link #PRESETS}) or a YAML file's path. */
    public static DataDescription resolve(String presetOrFile) {
        if (presetOrFile == null || presetOrFile.isBlank()) {
            throw new Mismatch("no data format given: name a preset " + PRESETS + " or a data description YAML file");
        }
        if (PRESETS.contains(presetOrFile)) {
            return preset(presetOrFile);
        }
        Path file = Path.of(presetOrFile);
        if (!Files.isRegularFile(file)) {
            throw new Mismatch("data format '" + presetOrFile + "' is neither a preset " + PRESETS + " nor a readable YAML file");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new Mismatch("cannot read data description " + file + ": " + e.getMessage());
        }
    }

    private static final Map<String, DataDescription> LOADED_PRESETS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A shipped preset by name (parsed once). */
    public static DataDescription preset(String name) {
        if (!PRESETS.contains(name)) {
            throw new Mismatch("no preset '" + name + "': the presets are " + PRESETS);
        }
        return LOADED_PRESETS.computeIfAbsent(name, DataDescription::readPreset);
    }

    private static DataDescription readPreset(String name) {
        String resource = "presets/" + name + ".yaml";
        try (InputStream in = DataDescription.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("preset resource " + resource + " missing from the build");
            }
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), "preset " + name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset " + name, e);
        }
    }

    /** Parses a YAML description; {@code source} names it in errors. */
    public static DataDescription parse(Reader yaml, String source) throws IOException {
        try {
            return YAML.readValue(yaml, DataDescription.class);
        } catch (UnrecognizedPropertyException e) {
            throw new Mismatch(source + ": unknown key '" + e.getPropertyName() + "' (known: name, header, columns, label, "
                    + "features, categorical, drop, classes, benign, labels, unknown-labels, missing, heavy-tailed, delimiter)");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            if (e.getCause() instanceof Mismatch m) {
                throw new Mismatch(source + ": " + m.getMessage());
            }
            throw new Mismatch(source + ": " + e.getOriginalMessage());
        }
    }

    /** The class a raw label value names; null when it names none. */
    public String className(String raw) {
        return raw == null ? null : labelIndex().get(labelKey(raw));
    }

    private Map<String, String> labelIndex() {
        Map<String, String> idx = new HashMap<>();
        for (String c : classes) {
            idx.put(labelKey(c), c);
        }
        for (Map.Entry<String, List<String>> e : labels.entrySet()) {
            for (String raw : e.getValue()) {
                idx.put(labelKey(raw), e.getKey());
            }
        }
        return idx;
    }

    /** Lower case, letters and digits only: "Web Attack – XSS" and "web attack \uFFFD xss" share one key. */
    static String labelKey(String raw) {
        StringBuilder b = new StringBuilder(raw.length());
        raw.trim().toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
        return b.toString();
    }

    /** The {@link ColumnMapping} the loaders take: label normalised to {@link #classes}, rows of other labels skipped. */
    public ColumnMapping mapping() {
        Map<String, String> idx = labelIndex();
        return ColumnMapping.builder()
                .header(header)
                .columnNames(header ? null : columns)
                .labelColumn(label)
                .categorical(categorical)
                .drop(drop)
                .labelNormalizer(raw -> raw == null ? null : idx.get(labelKey(raw)))
                .classOrder(classes)
                .delimiter(delimiter.charAt(0))
                .missingTokens(missing)
                .build();
    }

    /** Preprocessor options that carry this description's heavy-tailed columns and benign class. */
    public Preprocessor.Options preprocessing() {
        Preprocessor.Options o = Preprocessor.Options.defaults();
        o.logColumns = heavyTailed == null ? null : new LinkedHashSet<>(heavyTailed);
        o.benignClass = benign;
        return o;
    }

    /** Fits the feature spec on reference rows read through this description. */
    public FeatureSpec fit(RawDataset reference) {
        return Preprocessor.fit(reference, preprocessing());
    }

    /** A file's column names and records, as read, before any check. */
    public record Table(String source, List<String> columns, List<String[]> rows) {
    }

    /**
     * Reads at most {@code maxRows} records (0 = all) with this description's header rule and delimiter. A header's
     * names are trimmed (CICFlowMeter writes leading spaces); a repeated name gets pandas' suffix ({@code .1},
     * {@code .2}, ...).
     */
    public Table read(Path file, int maxRows) throws IOException {
        try (Reader in = open(file)) {
            return read(in, file.toString(), maxRows);
        }
    }

    public Table read(Reader reader, String source, int maxRows) throws IOException {
        int limit = maxRows > 0 ? maxRows : Integer.MAX_VALUE;
        List<String[]> rows = new ArrayList<>();
        List<String> names = scan(reader, source, rec -> {
            rows.add(rec);
            return rows.size() < limit;
        });
        return new Table(source, names, rows);
    }

    /**
     * A uniform random sample of at most {@code n} of the file's records, in file order (reservoir sampling, seeded):
     * for files much larger than what is needed, and sorted by time or class as capture files often are, where the
     * first rows would be a biased sample. Memory holds the sample only. {@code n} ≤ 0 reads every record.
     */
    public Table sample(Path file, int n, long seed) throws IOException {
        if (n <= 0) {
            return read(file, 0);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        String[][] kept = new String[n][];
        long[] position = new long[n];
        long[] seen = {0};
        List<String> names;
        try (Reader in = open(file)) {
            names = scan(in, file.toString(), rec -> {
                long i = seen[0]++;
                int slot = i < n ? (int) i : (int) random.nextLong(i + 1);
                if (slot < n) {
                    kept[slot] = rec;
                    position[slot] = i;
                }
                return true;
            });
        }
        int size = (int) Math.min(n, seen[0]);
        Integer[] order = new Integer[size];
        for (int k = 0; k < size; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(k -> position[k]));
        List<String[]> rows = new ArrayList<>(size);
        for (int k : order) {
            rows.add(kept[k]);
        }
        return new Table(file + " (a random " + size + " of " + seen[0] + " rows, seed " + seed + ")", names, rows);
    }

    /** The file as characters; bytes that are not UTF-8 (CIC-IDS2017's TrafficLabelling files write cp1252's dash 0x96) read as U+FFFD. */
    private static Reader open(Path file) throws IOException {
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
        return new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), utf8));
    }

    /** Where {@link #scan} hands each record; false stops the scan. */
    private interface RecordSink {
        boolean accept(String[] record);
    }

    /** Reads the header (or takes {@link #columns()}) and hands every non-blank record to {@code sink}; the column names. */
    private List<String> scan(Reader reader, String source, RecordSink sink) throws IOException {
        try (Csv.Reader in = new Csv.Reader(reader, delimiter.charAt(0))) {
            List<String> names;
            if (header) {
                String[] h = in.next();
                if (h == null) {
                    throw new Mismatch(source + " is empty: description '" + name + "' expects a header line");
                }
                names = headerNames(h);
            } else {
                names = columns;
            }
            String[] rec;
            while ((rec = in.next()) != null) {
                if (blank(rec)) {
                    continue; // a blank line, or a row of delimiters only (CIC-IDS2017 ends a file with thousands)
                }
                if (!sink.accept(rec)) {
                    break;
                }
            }
            return names;
        }
    }

    private static boolean blank(String[] rec) {
        for (String c : rec) {
            if (!c.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> headerNames(String[] h) {
        List<String> names = new ArrayList<>(h.length);
        Map<String, Integer> times = new HashMap<>();
        for (int j = 0; j < h.length; j++) {
            String n = h[j].trim();
            if (j == 0 && n.startsWith("\uFEFF")) {
                n = n.substring(1).trim();
            }
            int k = times.merge(n, 1, Integer::sum) - 1;
            names.add(k == 0 ? n : n + "." + k);
        }
        return names;
    }

    /**
     * Writes rows in this description's layout, so that {@link #load} reads them back: with a header, the data's
     * columns and the label; without, every one of {@link #columns()} in order, dropped ones empty. Labels are written
     * as class names (a class's name maps to itself). For handing a subset of a file to another service, e.g. the
     * operator's reference rows.
     */
    public void write(RawDataset data, Path file) throws IOException {
        List<String> layout = new ArrayList<>();
        if (header) {
            layout.addAll(data.columnNames());
            layout.add(label);
        } else {
            layout.addAll(columns);
        }
        int[] at = new int[layout.size()];
        for (int k = 0; k < at.length; k++) {
            at[k] = data.columnIndex(layout.get(k));
        }
        char d = delimiter.charAt(0);
        try (java.io.BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (header) {
                w.write(Csv.formatLine(layout.toArray(String[]::new), d));
                w.newLine();
            }
            String[] cells = new String[at.length];
            for (int i = 0; i < data.size(); i++) {
                for (int k = 0; k < at.length; k++) {
                    cells[k] = layout.get(k).equals(label) ? data.classNames().get(data.labels()[i])
                            : at[k] < 0 ? "" : data.column(at[k])[i];
                }
                w.write(Csv.formatLine(cells, d));
                w.newLine();
            }
        }
    }

    /** The file's columns against this description: what it lacks and what it has undeclared. */
    public record ColumnCheck(List<String> missing, List<String> extra) {
        public boolean ok() {
            return missing.isEmpty() && extra.isEmpty();
        }
    }

    public ColumnCheck checkColumns(List<String> fileColumns) {
        Set<String> have = new LinkedHashSet<>(fileColumns);
        Set<String> required = new LinkedHashSet<>();
        required.add(label);
        if (features != null) {
            required.addAll(features);
        }
        required.addAll(categorical);
        List<String> missingCols = new ArrayList<>();
        for (String c : required) {
            if (!have.contains(c)) {
                missingCols.add(c);
            }
        }
        List<String> extra = new ArrayList<>();
        if (features != null) {
            for (String c : fileColumns) {
                if (!c.equals(label) && !features.contains(c) && !drop.contains(c)) {
                    extra.add(c);
                }
            }
        }
        return new ColumnCheck(missingCols, extra);
    }

    /**
     * A file read and checked.
     *
     * @param data            the rows whose label names a class, in the description's class order
     * @param featureColumns  the columns used as features (every column but the label and the dropped ones)
     * @param malformedRows   rows skipped for a wrong cell count
     * @param malformedLines  the first few such rows' record numbers (1 = the first data row)
     * @param unknownLabels   rows skipped per label value that names no class (only with {@code unknown-labels: skip})
     */
    public record Loaded(DataDescription description, RawDataset data, List<String> featureColumns, int malformedRows,
                         List<Integer> malformedLines, Map<String, Integer> unknownLabels) {

        /** One line for a log: rows, classes, and what was skipped. */
        public String summary() {
            StringBuilder b = new StringBuilder();
            b.append(data.size()).append(" rows, ").append(featureColumns.size()).append(" feature columns");
            if (description.features() == null && description.columns() == null) {
                // nothing declared them (no features, no header-less column list): say which columns are used
                b.append(" (not listed in the description, so every column but the label and the dropped ones: ")
                        .append(featureColumns).append(')');
            }
            b.append(", classes ").append(description.classes()).append(" with counts ")
                    .append(java.util.Arrays.toString(data.classCounts()));
            if (malformedRows > 0) {
                b.append("; ").append(malformedRows).append(" malformed rows skipped (records ").append(malformedLines).append(")");
            }
            if (!unknownLabels.isEmpty()) {
                b.append("; rows of unknown labels skipped: ").append(unknownLabels);
            }
            return b.toString();
        }
    }

    /** Reads, checks and converts a file (at most {@code maxRows} rows; 0 = all). */
    public Loaded load(Path file, int maxRows) throws IOException {
        return load(read(file, maxRows));
    }

    /** Checks and converts records already read (e.g. a subset of a file's records). */
    public Loaded load(Table t) {
        String where = t.source() + " (data description '" + name + "')";
        ColumnCheck cc = checkColumns(t.columns());
        if (!cc.ok()) {
            StringBuilder m = new StringBuilder(where).append(" does not match:");
            if (!cc.missing().isEmpty()) {
                m.append(" missing columns ").append(cc.missing()).append(';');
            }
            if (!cc.extra().isEmpty()) {
                m.append(" extra columns ").append(cc.extra()).append(" (list them under 'features' or 'drop');");
            }
            m.append(" the file has ").append(t.columns());
            throw new Mismatch(m.toString());
        }
        int width = t.columns().size();
        int labelCol = t.columns().indexOf(label);
        Map<String, String> idx = labelIndex();
        List<String[]> good = new ArrayList<>(t.rows().size());
        List<Integer> malformedLines = new ArrayList<>();
        int malformed = 0;
        Map<String, Integer> unknown = new LinkedHashMap<>();
        for (int i = 0; i < t.rows().size(); i++) {
            String[] r = t.rows().get(i);
            if (r.length != width) {
                malformed++;
                if (malformedLines.size() < 5) {
                    malformedLines.add(i + 1);
                }
                continue;
            }
            if (idx.get(labelKey(r[labelCol])) == null) {
                unknown.merge(r[labelCol].trim(), 1, Integer::sum);
                continue;
            }
            good.add(r);
        }
        if (malformed > MAX_MALFORMED_FRACTION * t.rows().size()) {
            throw new Mismatch(where + ": " + malformed + " of " + t.rows().size() + " rows do not have the " + width
                    + " cells of the header (records " + malformedLines + ")");
        }
        if (!unknown.isEmpty() && unknownLabels == UnknownLabels.FAIL) {
            throw new Mismatch(where + ": labels that name no class " + top(unknown) + "; map them to one of " + classes
                    + " under 'labels', or set 'unknown-labels: skip'");
        }
        if (good.isEmpty()) {
            throw new Mismatch(where + ": no row with a label of the classes " + classes);
        }
        RawDataset data = CsvLoader.fromRows(t.columns(), good, mapping());
        checkNumeric(data, where);
        return new Loaded(this, data, data.columnNames(), malformed, List.copyOf(malformedLines), Collections.unmodifiableMap(unknown));
    }

    private static String top(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> e = new ArrayList<>(counts.entrySet());
        e.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        StringBuilder b = new StringBuilder("{");
        for (int k = 0; k < Math.min(10, e.size()); k++) {
            b.append(k == 0 ? "" : ", ").append('\'').append(e.get(k).getKey()).append("' x").append(e.get(k).getValue());
        }
        return b.append(e.size() > 10 ? ", ...}" : "}").toString();
    }

    /** Every feature not declared categorical must hold numbers (or missing tokens). */
    private void checkNumeric(RawDataset data, String where) {
        for (int j = 0; j < data.columnNames().size(); j++) {
            String col = data.columnNames().get(j);
            if (categorical.contains(col)) {
                continue;
            }
            String[] cells = data.column(j);
            int present = 0;
            int bad = 0;
            int firstBad = -1;
            for (int i = 0; i < cells.length; i++) {
                if (data.isMissing(cells[i])) {
                    continue;
                }
                present++;
                if (Double.isNaN(FeatureSpec.parseNumber(cells[i]))) {
                    bad++;
                    if (firstBad < 0) {
                        firstBad = i;
                    }
                }
            }
            if (bad > MAX_NON_NUMERIC_FRACTION * present) {
                throw new Mismatch(where + ": column '" + col + "' should hold numbers but " + bad + " of " + present
                        + " cells do not (e.g. '" + cells[firstBad] + "'); declare it under 'categorical' or fix the file");
            }
        }
    }
}
