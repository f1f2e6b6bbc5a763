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
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.schemas.Provenance;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.mapping.SubClusterMapping;

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

    /** The set with the sub-cluster mixture of three edges' thirds of the training rows (summary v2). */
    public SyntheticSet withMixture(SyntheticSet set, int perClass) {
        List<SubClusterSummary> edges = new ArrayList<>();
        int n = train.size();
        int d = train.dim();
        for (int e = 0; e < 3; e++) {
            int from = e * n / 3;
            int to = (e + 1) * n / 3;
            float[] x = java.util.Arrays.copyOfRange(train.x(), from * d, to * d);
            int[] y = java.util.Arrays.copyOfRange(train.y(), from, to);
            edges.add(new SubClusterer(new SubClusterOptions(perClass, 10, e, 25)).summarize("edge-" + e, x, y,
                    train.numClasses()));
        }
        return SyntheticSet.newBuilder(set).setMixture(SubClusterMapping.mixtureToWire(edges, train.numClasses()))
                .build();
    }
}
