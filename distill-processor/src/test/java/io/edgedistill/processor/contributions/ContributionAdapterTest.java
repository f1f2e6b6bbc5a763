package io.edgedistill.processor.contributions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.RoundSpec;
import org.junit.jupiter.api.Test;

/**
 * A summary and knowledge with the same statistics must validate and map alike: the adapter is the one place
 * both are read, and these tests pin that the two paths do not drift.
 */
class ContributionAdapterTest {
    private final RoundSpec round = Fixtures.round(1);

    @Test
    void summaryAndKnowledgeWithTheSameStatisticsMapToTheSameCoreSummary() {
        EdgeSummary summary = withMoments(Fixtures.summary("edge-1", 1, new long[] {5, 0, 7}, 3));
        SummaryStats data = ContributionAdapter.SUMMARIES.toCore(summary, round);
        SummaryStats knowledge = ContributionAdapter.KNOWLEDGE.toCore(asKnowledge(summary), round);

        assertThat(data.kind()).isEqualTo(SummaryKind.DATA);
        assertThat(knowledge.kind()).isEqualTo(SummaryKind.KNOWLEDGE);
        assertThat(knowledge.edgeId()).isEqualTo(data.edgeId()).isEqualTo("edge-1");
        assertThat(knowledge.counts()).containsExactly(data.counts()).containsExactly(5, 0, 7);
        assertThat(knowledge.means()).containsExactly(data.means());
        assertThat(data.secondMoments()).isNotNull();
        assertThat(knowledge.secondMoments()).containsExactly(data.secondMoments());
        assertThat(data.inputMeans()).isNotNull();
        assertThat(knowledge.inputMeans()).containsExactly(data.inputMeans());
        assertThat(knowledge.inputSecondMoments()).containsExactly(data.inputSecondMoments());
        // network-major per class in Avro, (K, C, e) in core: class 2 of network 1 comes from means[e..2e) of class 2
        List<Float> class2 = summary.getClasses().get(1).getMeans();
        int e = Fixtures.E;
        assertThat(data.means()[(1 * 3 + 2) * e]).isEqualTo(class2.get(e));
        // second moment of the inputs = var + mean²
        float m = summary.getClasses().get(0).getInputMean().get(0);
        float v = summary.getClasses().get(0).getInputVar().get(0);
        assertThat(data.inputSecondMoments()[0]).isEqualTo((float) (v + (double) m * m));
    }

    @Test
    void optionalMomentsAreCarriedOnlyWhenEveryClassHasThem() {
        EdgeSummary summary = withMoments(Fixtures.summary("edge-1", 1, new long[] {5, 6, 7}, 3));
        summary.getClasses().get(1).setSecondMoments(null);
        summary.getClasses().get(2).setInputVar(null);
        for (SummaryStats s : List.of(ContributionAdapter.SUMMARIES.toCore(summary, round),
                ContributionAdapter.KNOWLEDGE.toCore(asKnowledge(summary), round))) {
            assertThat(s.secondMoments()).isNull();
            assertThat(s.inputMeans()).isNull();
            assertThat(s.inputSecondMoments()).isNull();
        }
    }

    @Test
    void summaryAndKnowledgeAreValidatedByTheSameRules() {
        EdgeSummary summary = withMoments(Fixtures.summary("edge-1", 1, new long[] {5, 6, 7}, 3));
        summary.getClasses().get(1).setClassIndex(0);                      // appears twice
        summary.getClasses().get(2).setCount(0L);                          // count < 1
        summary.getClasses().get(2).getMeans().set(3, Float.NaN);          // not finite
        summary.getClasses().get(0).setInputVar(List.of(1f));              // wrong length
        List<String> data = ContributionAdapter.SUMMARIES.violations(summary, "edge-2", round);
        List<String> knowledge = ContributionAdapter.KNOWLEDGE.violations(asKnowledge(summary), "edge-2", round);

        assertThat(data).containsExactly(
                "edgeId 'edge-1' does not match the record key 'edge-2'",
                "class 0 inputVar has 1 floats, expected " + Fixtures.D_IN,
                "classIndex 0 appears twice",
                "class 2: count 0 < 1",
                "class 2 means[3] is not finite (NaN)");
        assertThat(knowledge).isEqualTo(data);

        assertThat(ContributionAdapter.SUMMARIES.violations(summary, "edge-1", Fixtures.round(2)))
                .containsExactly("unknown or stale round 1 of task '" + Fixtures.TASK + "' (current round is 2)");
        assertThat(ContributionAdapter.KNOWLEDGE.violations(asKnowledge(summary), "edge-1", null))
                .containsExactly("unknown task '" + Fixtures.TASK + "': no round has been published for it");
    }

    @Test
    void theNounNamesTheRecordThatHasNoClasses() {
        EdgeSummary summary = Fixtures.summary("edge-1", 1, new long[] {0, 0, 0}, 3);
        assertThat(ContributionAdapter.SUMMARIES.violations(summary, "edge-1", round))
                .containsExactly("summary has no classes");
        assertThat(ContributionAdapter.KNOWLEDGE.violations(asKnowledge(summary), "edge-1", round))
                .containsExactly("knowledge has no classes");
    }

    /** The summary with second moments and input-space mean and variance on every class. */
    private static EdgeSummary withMoments(EdgeSummary s) {
        for (ClassSummary c : s.getClasses()) {
            List<Float> second = new ArrayList<>();
            for (float f : c.getMeans()) {
                second.add(f * f + 1f);
            }
            List<Float> mean = new ArrayList<>();
            List<Float> var = new ArrayList<>();
            for (int j = 0; j < Fixtures.D_IN; j++) {
                mean.add(0.1f * (j + 1) + c.getClassIndex());
                var.add(0.5f + j);
            }
            c.setSecondMoments(second);
            c.setInputMean(mean);
            c.setInputVar(var);
        }
        return s;
    }

    /** Knowledge carrying exactly the summary's statistics. */
    private static EdgeKnowledge asKnowledge(EdgeSummary s) {
        List<KnowledgeClass> classes = new ArrayList<>();
        for (ClassSummary c : s.getClasses()) {
            classes.add(KnowledgeClass.newBuilder().setClassIndex(c.getClassIndex()).setCount(c.getCount())
                    .setMeans(c.getMeans()).setSecondMoments(c.getSecondMoments()).setInputMean(c.getInputMean())
                    .setInputVar(c.getInputVar()).build());
        }
        return EdgeKnowledge.newBuilder().setEdgeId(s.getEdgeId()).setTaskId(s.getTaskId()).setRoundId(s.getRoundId())
                .setModelId(s.getTaskId()).setModelVersion(1).setWindowStart(s.getWindowStart())
                .setWindowEnd(s.getWindowEnd()).setNumNetworks(s.getNumNetworks()).setEmbedDim(s.getEmbedDim())
                .setClasses(classes).setLocalAccuracy(0.5).setLocalMacroF1(0.4).setProducedAt(s.getProducedAt())
                .build();
    }
}
