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
        return update(Fixtures.round(round), edges, revision);
    }

    private static TargetUpdate update(io.edgedistill.schemas.RoundSpec spec, int edges, long revision) {
        long round = spec.getRoundId();
        AggregationState st = new AggregationState(Fixtures.TASK, round, Fixtures.K, 3, Fixtures.E, Fixtures.D_IN,
                new PoisonDetector(), 1.0);
        for (int i = 0; i < edges; i++) {
            st.submit(ContributionAdapter.SUMMARIES.toCore(Fixtures.summary("edge-" + i, round, new long[] {100, 80, 60}, i),
                    Fixtures.round(round)), 0);
        }
        return new TargetUpdate(Fixtures.TASK, spec, st.targets(), st.accepted(), st.mixture(),
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

    @Test
    void aRoundsFirstSetWaitsForAQuorumOfTheRegisteredFleet() {
        List<SyntheticSet> published = new CopyOnWriteArrayList<>();
        io.edgedistill.schemas.RoundSpec open = io.edgedistill.schemas.RoundSpec.newBuilder(Fixtures.round(1))
                .setCreatedAt(java.time.Instant.now()).build(); // its deadline (10 s) is ahead
        try (OptimiserRunner runner = new OptimiserRunner(Fixtures.config().synthesis(), published::add, new SyntheticSetState(),
                ProcessorMetrics.inMemory(), 5)) {
            runner.onTargets(update(open, 2, 1));
            runner.onTargets(update(open, 3, 2));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> published.isEmpty());
            runner.onTargets(update(open, 4, 3));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> published.isEmpty());
            runner.onTargets(update(open, 5, 4)); // the whole fleet: the default quorum is all expected edges
            await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 1);
            assertThat(published.get(0).getProvenance().getContributions()).hasSize(5);
        }
    }

    @Test
    void withoutAQuorumTheSetIsBuiltAtTheDeadlineFromTheEdgesThatAnswered() {
        List<SyntheticSet> published = new CopyOnWriteArrayList<>();
        io.edgedistill.schemas.RoundSpec open = io.edgedistill.schemas.RoundSpec.newBuilder(Fixtures.round(1))
                .setCreatedAt(java.time.Instant.now().minusMillis(8_500)).build(); // 1.5 s before the deadline
        try (OptimiserRunner runner = new OptimiserRunner(Fixtures.config().synthesis(), published::add, new SyntheticSetState(),
                ProcessorMetrics.inMemory(), 10)) {
            long t0 = System.nanoTime();
            runner.onTargets(update(open, 2, 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 1);
            assertThat((System.nanoTime() - t0) / 1e6).as("ms until the set").isGreaterThan(1_000);
            assertThat(published.get(0).getProvenance().getContributions()).hasSize(2);
        }
    }

    @Test
    void withoutARegisteredFleetThePreviousRoundsEdgesAreExpected() {
        RoundQuorum q = new RoundQuorum(0.8, 10_000, 0);
        long now = System.currentTimeMillis();
        io.edgedistill.schemas.RoundSpec r1 = io.edgedistill.schemas.RoundSpec.newBuilder(Fixtures.round(1))
                .setCreatedAt(java.time.Instant.ofEpochMilli(now)).build();
        io.edgedistill.schemas.RoundSpec r2 = io.edgedistill.schemas.RoundSpec.newBuilder(Fixtures.round(2))
                .setCreatedAt(java.time.Instant.ofEpochMilli(now)).build();
        assertThat(q.judge(update(r1, 1, 1), now).met()).as("nothing known of the fleet: no quorum").isTrue();
        q.judge(update(r1, 5, 2), now);
        RoundQuorum registered = new RoundQuorum(0.8, 10_000, 7);
        assertThat(registered.judge(update(r1, 5, 1), now).needed()).as("no previous round: the registered fleet").isEqualTo(6);
        RoundQuorum.Verdict early = q.judge(update(r2, 3, 3), now);
        assertThat(early.needed()).isEqualTo(4);
        assertThat(early.met()).isFalse();
        assertThat(early.waitMs()).isEqualTo(10_000);
        assertThat(q.judge(update(r2, 4, 4), now).met()).isTrue();
        assertThat(q.judge(update(r2, 4, 4), now).complete()).isFalse();
        assertThat(q.judge(update(r2, 5, 4), now).complete()).as("every edge of the previous round").isTrue();
        assertThat(q.judge(update(r2, 3, 5), now + 10_000).met()).as("at the deadline").isTrue();
    }

    @Test
    void theDeadlineWaitsWhileEdgesKeepAnsweringAndNeverPastTheCap() {
        // 10 edges registered; their summaries reach the aggregation slowly (a backlog), past the 10 s deadline
        RoundQuorum q = new RoundQuorum(1.0, 10_000, 2_000, 60_000, 10);
        long t0 = System.currentTimeMillis();
        io.edgedistill.schemas.RoundSpec r1 = io.edgedistill.schemas.RoundSpec.newBuilder(Fixtures.round(1))
                .setCreatedAt(java.time.Instant.ofEpochMilli(t0)).build();
        assertThat(q.judge(update(r1, 2, 2), t0 + 1_000).waitMs()).isEqualTo(9_000);
        // an edge answers 9.5 s in: the set waits until 2 s without a new answer, past the deadline
        RoundQuorum.Verdict late = q.judge(update(r1, 3, 3), t0 + 9_500);
        assertThat(late.waitMs()).isEqualTo(2_000);
        assertThat(q.judge(update(r1, 3, 3), t0 + 10_500).waitMs()).as("a re-screen, no new edge").isEqualTo(1_000);
        assertThat(q.judge(update(r1, 3, 3), t0 + 11_500).met()).as("quiet for 2 s").isTrue();
        // edges that keep answering hold it back at most until the cap
        assertThat(q.judge(update(r1, 4, 4), t0 + 59_000).waitMs()).isEqualTo(1_000);
        assertThat(q.judge(update(r1, 5, 5), t0 + 60_000).met()).as("at the cap").isTrue();
        // every edge answered: at once
        assertThat(q.judge(update(r1, 10, 10), t0 + 20_000).met()).isTrue();
    }
}
