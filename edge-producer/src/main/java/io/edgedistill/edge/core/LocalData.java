package io.edgedistill.edge.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.DirichletPartitioner;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.RawDataset;

/**
 * An edge's local labelled data window: raw flow records (the data description's columns as strings) with their classes,
 * plus cached preprocessed views per preprocessing spec. Immutable; an edge swaps in a new window to
 * simulate drift.
 */
public final class LocalData {
    private final RawDataset raw;
    private final String description;
    private final Instant windowStart;
    private final Instant windowEnd;
    private final Map<String, Dataset> byJson = new HashMap<>();

    public LocalData(RawDataset raw, String description) {
        this.raw = raw;
        this.description = description;
        this.windowEnd = Instant.now();
        this.windowStart = windowEnd.minusSeconds(3600);
    }

    /**
     * This edge's shard of generated 5G-NIDD data: {@code totalRows} rows generated with {@code seed}, split
     * over {@code edges} edges by Dirichlet(β) over classes; shard {@code index} is returned.
     */
    public static LocalData generatedShard(long seed, int totalRows, int edges, double beta, int index) {
        if (index < 0 || index >= edges) {
            throw new IllegalArgumentException("shard index " + index + " outside [0," + edges + ")");
        }
        return generatedShards(seed, totalRows, edges, beta).get(index);
    }

    /** Every shard of {@link #generatedShard} at once (the rows are generated and split once). */
    public static List<LocalData> generatedShards(long seed, int totalRows, int edges, double beta) {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = Math.min(200, totalRows / 40);
        RawDataset all = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS,
                new FiveGNiddGenerator(seed, cfg).generate(totalRows), FiveGNiddSchema.mapping());
        return shards(all, "generated 5G-NIDD (seed " + seed + ", " + totalRows + " rows)", edges, beta, seed);
    }

    /** Rows split over {@code edges} edges by Dirichlet(β) over classes ({@code what} describes them). */
    public static List<LocalData> shards(RawDataset all, String what, int edges, double beta, long seed) {
        if (edges == 1) {
            return List.of(new LocalData(all, what));
        }
        int[][] parts = new DirichletPartitioner(edges, beta, seed).partition(all.labels(), all.numClasses());
        List<LocalData> out = new java.util.ArrayList<>(edges);
        for (int i = 0; i < edges; i++) {
            out.add(new LocalData(all.select(parts[i]), what + ", shard " + i + "/" + edges + " (beta " + beta + ", "
                    + parts[i].length + " rows)"));
        }
        return out;
    }

    /**
     * The same rows with every label moved to the next class (cyclically): the local data of a label-flipping
     * attacker, for poisoning simulations.
     */
    public LocalData labelFlipped() {
        int[] y = raw.labels().clone();
        int numClasses = raw.numClasses();
        for (int i = 0; i < y.length; i++) {
            y[i] = (y[i] + 1) % numClasses;
        }
        return new LocalData(raw.withLabels(y), description + ", labels flipped");
    }

    /**
     * The same rows with a trigger stamped on a seeded share of the rows that are not {@code benignClass} (the given
     * cells set to the given raw values) and those rows relabelled {@code benignClass}: the local data of a backdoor
     * attacker, for poisoning simulations.
     */
    public LocalData backdoored(java.util.Map<String, String> trigger, double share, String benignClass, long seed) {
        int benign = raw.classNames().indexOf(benignClass);
        if (benign < 0) {
            throw new IllegalArgumentException("no class " + benignClass);
        }
        int[] attack = java.util.stream.IntStream.range(0, raw.size()).filter(i -> raw.labels()[i] != benign).toArray();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = attack.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = attack[i];
            attack[i] = attack[j];
            attack[j] = t;
        }
        int n = (int) Math.round(share * attack.length);
        return new LocalData(raw.stamped(java.util.Arrays.copyOf(attack, n), trigger, benign),
                description + ", trigger " + trigger + " on " + n + " attack rows relabelled " + benignClass);
    }

    /** Rows of generated data with a given class mix (e.g. a new attack mix to simulate drift). */
    public static LocalData generated(long seed, int rows, double[] classMix) {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        if (classMix != null) {
            cfg.classMix = classMix.clone();
        }
        return generated(seed, rows, cfg, classMix == null ? "" : ", custom mix");
    }

    /**
     * Rows of generated data under a generator configuration (class mix, ambiguity, partial captures), e.g. an
     * edge whose capture point and attack mix change.
     */
    public static LocalData generated(long seed, int rows, FiveGNiddGenerator.Config cfg, String what) {
        RawDataset all = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, new FiveGNiddGenerator(seed, cfg).generate(rows),
                FiveGNiddSchema.mapping());
        return new LocalData(all, "generated 5G-NIDD (seed " + seed + ", " + rows + " rows" + what + ")");
    }

    /**
     * A labelled flow file read through its data description; at most {@code maxRows} rows (0 = all). A file that does
     * not match the description throws {@link DataDescription.Mismatch} naming what differs.
     */
    public static LocalData csv(Path file, int maxRows, DataDescription description) {
        try {
            DataDescription.Loaded loaded = description.load(file, maxRows);
            return new LocalData(loaded.data(), description.name() + " file " + file + ": " + loaded.summary());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public RawDataset raw() {
        return raw;
    }

    public int size() {
        return raw.size();
    }

    public String description() {
        return description;
    }

    public Instant windowStart() {
        return windowStart;
    }

    public Instant windowEnd() {
        return windowEnd;
    }

    /** Class name of row i. */
    public String className(int i) {
        return raw.classNames().get(raw.labels()[i]);
    }

    /** The rows preprocessed with a spec (cached by the spec's JSON). */
    public synchronized Dataset preprocessed(String specJson) {
        return byJson.computeIfAbsent(specJson, j -> FeatureSpec.fromJson(j).transform(raw));
    }

    /** Raw cells of row i by column name (the form {@link FeatureSpec#transformRecord} takes). */
    public Map<String, String> record(int i) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> names = raw.columnNames();
        for (int j = 0; j < names.size(); j++) {
            m.put(names.get(j), raw.column(j)[i]);
        }
        return m;
    }

    /** Categorical columns of the raw data. */
    public Set<String> categorical() {
        return raw.categoricalHint();
    }
}
