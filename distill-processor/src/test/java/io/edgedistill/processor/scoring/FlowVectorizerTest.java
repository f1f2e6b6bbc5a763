package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.Flows;
import io.edgedistill.processor.rounds.RoundFactory;
import io.edgedistill.schemas.TrafficFlow;
import org.junit.jupiter.api.Test;

class FlowVectorizerTest {

    @Test
    void matchesTheCoreTransformBitForBitOnGeneratedFlows() {
        var cfg = Fixtures.config(Map.of("processor.rounds.dataset-rows", 3000));
        FeatureSpec spec = new RoundFactory(cfg.rounds()).featureSpec();
        FlowVectorizer v = new FlowVectorizer(spec);
        List<String[]> rows = new FiveGNiddGenerator(123).generate(500);
        List<String> cols = FiveGNiddSchema.ALL_COLUMNS;
        for (String[] row : rows) {
            Map<String, String> record = new HashMap<>();
            for (int j = 0; j < cols.size(); j++) {
                record.put(cols.get(j), row[j]);
            }
            // the flow as an edge sends it: missing cells absent, label and non-feature columns not among the features
            TrafficFlow flow = Flows.fromRow("e", "f", row);
            float[] out = new float[v.dim()];
            v.vectorize(flow, out, 0);
            assertThat(out).containsExactly(spec.transformRecord(record));
        }
    }

    @Test
    void roundFactoryPublishesTheFittedSpec() {
        var cfg = Fixtures.config(Map.of("processor.rounds.dataset-rows", 2000));
        RoundFactory f = new RoundFactory(cfg.rounds());
        var r = f.round(3);
        assertThat(r.getRoundId()).isEqualTo(3);
        assertThat(r.getSeed()).isEqualTo(RoundFactory.seed(cfg.rounds().taskSeed(), 3)).isNotEqualTo(f.round(4).getSeed());
        assertThat(r.getNetwork().getInputDim()).isEqualTo(r.getFeatureNames().size()).isEqualTo(f.featureSpec().dim());
        assertThat(r.getClasses()).isEqualTo(FiveGNiddSchema.CLASSES);
        assertThat(FeatureSpec.fromJson(r.getPreprocessing().getJson())).isEqualTo(f.featureSpec());
        assertThat(r.getFeatureNames()).noneMatch(n -> n.startsWith("Seq") || n.startsWith("Offset"));
    }
}
