package io.edgedistill.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.edge.core.LocalData;
import org.junit.jupiter.api.Test;

/** The pooled reference on small generated data, without a broker. */
class PooledReferenceTest {

    private static final List<LocalData> SHARDS = LocalData.generatedShards(11, 6000, 3, 0.3);
    private static final LocalData HELD_OUT = LocalData.generated(12, 1000, null);
    private static final FeatureSpec SPEC = Preprocessor.fit(LocalData.generated(13, 2000, null).raw());

    private static PooledReference reference() {
        return new PooledReference(SPEC.toJson(), SPEC.classNames(), PooledReference.STUDENT_HIDDEN, 5);
    }

    @Test
    void aModelTrainedOnEveryEdgesRowsScoresFarAboveChanceOnTheHeldOutRows() {
        PooledReference.Scored scored = reference().trainAndScore(SHARDS, HELD_OUT);

        assertThat(scored.rows()).isEqualTo(SHARDS.stream().mapToInt(LocalData::size).sum());
        double chance = 1.0 / SPEC.classNames().size();
        assertThat(scored.macroF1()).as("macro-F1 against chance %.2f", chance).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    }

    @Test
    void theSameSeedGivesTheSameFigure() {
        assertThat(reference().trainAndScore(SHARDS, HELD_OUT).macroF1())
                .isEqualTo(reference().trainAndScore(SHARDS, HELD_OUT).macroF1());
    }
}
