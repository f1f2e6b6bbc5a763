package io.edgedistill.processor.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.contributions.AggregationState;
import io.edgedistill.processor.contributions.ContributionAdapter;
import io.edgedistill.processor.contributions.TargetUpdate;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.schemas.SyntheticSet;
import org.junit.jupiter.api.Test;

class OptimiserRunnerTest {

    private static TargetUpdate update(long round, int edges, long revision) {
        AggregationState st = new AggregationState(Fixtures.TASK, round, Fixtures.K, 3, Fixtures.E, Fixtures.D_IN,
                new PoisonDetector(), 1.0);
        for (int i = 0; i < edges; i++) {
            st.submit(ContributionAdapter.SUMMARIES.toCore(Fixtures.summary("edge-" + i, round, new long[] {100, 80, 60}, i),
                    Fixtures.round(round)), 0);
        }
        return new TargetUpdate(Fixtures.TASK, Fixtures.round(round), st.targets(), st.accepted(),
                new ArrayList<>(st.quarantined()), revision, 0);
    }

    @Test
    void publishesMonotonicVersionsOnlyWhenTheLossImproves() throws Exception {
        List<SyntheticSet> published = new CopyOnWriteArrayList<>();
        SyntheticSetState state = new SyntheticSetState();
        try (OptimiserRunner runner = new OptimiserRunner(Fixtures.config().synthesis(), published::add, state,
                ProcessorMetrics.inMemory())) {
            OptimiserRunner.RunResult first = runner.run(update(1, 3, 1));
            assertThat(first.published()).isTrue();
            assertThat(first.version()).isEqualTo(1);
            SyntheticSet v1 = published.get(0);
            assertThat(v1.getSamples()).hasSize(3 * 2);
            assertThat(v1.getFeatureDim()).isEqualTo(Fixtures.D_IN);
            assertThat(v1.getProvenance().getContributions()).hasSize(3);
            assertThat(v1.getSamples().get(0).getSoftLabel()).hasSize(3);
            assertThat(v1.getMatchingLoss()).isFinite();

            // same round, new targets: warm start, published only if better, versions monotonic
            OptimiserRunner.RunResult second = runner.run(update(1, 4, 2));
            assertThat(second.previousLoss()).isNotNull();
            if (second.published()) {
                assertThat(second.version()).isEqualTo(2);
                assertThat(second.loss()).isLessThan(second.previousLoss());
            } else {
                assertThat(published).hasSize(1);
            }

            // new round: other networks, fresh set, always a new version
            OptimiserRunner.RunResult third = runner.run(update(2, 3, 3));
            assertThat(third.published()).isTrue();
            assertThat(third.version()).isEqualTo(published.size());
            assertThat(published).extracting(SyntheticSet::getVersion).isSorted().doesNotHaveDuplicates();
            assertThat(state.current(Fixtures.TASK).orElseThrow().roundId()).isEqualTo(2);
        }
    }

    @Test
    void debouncedUpdatesRunOffTheCallerThread() {
        List<SyntheticSet> published = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (OptimiserRunner runner = new OptimiserRunner(Fixtures.config().synthesis(), s -> {
            threads.add(Thread.currentThread().getName());
            published.add(s);
        }, new SyntheticSetState(), ProcessorMetrics.inMemory())) {
            for (int i = 1; i <= 5; i++) {
                runner.onTargets(update(1, 3, i)); // a burst: coalesced
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> published.size() >= 1);
            assertThat(threads).containsOnly("synthetic-set-optimiser");
            assertThat(runner.runCount()).isLessThanOrEqualTo(2);
        }
    }
}
