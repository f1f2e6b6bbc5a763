package io.edgedistill.processor.rounds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.schemas.NetworkSpec;
import io.edgedistill.schemas.PreprocessingSpec;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SubClusterSettings;

/**
 * Builds the round specs of the configured task: the feature spec is fitted once (lazily) on the configured
 * reference data — the 5G-NIDD generator ({@code processor.rounds.dataset: generated}) or a labelled flow file read
 * through its {@link DataDescription} ({@code processor.rounds.data-format}); round r gets seed SplitMix-mixed from (taskSeed, r). Thread-safe.
 */
public final class RoundFactory {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoundFactory.class);
    private final ProcessorConfig.Rounds config;
    private volatile FeatureSpec spec;

    public RoundFactory(ProcessorConfig.Rounds config) {
        this.config = config;
    }

    public RoundFactory(ProcessorConfig.Rounds config, FeatureSpec spec) {
        this.config = config;
        this.spec = spec;
    }

    public synchronized FeatureSpec featureSpec() {
        if (spec == null) {
            DataDescription description = DataDescription.resolve(config.dataFormat());
            spec = description.fit(load(config, description));
        }
        return spec;
    }

    /** The reference rows: generated (5G-NIDD schema only) or the configured file read through its description. */
    static RawDataset load(ProcessorConfig.Rounds cfg, DataDescription description) {
        if (cfg.generatedDataset()) {
            if (!description.name().equals("5g-nidd")) {
                throw new DataDescription.Mismatch("processor.rounds.dataset=generated makes 5G-NIDD-schema rows, but "
                        + "processor.rounds.data-format is '" + description.name() + "': name a reference file of that format");
            }
            List<String[]> rows = new FiveGNiddGenerator(cfg.datasetSeed()).generate(cfg.datasetRows());
            return description.load(new DataDescription.Table("generated rows", FiveGNiddSchema.ALL_COLUMNS, rows)).data();
        }
        try {
            DataDescription.Loaded loaded = description.load(Path.of(cfg.dataset()), cfg.datasetRows());
            LOG.info("reference data {}: {}", cfg.dataset(), loaded.summary());
            return loaded.data();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reference data set " + cfg.dataset(), e);
        }
    }

    /** Seed of round r: SplitMix64 finaliser of taskSeed + r·golden gamma. */
    public static long seed(long taskSeed, long roundId) {
        long z = taskSeed + roundId * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The round's sub-cluster request; the edges' k-means seed follows the round's. */
    private SubClusterSettings subClusters(long roundId) {
        ProcessorConfig.Rounds.SubClusters sc = config.subClusters();
        if (sc == null || sc.perClass() <= 0) {
            return null;
        }
        return SubClusterSettings.newBuilder().setPerClass(sc.perClass()).setMinRows(sc.minRows())
                .setSeed(seed(config.taskSeed() + 1, roundId)).build();
    }

    public RoundSpec round(long roundId) {
        FeatureSpec fs = featureSpec();
        String json = fs.toJson();
        return RoundSpec.newBuilder()
                .setTaskId(config.taskId())
                .setRoundId(roundId)
                .setSeed(seed(config.taskSeed(), roundId))
                .setNetwork(NetworkSpec.newBuilder()
                        .setCount(config.networks().count())
                        .setInputDim(fs.dim())
                        .setHiddenDim(config.networks().hiddenDim())
                        .setEmbedDim(config.networks().embedDim())
                        .setActivation(config.networks().activation())
                        .setGenerator(config.networks().generator())
                        .build())
                .setFeatureNames(new ArrayList<>(fs.featureNames()))
                .setPreprocessing(PreprocessingSpec.newBuilder().setVersion(1).setJson(json)
                        .setSha256(ModelFormat.sha256Hex(json.getBytes(StandardCharsets.UTF_8))).build())
                .setClasses(new ArrayList<>(fs.classNames()))
                .setSecondMoments(config.secondMoments())
                .setSamplesPerClass(config.samplesPerClass())
                .setPrivacy(PrivacySettings.newBuilder().build())
                .setCreatedAt(Instant.now())
                .setDeadline(null)
                .setSubClusters(subClusters(roundId))
                .build();
    }
}
