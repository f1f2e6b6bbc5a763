package io.edgedistill.processor.rounds;

import java.util.Locale;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.schemas.RoundSpec;

/**
 * Reads the embedding-network family of a {@link RoundSpec}. Generator names: {@code splitmix64-v1} (the
 * schema default) means SplitMix64 with He-uniform weights; a name containing {@code normal} means
 * He-normal (Box–Muller). Activation {@code relu} or {@code tanh}.
 */
public final class RoundSpecs {
    private RoundSpecs() {
    }

    /** The embedding spec (seed, K, d_in, hidden, e, activation, init) of a round. */
    public static EmbeddingSpec embeddingSpec(RoundSpec r) {
        var n = r.getNetwork();
        return new EmbeddingSpec(r.getSeed(), n.getCount(), n.getInputDim(), n.getHiddenDim(), n.getEmbedDim(),
                activation(n.getActivation()), init(n.getGenerator()));
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
