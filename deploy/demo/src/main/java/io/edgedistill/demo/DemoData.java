package io.edgedistill.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.data.Splits;
import io.edgedistill.edge.core.LocalData;

/**
 * The demo's rows and who holds which: the edges' shards, the held-out rows every model is scored on, the operator's
 * reference rows (the processor fits the preprocessing on them and the updater validates on them: never an edge's
 * rows), and the rows of the drift phase. Either generated 5G-NIDD-schema data, or a labelled flow file read through
 * its data description, split by seed:
 * <ol>
 *   <li>held-out: the {@code --test} file, or a stratified 20 % of the file;</li>
 *   <li>the operator's reference: a stratified 10 % of the rest, written to the run directory for the services;</li>
 *   <li>the edges: at most {@code --rows} of the rest, drawn at random, split by Dirichlet(β) over classes.</li>
 * </ol>
 *
 * @param what           one line for the report
 * @param referenceFile  the operator's rows for the processor and the updater; null = they generate their own
 * @param driftRows      the drifted edge's new rows; driftHeldOut: rows of the same shift no edge holds
 */
record DemoData(String what, String formatArg, DataDescription format, List<LocalData> shards, LocalData heldOut, Path referenceFile,
                LocalData driftRows, LocalData driftHeldOut, String driftWhat) {

    static final double HELD_OUT_FRACTION = 0.2;
    static final double REFERENCE_FRACTION = 0.1;
    private static final int HELD_OUT_MAX = 20_000;
    private static final int DRIFT_ROWS = 3000;

    static DemoData of(LoopDemo.Options o, Path dir) throws IOException {
        return o.dataset() == null ? generated(o) : fromFile(o, dir);
    }

    /** The generated default: every part from the 5G-NIDD generator with its own seed. */
    private static DemoData generated(LoopDemo.Options o) {
        FiveGNiddGenerator.Config drift = DriftPhase.shiftedConfig();
        String driftWhat = DriftPhase.GENERATED_SHIFT;
        return new DemoData(o.rows() + " rows of generated 5G-NIDD-schema data (seed " + o.seed() + ")", o.format(), o.description(),
                LocalData.generatedShards(o.seed(), o.rows(), o.edges(), o.beta()),
                LocalData.generated(o.seed() + 7919, 4000, null), null,
                LocalData.generated(o.seed() + 104_729, DRIFT_ROWS, drift, driftWhat),
                LocalData.generated(o.seed() + 130_363, DRIFT_ROWS, drift, driftWhat), driftWhat);
    }

    private static DemoData fromFile(LoopDemo.Options o, Path dir) throws IOException {
        DataDescription format = o.description();
        // enough rows for the edges (--rows) and the held-out and reference shares, drawn at random from the whole
        // file: capture files are often sorted by time or class, and may be far larger than a demo needs
        int needed = o.rows() <= 0 ? 0 : (int) Math.ceil(o.rows() / ((o.test() != null ? 1 : 1 - HELD_OUT_FRACTION)
                * (1 - REFERENCE_FRACTION)));
        DataDescription.Loaded all = format.load(format.sample(o.dataset(), needed, o.seed() + 4));
        RawDataset rows = all.data();
        System.out.printf("  %s (%s): %s%n", o.dataset(), format.name(), all.summary());
        RawDataset heldOut;
        if (o.test() != null) {
            DataDescription.Loaded test = format.load(o.test(), 0);
            System.out.printf("  held-out file %s: %s%n", o.test(), test.summary());
            heldOut = atMost(test.data(), HELD_OUT_MAX, o.seed() + 1);
        } else {
            Splits.TrainTest split = Splits.stratified(rows.labels(), rows.numClasses(), HELD_OUT_FRACTION, o.seed() + 1);
            heldOut = rows.select(split.test());
            rows = rows.select(split.train());
        }
        Splits.TrainTest ref = Splits.stratified(rows.labels(), rows.numClasses(), REFERENCE_FRACTION, o.seed() + 2);
        RawDataset reference = rows.select(ref.test());
        RawDataset edgeRows = atMost(rows.select(ref.train()), o.rows(), o.seed() + 3);
        Path referenceFile = dir.resolve("reference-" + format.name() + ".csv");
        format.write(reference, referenceFile);
        String source = o.dataset().getFileName().toString();
        LocalData held = new LocalData(heldOut, (o.test() != null ? o.test().getFileName() + " (" : source + " (held-out 20 %, ")
                + heldOut.size() + " rows)");
        int benign = format.benign() == null ? -1 : format.classes().indexOf(format.benign());
        double[] mix = DriftPhase.shiftedMix(format.classes().size(), benign);
        RawDataset pool = edgeRows;
        String driftWhat = ", new class mix (every class alike" + (benign >= 0 ? ", half as much " + format.benign() : "")
                + "), resampled from the file";
        String what = String.format("%s (%s preset/description): %d rows over the edges, %d held-out rows%s, %d reference rows "
                        + "held by the operator", o.dataset(), format.name(), edgeRows.size(), heldOut.size(),
                o.test() != null ? " from " + o.test() : "", reference.size());
        return new DemoData(what, o.format(), format, LocalData.shards(edgeRows, source, o.edges(), o.beta(), o.seed()), held, referenceFile,
                new LocalData(resample(pool, mix, DRIFT_ROWS, o.seed() + 104_729), source + driftWhat),
                new LocalData(resample(heldOut, mix, DRIFT_ROWS, o.seed() + 130_363), source + " held-out" + driftWhat), driftWhat);
    }

    /** At most {@code n} rows drawn at random (all when fewer; 0 = all). */
    private static RawDataset atMost(RawDataset d, int n, long seed) {
        if (n <= 0 || d.size() <= n) {
            return d;
        }
        int[] idx = new int[d.size()];
        Arrays.setAll(idx, i -> i);
        Sampling.shuffle(new SplittableRandom(seed), idx);
        int[] keep = Arrays.copyOf(idx, n);
        Arrays.sort(keep);
        return d.select(keep);
    }

    /** {@code n} rows drawn with replacement in the class proportions {@code mix} (classes without rows are left out). */
    static RawDataset resample(RawDataset d, double[] mix, int n, long seed) {
        int[][] byClass = Splits.byClass(d.labels(), d.numClasses());
        double[] w = mix.clone();
        for (int c = 0; c < w.length; c++) {
            if (byClass[c].length == 0) {
                w[c] = 0;
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            int[] rows = byClass[Sampling.categorical(r, w)];
            idx[i] = rows[r.nextInt(rows.length)];
        }
        return d.select(idx);
    }

    /** The processor's settings for its reference data. */
    Map<String, String> processorData() {
        return referenceFile == null ? Map.of("processor.rounds.dataset", "generated")
                : Map.of("processor.rounds.dataset", referenceFile.toString(), "processor.rounds.data-format", formatArg,
                "processor.rounds.dataset-rows", "0");
    }

    /** The updater's settings for its validation rows. */
    Map<String, String> updaterData() {
        return referenceFile == null ? Map.of()
                : Map.of("updater.validation.source", "csv", "updater.validation.csv-path", referenceFile.toString(),
                "updater.validation.format", formatArg, "updater.validation.rows", "0");
    }
}
