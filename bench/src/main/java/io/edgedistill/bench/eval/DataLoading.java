package io.edgedistill.bench.eval;

import io.edgedistill.core.data.ColumnMapping;
import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.NslKdd;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.data.Splits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Loads the evaluation data: raw tables → seeded stratified split (or given files) → spec fitted on train. */
public final class DataLoading {
    private DataLoading() {
    }

    /** Pre-processed train and test sets with the spec that produced them. */
    public record Prepared(Dataset train, Dataset test, FeatureSpec spec, String description) {
    }

    public static ColumnMapping mapping(String format, String label, Integer labelIndex, boolean noHeader,
                                        List<String> columns, List<String> categorical, List<String> drop) {
        switch (format) {
            case "5gnidd":
                return FiveGNiddSchema.mapping();
            case "nslkdd":
                return NslKdd.mapping();
            case "csv": {
                ColumnMapping.Builder b = ColumnMapping.builder().header(!noHeader);
                if (columns != null && !columns.isEmpty()) {
                    b.columnNames(columns);
                }
                if (label != null) {
                    b.labelColumn(label);
                } else if (labelIndex != null) {
                    b.labelIndex(labelIndex);
                } else {
                    b.labelIndex(-1);
                }
                if (categorical != null) {
                    b.categorical(categorical);
                }
                if (drop != null) {
                    b.drop(drop);
                }
                return b.build();
            }
            default:
                throw new IllegalArgumentException("unknown format " + format + " (5gnidd|nslkdd|csv)");
        }
    }

    /** One file (or generated rows) with a seeded stratified split. */
    public static Prepared split(RawDataset raw, double testFraction, long splitSeed, String what) {
        Splits.TrainTest tt = Splits.stratified(raw.labels(), raw.numClasses(), testFraction, splitSeed);
        return prepare(raw.select(tt.train()), raw.select(tt.test()),
                what + String.format(java.util.Locale.ROOT, ", stratified split %.0f/%.0f seed %d",
                        100 * (1 - testFraction), 100 * testFraction, splitSeed));
    }

    public static Prepared prepare(RawDataset trainRaw, RawDataset testRaw, String what) {
        FeatureSpec spec = Preprocessor.fit(trainRaw);
        Dataset train = spec.transform(trainRaw);
        Dataset test = spec.transform(testRaw);
        return new Prepared(train, test, spec, what + "; " + train.size() + " train / " + test.size()
                + " test rows, " + spec.dim() + " features, classes " + train.classNames());
    }

    public static RawDataset load(Path file, ColumnMapping m, int maxRows) throws IOException {
        return CsvLoader.load(file, m, maxRows);
    }

    /** Synthetic 5G-NIDD-schema rows generated in memory. */
    public static RawDataset generate5gNidd(int rows, long seed, int minPerClass) {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = minPerClass;
        return CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, new FiveGNiddGenerator(seed, cfg).generate(rows),
                FiveGNiddSchema.mapping());
    }
}
