package io.edgedistill.schemas.mapping;

import java.util.Locale;
import java.util.Optional;

import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.DpConfig;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SubClusterSettings;

/**
 * How a {@link RoundSpec} is read, by the edges that answer it and by the processor that matches their answers.
 * Both sides must build bit-identical embedding networks and summarise with the same options, so there is exactly one
 * reading of the wire record, here:
 * <ul>
 *   <li>network: seed, K, d_in, hidden, e; activation {@code relu} or {@code tanh}; generator {@code splitmix64-v1}
 *       (the schema default) means SplitMix64 with He-uniform weights, a generator name containing {@code normal}
 *       means He-normal (Box–Muller);</li>
 *   <li>summary options: second moments as the round asks, input moments unless DP, DP when the round enables it;</li>
 *   <li>sub-cluster options (summary v2): M, the privacy floor k_min and the k-means seed when the round asks for
 *       sub-clusters and does not enable DP (the sub-cluster statistics are not noised, so a DP round gets
 *       summary v1).</li>
 * </ul>
 */
public final class RoundSpecs {
    /** Rows per batched forward pass while summarising (bounds native memory; no effect on the result). */
    private static final int SUMMARY_CHUNK_ROWS = 8192;

    private RoundSpecs() {
    }

    /** The embedding-network family (seed, K, d_in, hidden, e, activation, init) of a round. */
    public static EmbeddingSpec embeddingSpec(RoundSpec r) {
        var n = r.getNetwork();
        return new EmbeddingSpec(r.getSeed(), n.getCount(), n.getInputDim(), n.getHiddenDim(), n.getEmbedDim(),
                activation(n.getActivation()), init(n.getGenerator()));
    }

    /** What an edge's summary of this round contains. */
    public static SummaryOptions summaryOptions(RoundSpec r) {
        SummaryOptions base = new SummaryOptions(r.getSecondMoments(), true, null, SUMMARY_CHUNK_ROWS);
        PrivacySettings p = r.getPrivacy();
        if (p != null && p.getEnabled()) {
            return base.withDp(DpConfig.secure(p.getEpsilon(), p.getDelta(), p.getClipNorm()));
        }
        return base;
    }

    /** The round's sub-cluster settings, or empty when its summaries carry none (summary v1). */
    public static Optional<SubClusterOptions> subClusterOptions(RoundSpec r) {
        SubClusterSettings sc = r.getSubClusters();
        PrivacySettings p = r.getPrivacy();
        if (sc == null || sc.getPerClass() <= 0 || (p != null && p.getEnabled())) {
            return Optional.empty();
        }
        return Optional.of(new SubClusterOptions(sc.getPerClass(), sc.getMinRows(), sc.getSeed(),
                SubClusterOptions.DEFAULT_MAX_ITERATIONS));
    }

    public static Activation activation(CharSequence name) {
        return Activation.valueOf(name.toString().trim().toUpperCase(Locale.ROOT));
    }

    public static WeightInit init(CharSequence generator) {
        return generator.toString().toLowerCase(Locale.ROOT).contains("normal") ? WeightInit.HE_NORMAL
                : WeightInit.HE_UNIFORM;
    }

    /** Store / map key of a task's round. */
    public static String roundKey(String taskId, long roundId) {
        return taskId + "|" + roundId;
    }
}
