package io.edgedistill.processor.synthesis;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.processor.contributions.QuarantineEntry;
import io.edgedistill.processor.contributions.TargetUpdate;

/**
 * When a round's synthetic set may first be built: not from the first one or two edges to answer, but once a quorum
 * of the edges expected has answered, or at the round's deadline for stragglers, whichever comes first.
 *
 * <p>Expected edges: those that answered the task's previous round (the best account of who is alive: an edge that
 * stopped answering is not waited for again), else the registered fleet when the processor knows it
 * ({@code processor.contributions.edge-keys}); with neither (a first round without registered edges, or a processor
 * restarted mid-round that forgot), no quorum applies. An edge counts as answered when its data summary
 * for the round was accepted or quarantined: a quarantined edge answered, so an attacker cannot hold a round back by
 * being excluded. Reverse-distillation knowledge does not count. The deadline runs from the round spec's creation,
 * so contributions to an old round (knowledge after a drift) are never held back. Thread-safe.
 *
 * <p>The deadline moves while answers keep coming: a large fleet's summaries may all be on the topic but still queued
 * ahead of the aggregation when {@code waitMs} has passed, and a set built then would come from the few edges
 * aggregated so far. So short of a quorum the set waits until {@code waitMs} has passed <em>and</em> no new edge has
 * answered for {@code quietMs}, and never longer than {@code maxWaitMs} after the round's creation.
 *
 * @param share     the share of the expected edges that makes a quorum (rounded up); 0 = no quorum
 * @param waitMs    the deadline after the round's creation, in milliseconds
 * @param quietMs   short of a quorum, the set also waits until no new edge has answered for this long
 * @param maxWaitMs the set never waits longer than this after the round's creation
 * @param fleet     the registered fleet's size; 0 = unknown
 */
public record RoundQuorum(double share, long waitMs, long quietMs, long maxWaitMs, int fleet, Answers answers) {

    /** Who answered which round of which task (the state a quorum is judged from). */
    public static final class Answers {
        /** A round's answers: the edges that answered, and when the last new one did. */
        private static final class Round {
            final Set<String> edges = new HashSet<>();
            long lastAnswer;
        }

        private final Map<String, TreeMap<Long, Round>> byTask = new HashMap<>();

        synchronized int record(TargetUpdate u, long nowMillis) {
            TreeMap<Long, Round> rounds = byTask.computeIfAbsent(u.taskId(), t -> new TreeMap<>());
            Round round = rounds.computeIfAbsent(u.roundId(), r -> new Round());
            Long previous = rounds.lowerKey(u.roundId());
            if (previous != null) {
                rounds.headMap(previous, false).clear(); // only a round and the one before it are ever asked for
            }
            int before = round.edges.size();
            for (SummaryStats s : u.accepted()) {
                if (s.kind() == SummaryKind.DATA) {
                    round.edges.add(s.edgeId());
                }
            }
            for (QuarantineEntry q : u.excluded()) {
                if (q.kind() == SummaryKind.DATA) {
                    round.edges.add(q.edgeId());
                }
            }
            if (round.edges.size() > before) {
                round.lastAnswer = nowMillis;
            }
            return round.edges.size();
        }

        /** When the round's last new edge answered (0: none yet). */
        synchronized long lastAnswer(String taskId, long roundId) {
            Round r = byTask.getOrDefault(taskId, new TreeMap<>()).get(roundId);
            return r == null ? 0 : r.lastAnswer;
        }

        synchronized int previousRound(String taskId, long roundId) {
            TreeMap<Long, Round> rounds = byTask.get(taskId);
            Map.Entry<Long, Round> prev = rounds == null ? null : rounds.lowerEntry(roundId);
            return prev == null ? 0 : prev.getValue().edges.size();
        }
    }

    public RoundQuorum(double share, long waitMs, long quietMs, long maxWaitMs, int fleet) {
        this(share, waitMs, quietMs, maxWaitMs, fleet, new Answers());
    }

    /** A quorum whose deadline does not move with late answers (quiet 0, no cap beyond {@code waitMs}). */
    public RoundQuorum(double share, long waitMs, int fleet) {
        this(share, waitMs, 0, waitMs, fleet);
    }

    /**
     * What the quorum says of a round's targets after a change.
     *
     * @param expected the edges expected to answer (0 = unknown)
     */
    public record Verdict(int answered, int needed, int expected, long waitMs) {
        public boolean met() {
            return waitMs <= 0;
        }

        /** Every expected edge has answered: no later answer is coming to wait for. */
        public boolean complete() {
            return expected > 0 && answered >= expected;
        }
    }

    /** Records the update's answers; how long the set must still wait (0 = build it now). */
    public Verdict judge(TargetUpdate u, long nowMillis) {
        int answered = answers.record(u, nowMillis);
        int previous = answers.previousRound(u.taskId(), u.roundId());
        int expected = previous > 0 ? previous : fleet;
        int needed = share <= 0 || expected == 0 ? 0 : (int) Math.ceil(share * expected - 1e-9);
        if (answered >= needed) {
            return new Verdict(answered, needed, expected, 0);
        }
        long created = u.round().getCreatedAt() == null ? 0 : u.round().getCreatedAt().toEpochMilli();
        long deadline = Math.min(created + Math.max(waitMs, maxWaitMs),
                Math.max(created + waitMs, answers.lastAnswer(u.taskId(), u.roundId()) + quietMs));
        return new Verdict(answered, needed, expected, Math.max(0, deadline - nowMillis));
    }
}
