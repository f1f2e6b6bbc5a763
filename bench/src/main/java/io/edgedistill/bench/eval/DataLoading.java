package io.edgedistill.bench.eval;

import io.edgedistill.core.data.ColumnMapping;
import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
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

    /**
     * The data description of a {@code --format}: a preset ({@code 5g-nidd}, {@code nsl-kdd}, {@code cic-ids2017}; the
     * older spellings {@code 5gnidd} and {@code nslkdd} too) or a YAML file, as the services and the demo take it;
     * empty for {@code csv}, which builds a mapping from the command line's flags.
     */
    public static java.util.Optional<DataDescription> description(String format) {
        return switch (format) {
            case "csv" -> java.util.Optional.empty();
            case "5gnidd" -> java.util.Optional.of(DataDescription.preset("5g-nidd"));
            case "nslkdd" -> java.util.Optional.of(DataDescription.preset("nsl-kdd"));
            default -> java.util.Optional.of(DataDescription.resolve(format));
        };
    }

    /** The ad-hoc mapping of {@code --format csv} from the command line's flags. */
    public static ColumnMapping mapping(String format, String label, Integer labelIndex, boolean noHeader,
                                        List<String> columns, List<String> categorical, List<String> drop) {
        switch (format) {
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
                throw new IllegalArgumentException("format " + format + " is read through its data description, not a mapping");
        }
    }

    /** One file (or generated rows) with a seeded stratified split. */
    public static Prepared split(RawDataset raw, double testFraction, long splitSeed, String what) {
        return split(raw, testFraction, splitSeed, what, Preprocessor.Options.defaults());
    }

    /** As {@link #split(RawDataset, double, long, String)}, the spec fitted with {@code options}. */
    public static Prepared split(RawDataset raw, double testFraction, long splitSeed, String what, Preprocessor.Options options) {
        Splits.TrainTest tt = Splits.stratified(raw.labels(), raw.numClasses(), testFraction, splitSeed);
        return prepare(raw.select(tt.train()), raw.select(tt.test()),
                what + String.format(java.util.Locale.ROOT, ", stratified split %.0f/%.0f seed %d",
                        100 * (1 - testFraction), 100 * testFraction, splitSeed), options);
    }

    public static Prepared prepare(RawDataset trainRaw, RawDataset testRaw, String what) {
        return prepare(trainRaw, testRaw, what, Preprocessor.Options.defaults());
    }

    /** The spec fitted on the training rows with {@code options} (a data description's heavy-tailed columns and benign class). */
    public static Prepared prepare(RawDataset trainRaw, RawDataset testRaw, String what, Preprocessor.Options options) {
        FeatureSpec spec = Preprocessor.fit(trainRaw, options);
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
