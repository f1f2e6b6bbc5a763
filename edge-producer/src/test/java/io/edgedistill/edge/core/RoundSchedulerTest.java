package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.schemas.EdgeSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the consumer's rounds reach the worker: newest first, retried after a failed send. */
class RoundSchedulerTest {
    private static EdgeFixtures fx;
    private final EdgeFixtures.Captured sent = new EdgeFixtures.Captured();
    private final AtomicLong clock = new AtomicLong();

    @BeforeAll
    static void data() {
        fx = new EdgeFixtures(5, 600);
    }

    /** A scheduler whose worker runs tasks at once, on a clock the test moves, over an output that can fail. */
    private RoundScheduler scheduler() {
        EdgeNode node = fx.node(EdgeSettings.defaults("edge-1", EdgeFixtures.TASK), sent);
        return new RoundScheduler(node, Runnable::run, clock::get);
    }

    @Test
    void aRoundWhoseSummaryCannotBeSentIsAnsweredAgainFiveSecondsLater() {
        RoundScheduler rounds = scheduler();
        sent.summaryFailures.set(1);
        rounds.offer(fx.round(EdgeFixtures.TASK, 1, false, false));

        rounds.dispatchIfDue();
        assertThat(sent.summaries).isEmpty();
        assertThat(rounds.pending().getRoundId()).isEqualTo(1);

        clock.addAndGet(RoundScheduler.RETRY_DELAY_NANOS - 1);
        rounds.dispatchIfDue();
        assertThat(sent.summaries).as("not before the retry delay").isEmpty();

        clock.incrementAndGet();
        rounds.dispatchIfDue();
        assertThat(sent.summaries).singleElement().extracting(EdgeSummary::getRoundId).isEqualTo(1L);
        assertThat(rounds.pending()).isNull();
    }

    @Test
    void onlyTheNewestOfTheRoundsWaitingIsAnswered() {
        RoundScheduler rounds = scheduler();
        rounds.offer(fx.round(EdgeFixtures.TASK, 2, false, false));
        rounds.offer(fx.round(EdgeFixtures.TASK, 1, false, false));
        rounds.offer(null);

        rounds.dispatchIfDue();
        rounds.dispatchIfDue();
        assertThat(sent.summaries).singleElement().extracting(EdgeSummary::getRoundId).isEqualTo(2L);
    }
}
