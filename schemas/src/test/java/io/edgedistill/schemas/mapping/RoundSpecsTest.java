package io.edgedistill.schemas.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.NetworkSpec;
import io.edgedistill.schemas.PrivacySettings;
import io.edgedistill.schemas.RoundSpec;
import org.junit.jupiter.api.Test;

class RoundSpecsTest {

    @Test
    void theSchemaDefaultsMeanReluNetworksWithHeUniformSplitMixWeights() {
        RoundSpec round = ContractSamples.roundSpec(7);

        EmbeddingSpec spec = RoundSpecs.embeddingSpec(round);

        assertThat(spec).isEqualTo(new EmbeddingSpec(7, 4, 6, 16, 8, Activation.RELU, WeightInit.HE_UNIFORM));
    }

    @Test
    void aGeneratorNamedNormalMeansHeNormalAndActivationNamesIgnoreCaseAndSpaces() {
        RoundSpec round = RoundSpec.newBuilder(ContractSamples.roundSpec(7))
                .setNetwork(NetworkSpec.newBuilder().setCount(2).setInputDim(3).setHiddenDim(4).setEmbedDim(5)
                        .setActivation(" Tanh ").setGenerator("splitmix64-normal-v1").build())
                .build();

        EmbeddingSpec spec = RoundSpecs.embeddingSpec(round);

        assertThat(spec.activation()).isEqualTo(Activation.TANH);
        assertThat(spec.init()).isEqualTo(WeightInit.HE_NORMAL);
    }

    @Test
    void summariesCarrySecondMomentsAsAskedAndInputMomentsOnlyWithoutDp() {
        RoundSpec plain = RoundSpec.newBuilder(ContractSamples.roundSpec(7)).setSecondMoments(true).build();
        RoundSpec private_ = RoundSpec.newBuilder(plain).setPrivacy(PrivacySettings.newBuilder().setEnabled(true)
                .setEpsilon(2.0).setDelta(1e-5).setClipNorm(1.5f).build()).build();

        SummaryOptions open = RoundSpecs.summaryOptions(plain);
        SummaryOptions dp = RoundSpecs.summaryOptions(private_);

        assertThat(open.secondMoments()).isTrue();
        assertThat(open.inputMoments()).isTrue();
        assertThat(open.dp()).isNull();
        assertThat(dp.secondMoments()).isTrue();
        assertThat(dp.inputMoments()).isFalse();
        assertThat(dp.dp().epsilon()).isEqualTo(2.0);
        assertThat(dp.dp().delta()).isEqualTo(1e-5);
        assertThat(dp.dp().clipNorm()).isEqualTo(1.5);
    }
}
