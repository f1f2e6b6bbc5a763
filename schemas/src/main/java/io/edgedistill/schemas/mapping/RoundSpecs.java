package io.edgedistill.schemas.mapping;

import java.util.Locale;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.DpConfig;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;

/**
 * How a {@link RoundSpec} is read, by the edges that answer it and by the processor that matches their answers.
 * Both sides must build bit-identical embedding networks and summarise with the same options, so there is exactly one
 * reading of the wire record, here:
 * <ul>
 *   <li>network: seed, K, d_in, hidden, e; activation {@code relu} or {@code tanh}; generator {@code splitmix64-v1}
 *       (the schema default) means SplitMix64 with He-uniform weights, a generator name containing {@code normal}
 *       means He-normal (Box–Muller);</li>
 *   <li>summary options: second moments as the round asks, input moments unless DP, DP when the round enables it.</li>
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
