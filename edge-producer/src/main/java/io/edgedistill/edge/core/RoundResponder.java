package io.edgedistill.edge.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.RoundSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers rounds of the edge's task with its summary ({@link SummaryAnswerer}), each round once. A round counts as
 * answered only once its summary was handed to the output, so a failed send is answered again when retried. The
 * latest answered round is remembered: knowledge is summarised under its networks. Thread-safe.
 */
final class RoundResponder {
    private static final Logger LOG = LoggerFactory.getLogger(RoundResponder.class);

    private final String edgeId;
    private final RoundTaskFilter tasks;
    private final Supplier<LocalData> data;
    private final EdgeOutput out;
    private final AtomicReference<RoundSpec> latestRound = new AtomicReference<>();
    private final AtomicLong answered = new AtomicLong();
    private final Map<String, Long> lastRoundAnswered = new HashMap<>();

    RoundResponder(String edgeId, RoundTaskFilter tasks, Supplier<LocalData> data, EdgeOutput out) {
        this.edgeId = edgeId;
        this.tasks = tasks;
        this.data = data;
        this.out = out;
    }

    /** The summary sent for the round; empty for another task's round (counted) or a round already answered. */
    Optional<EdgeSummary> onRound(RoundSpec round) {
        if (!tasks.ownTask(round)) {
            return Optional.empty();
        }
        synchronized (lastRoundAnswered) {
            Long last = lastRoundAnswered.get(round.getTaskId());
            if (last != null && round.getRoundId() <= last) {
                return Optional.empty();
            }
            latestRound.set(round);
            long t0 = System.nanoTime();
            EdgeSummary s = SummaryAnswerer.answer(edgeId, data.get(), round);
            out.summary(s);
            lastRoundAnswered.put(round.getTaskId(), round.getRoundId()); // only once sent: a failure is retried
            answered.incrementAndGet();
            logAnswered(round, s, t0);
            return Optional.of(s);
        }
    }

    private void logAnswered(RoundSpec round, EdgeSummary s, long t0) {
        LOG.info("[{}] answered round {}/{}: {} classes, K={}, e={}, dp={} in {} ms", edgeId,
                round.getTaskId(), round.getRoundId(), s.getClasses().size(), s.getNumNetworks(), s.getEmbedDim(),
                s.getPrivacy() != null, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The round whose summary was last sent (or is being sent), if any. */
    RoundSpec latestRound() {
        return latestRound.get();
    }

    long answered() {
        return answered.get();
    }

    RoundTaskFilter tasks() {
        return tasks;
    }
}
