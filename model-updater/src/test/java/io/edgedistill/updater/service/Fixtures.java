package io.edgedistill.updater.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.data.Splits;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.schemas.Provenance;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;

/**
 * Test data: generated 5G-NIDD rows, a fitted preprocessing spec, and "synthetic sets" made of a random
 * real subset per class (a stand-in for a distilled set; the updater cannot tell the difference).
 */
public final class Fixtures {
    public static final String TASK = "5g-nidd";
    public final FeatureSpec spec;
    public final String specJson;
    public final String specSha;
    public final Dataset train;

    public Fixtures(long seed, int rows) {
        FiveGNiddGenerator.Config cfg = FiveGNiddGenerator.Config.defaults();
        cfg.minPerClass = 60;
        RawDataset raw = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, new FiveGNiddGenerator(seed, cfg).generate(rows),
                FiveGNiddSchema.mapping());
        this.spec = Preprocessor.fit(raw);
        this.specJson = spec.toJson();
        this.specSha = ModelFormat.sha256Hex(specJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.train = spec.transform(raw);
    }

    /** IPC real samples per class; labels shuffled when {@code garbage}. */
    public SyntheticSet set(long version, int ipc, boolean garbage) {
        int[] idx = Splits.randomPerClass(train.y(), train.numClasses(), ipc, version);
        SplittableRandom r = new SplittableRandom(version);
        List<SyntheticSample> samples = new ArrayList<>();
        for (int i : idx) {
            List<Float> f = new ArrayList<>();
            for (float v : train.row(i)) {
                f.add(v);
            }
            int label = garbage ? r.nextInt(train.numClasses()) : train.y()[i];
            samples.add(SyntheticSample.newBuilder().setLabel(label).setFeatures(f).build());
        }
        return SyntheticSet.newBuilder().setTaskId(TASK).setVersion(version).setRoundId(version)
                .setSamplesPerClass(ipc).setFeatureDim(train.dim()).setClasses(new ArrayList<>(train.classNames()))
                .setSamples(samples).setMatchingLoss(0.1).setOptimisationSteps(0)
                .setProvenance(Provenance.newBuilder().setContributions(List.of()).setExclusions(List.of()).build())
                .setPreprocessingSha256(specSha).setCreatedAt(Instant.now()).build();
    }
}
