package io.edgedistill.updater.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.DataDescription;
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

    /**
     * A labelled flow file read through its data description; at most {@code maxRows} rows (0 = all). The file is read
     * and checked now, so that one that does not match its description stops the updater's start-up.
     */
    static ValidationSource csv(Path file, int maxRows, DataDescription description) {
        DataDescription.Loaded loaded;
        try {
            loaded = description.load(file, maxRows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the validation file " + file, e);
        }
        String what = description.name() + " file " + file + " (" + loaded.summary() + ")";
        return new ValidationSource() {
            @Override
            public RawDataset load() {
                return loaded.data();
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }
}
