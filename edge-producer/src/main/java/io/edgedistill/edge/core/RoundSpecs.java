package io.edgedistill.edge.core;

import java.util.Locale;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.DpConfig;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;

/**
 * Reads a {@link RoundSpec} the way the processor does: network (seed, K, d_in, hidden, e, activation,
 * generator → He-uniform unless the generator name says "normal") and summary options (second moments as
 * the round asks, input moments unless DP, DP when the round enables it).
 */
public final class RoundSpecs {
    private RoundSpecs() {
    }

    public static EmbeddingSpec embeddingSpec(RoundSpec r) {
        var n = r.getNetwork();
        return new EmbeddingSpec(r.getSeed(), n.getCount(), n.getInputDim(), n.getHiddenDim(), n.getEmbedDim(),
                Activation.valueOf(n.getActivation().trim().toUpperCase(Locale.ROOT)),
                n.getGenerator().toLowerCase(Locale.ROOT).contains("normal") ? WeightInit.HE_NORMAL
                        : WeightInit.HE_UNIFORM);
    }

    public static SummaryOptions summaryOptions(RoundSpec r) {
        SummaryOptions base = new SummaryOptions(r.getSecondMoments(), true, null, 8192);
        PrivacySettings p = r.getPrivacy();
        if (p != null && p.getEnabled()) {
            return base.withDp(DpConfig.secure(p.getEpsilon(), p.getDelta(), p.getClipNorm()));
        }
        return base;
    }
}
