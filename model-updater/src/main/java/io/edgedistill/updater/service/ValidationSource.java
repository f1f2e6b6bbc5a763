package io.edgedistill.updater.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.RawDataset;

/**
 * Where the updater's held-out validation rows come from (raw, before preprocessing: every synthetic set's
 * preprocessing spec is applied to the same rows).
 */
public interface ValidationSource {

    /** The raw validation rows. */
    RawDataset load();

    /** Human-readable description for logs and the HTTP history. */
    String describe();

    /**
     * Generated 5G-NIDD-schema rows ({@link FiveGNiddGenerator}); use a seed that the edges and the
     * processor do not use, so the validation rows are held out.
     */
    static ValidationSource generated(long seed, int rows, int minPerClass) {
        return new ValidationSource() {
            @Override
            public RawDataset load() {
                FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
                cfg.minPerClass = minPerClass;
                return CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, new FiveGNiddGenerator(seed, cfg).generate(rows),
                        FiveGNiddSchema.mapping());
            }

            @Override
            public String describe() {
                return "generated 5G-NIDD rows (seed " + seed + ", " + rows + " rows, >= " + minPerClass + " per class)";
            }
        };
    }

    /** A 5G-NIDD Combined.csv (real or generated) file; at most {@code maxRows} rows (0 = all). */
    static ValidationSource csv(Path file, int maxRows) {
        return new ValidationSource() {
            @Override
            public RawDataset load() {
                try {
                    return maxRows > 0 ? CsvLoader.load(file, FiveGNiddSchema.mapping(), maxRows)
                            : CsvLoader.load(file, FiveGNiddSchema.mapping());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the validation file " + file, e);
                }
            }

            @Override
            public String describe() {
                return "CSV " + file + (maxRows > 0 ? " (first " + maxRows + " rows)" : "");
            }
        };
    }
}
