package io.edgedistill.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generic CSV loader driven by a {@link ColumnMapping}. Reads the real 5G-NIDD {@code Combined.csv}
 * ({@link FiveGNiddSchema#mapping()}), the NSL-KDD text files ({@link NslKdd#mapping()}), the generator's
 * output, or any labelled CSV.
 *
 * <p>Rows whose cell count differs from the header, or whose label normalises to null or to a class outside
 * the mapping's class order, are skipped and counted ({@link RawDataset#skippedRows()}).
 */
public final class CsvLoader {
    private CsvLoader() {
    }

    public static RawDataset load(Path file, ColumnMapping mapping) throws IOException {
        return load(file, mapping, Integer.MAX_VALUE);
    }

    /** Loads at most {@code maxRows} data rows. */
    public static RawDataset load(Path file, ColumnMapping mapping, int maxRows) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(in, mapping, maxRows);
        }
    }

    public static RawDataset load(Reader reader, ColumnMapping mapping, int maxRows) throws IOException {
        Csv.Reader in = new Csv.Reader(reader, mapping.delimiter()); // the caller closes the reader
        String[] header = null;
        if (mapping.header()) {
            header = in.next();
            if (header == null) {
                throw new IOException("empty file: no header");
            }
            if (header.length > 0 && header[0].startsWith("\uFEFF")) {
                header[0] = header[0].substring(1);
            }
        }
        List<String> names = mapping.columnNames() != null ? mapping.columnNames()
                : header != null ? trimAll(header) : null;
        List<String[]> rows = new ArrayList<>();
        String[] rec;
        while (rows.size() < maxRows && (rec = in.next()) != null) {
            if (rec.length == 1 && rec[0].isBlank()) {
                continue; // blank line
            }
            rows.add(rec);
        }
        if (names == null) {
            int width = rows.isEmpty() ? 0 : rows.get(0).length;
            names = new ArrayList<>();
            for (int j = 0; j < width; j++) {
                names.add("c" + j);
            }
        }
        return fromRows(names, rows, mapping);
    }

    /** Builds a raw data set from in-memory rows whose cells follow {@code names}. */
    public static RawDataset fromRows(List<String> names, Iterable<String[]> rows, ColumnMapping mapping) {
        int width = names.size();
        int labelCol;
        if (mapping.labelColumn() != null) {
            labelCol = names.indexOf(mapping.labelColumn());
            if (labelCol < 0) {
                throw new IllegalArgumentException("label column '" + mapping.labelColumn() + "' not in " + names);
            }
        } else {
            labelCol = mapping.labelIndex() < 0 ? width + mapping.labelIndex() : mapping.labelIndex();
            if (labelCol < 0 || labelCol >= width) {
                throw new IllegalArgumentException("label index out of range: " + mapping.labelIndex());
            }
        }
        List<Integer> keep = new ArrayList<>();
        List<String> keptNames = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int j = 0; j < width; j++) {
            String n = names.get(j);
            if (j == labelCol || mapping.drop().contains(n)) {
                continue;
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("duplicate column name '" + n + "'");
            }
            keep.add(j);
            keptNames.add(n);
        }
        List<String[]> good = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int skipped = 0;
        Map<String, String> interned = new HashMap<>();
        Iterator<String[]> it = rows.iterator();
        while (it.hasNext()) {
            String[] r = it.next();
            if (r.length != width) {
                skipped++;
                continue;
            }
            String lab = mapping.labelNormalizer().apply(r[labelCol]);
            if (lab == null || (mapping.classOrder() != null && !mapping.classOrder().contains(lab))) {
                skipped++;
                continue;
            }
            String[] cells = new String[keep.size()];
            for (int k = 0; k < cells.length; k++) {
                String v = r[keep.get(k)].trim();
                // share equal short strings (categoricals, small integers) to keep memory down
                if (v.length() <= 8) {
                    String prev = interned.putIfAbsent(v, v);
                    if (prev != null) {
                        v = prev;
                    }
                }
                cells[k] = v;
            }
            good.add(cells);
            labels.add(lab);
        }
        List<String> classes = mapping.classOrder() != null ? mapping.classOrder() : new ArrayList<>(new TreeSet<>(labels));
        Map<String, Integer> classId = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            classId.put(classes.get(c), c);
        }
        int n = good.size();
        String[][] cols = new String[keep.size()][n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            String[] cells = good.get(i);
            for (int k = 0; k < cells.length; k++) {
                cols[k][i] = cells[k];
            }
            y[i] = classId.get(labels.get(i));
        }
        Set<String> cat = new LinkedHashSet<>();
        for (String c : mapping.categorical()) {
            if (keptNames.contains(c)) {
                cat.add(c);
            }
        }
        return new RawDataset(keptNames, cols, y, classes, cat, mapping.missingTokens(), skipped);
    }

    private static List<String> trimAll(String[] a) {
        List<String> out = new ArrayList<>(a.length);
        for (String s : a) {
            out.add(s.trim());
        }
        return out;
    }

    /** Convenience: the distinct values of a column, for inspection. */
    public static Set<String> distinct(RawDataset d, String column) {
        return new TreeSet<>(Arrays.asList(d.column(column)));
    }
}
