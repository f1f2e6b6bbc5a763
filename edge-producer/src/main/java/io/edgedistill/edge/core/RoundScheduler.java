package io.edgedistill.edge.core;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.edgedistill.schemas.RoundSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers rounds on the worker thread, one at a time, so that the consumer keeps polling (and swapping models)
 * while a summary is computed. Only the newest pending round is kept: when rounds arrive faster than they are
 * answered, the older ones are no longer worth answering. A failed answer (e.g. Kafka unreachable) puts the round
 * back, unless a newer one arrived meanwhile, and is tried again after {@link #RETRY_DELAY_NANOS}. After each
 * answer the knowledge is evaluated again, under the new round's networks.
 */
final class RoundScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(RoundScheduler.class);
    /** Wait before answering a round again after a failure: 5 s. */
    static final long RETRY_DELAY_NANOS = 5_000_000_000L;

    private final String edgeId;
    private final EdgeNode node;
    private final Executor worker;
    private final LongSupplier nanoClock;
    private final AtomicReference<RoundSpec> pending = new AtomicReference<>();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile long nextAttempt;

    RoundScheduler(EdgeNode node, Executor worker, LongSupplier nanoClock) {
        this.edgeId = node.settings().edgeId();
        this.node = node;
        this.worker = worker;
        this.nanoClock = nanoClock;
    }

    /** Keeps the round if it is at least as new as the pending one; null is ignored. */
    void offer(RoundSpec round) {
        if (round != null) {
            pending.accumulateAndGet(round, (a, b) -> a == null || b.getRoundId() >= a.getRoundId() ? b : a);
        }
    }

    /** Hands the pending round to the worker unless one is being answered or a retry is not due yet. */
    void dispatchIfDue() {
        if (pending.get() == null || inFlight.get() || nanoClock.getAsLong() < nextAttempt) {
            return;
        }
        RoundSpec round = pending.getAndSet(null);
        inFlight.set(true);
        worker.execute(() -> answer(round));
    }

    private void answer(RoundSpec round) {
        try {
            node.onRound(round);
            node.maybeSendKnowledge();
        } catch (RuntimeException e) {
            LOG.error("[{}] answering round {} failed; retrying in 5 s", edgeId, round.getRoundId(), e);
            pending.compareAndSet(null, round);
            nextAttempt = nanoClock.getAsLong() + RETRY_DELAY_NANOS;
        } finally {
            inFlight.set(false);
        }
    }

    /** The round waiting to be answered, if any. */
    RoundSpec pending() {
        return pending.get();
    }
}
