package io.edgedistill.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the real broker and registry, with the processor and the updater as their own JVMs and
 * three edges: round -> summaries -> synthetic set -> signed model -> edges swap and score -> alerts from
 * edges and processor -> knowledge after a traffic shift -> personalised model on that edge.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class EndToEndLoopTest {

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void roundsSummariesSyntheticSetsSignedModelsAlertsAndReverseDistillation(LocalStack stack, @TempDir Path dir) throws Exception {
        // reverse distillation with the product's gates: the updater's default tolerance and the edge's default min
        // gain (0.01) on its own hold-out; the gain itself is measured by the harness (docs/results.md)
        LoopDemo.Options options = new LoopDemo.Options(3, 0.5, 10, 6000, null, "5g-nidd", null, 1, 7, 0,
                io.edgedistill.edge.core.EdgeSettings.DEFAULT_PERSONALISED_MIN_GAIN, true, false, Map.of());
        LoopDemo.Outcome out = new LoopDemo(stack, Path.of("../..").toAbsolutePath().normalize(), dir, options).run().orElseThrow();

        assertThat(out.rounds()).hasSize(1);
        LoopDemo.RoundOutcome round = out.rounds().get(0);
        assertThat(round.swapMillis()).as("every edge runs the round's signed model").hasSize(3);
        assertThat(round.model()).startsWith("5g-nidd-attacks v");
        assertThat(round.heldOutAfter()).isBetween(0.0, 1.0);
        assertThat(round.uplinkBytesPerEdge()).as("bytes each edge sent for the round").isPositive();
        assertThat(out.pooled()).as("the pooled reference, trained after the rounds").isNotNull();
        assertThat(out.pooled().macroF1()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(out.syntheticSets()).isPositive();
        assertThat(out.mixtureComponents()).as("sub-clusters of the edges' summaries (v2) in the set's mixture").isPositive();
        assertThat(out.modelUpdates()).isPositive();
        assertThat(out.flowsScoredAtEdges()).isPositive();
        assertThat(out.edgeAlerts()).as("alerts raised by the edges").isPositive();
        assertThat(out.processorAlerts()).as("alerts raised by the processor's scoring").isPositive();
        assertThat(out.statusByEdge()).as("every edge reports on edge.status what it runs").hasSize(3)
                .allSatisfy((edge, s) -> assertThat(s.getModelId()).isNotNull());

        LoopDemo.DriftOutcome drift = out.drift();
        assertThat(drift.knowledgeSent()).as("reverse-distillation knowledge after the shift").isPositive();
        assertThat(drift.modelAfter()).as("the shifted edge runs a personalised model, which its gate accepted")
                .startsWith("5g-nidd-attacks/edge-00 v");
        assertThat(drift.f1After()).as("on the shifted traffic").isGreaterThan(drift.f1Before());
    }

    /**
     * The loop on real data through a preset: an NSL-KDD sample (test resources, see its README) split over three edges,
     * held-out rows from a second file, one round. The processor fits the spec and the updater validates on the
     * operator's reference rows, which no edge holds; the task's classes are the preset's five categories.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void runsOnAnNslKddFileThroughItsPreset(LocalStack stack, @TempDir Path dir) throws Exception {
        Path train = resource("nsl-kdd/train-sample.txt");
        Path test = resource("nsl-kdd/heldout-sample.txt");
        LoopDemo.Options options = new LoopDemo.Options(3, 0.5, 10, 0, train, "nsl-kdd", test, 1, 7, 0, 0.01, false, false, Map.of());
        DemoData data = DemoData.of(options, dir);
        assertThat(data.heldOut().size()).as("held-out rows are the --test file's").isEqualTo(421);
        assertThat(data.shards().stream().mapToInt(d -> d.size()).sum() + DataDescriptionRows.reference(data))
                .as("every training row goes to an edge or to the operator's reference").isEqualTo(1680);

        LoopDemo.Outcome out = new LoopDemo(stack, Path.of("../..").toAbsolutePath().normalize(), dir, options, data).run()
                .orElseThrow();

        LoopDemo.RoundOutcome round = out.rounds().get(0);
        assertThat(round.model()).startsWith("nsl-kdd-attacks v");
        assertThat(round.swapMillis()).as("every edge runs the round's signed model").hasSize(3);
        assertThat(round.heldOutAfter()).as("held-out macro-F1 over the five categories").isGreaterThan(0.2);
        assertThat(out.modelUpdates()).isPositive();
        assertThat(out.flowsScoredAtEdges()).as("the edges replay their own NSL-KDD rows and score them").isPositive();
        assertThat(out.edgeAlerts()).as("alerts for rows the model calls an attack (benign class: normal)").isPositive();
        assertThat(out.drift()).isNull();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(EndToEndLoopTest.class.getClassLoader().getResource(name).toURI());
    }

    /** Rows of the operator's reference file, read back through the preset. */
    private static final class DataDescriptionRows {
        static int reference(DemoData d) throws Exception {
            return d.format().load(d.referenceFile(), 0).data().size();
        }
    }
}
