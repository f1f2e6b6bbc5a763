package io.edgedistill.edge.core;

import io.edgedistill.schemas.RoundSpec;

/**
 * Decides what becomes of each valid round read from {@code distill.rounds}. Only the edge's own task's rounds are
 * answered, and only while round ids move forward in the log: a round id at or below one seen before is a duplicate
 * or a replay, which the edge refuses (the caller dead-letters it) rather than answering an old round again.
 * Used by the consumer thread only; kept across consumer restarts.
 */
final class RoundIntake {
    /** What to do with a round. */
    enum Verdict {
        /** a new round of this edge's task: answer it */
        ANSWER,
        /** another task's round: ignore it (counted by the {@link RoundTaskFilter}) */
        OTHER_TASK,
        /** not newer than a round seen before: refuse it */
        STALE
    }

    private final RoundTaskFilter tasks;
    private long highestRound;

    RoundIntake(RoundTaskFilter tasks) {
        this.tasks = tasks;
    }

    Verdict admit(RoundSpec round) {
        if (!tasks.ownTask(round)) {
            return Verdict.OTHER_TASK;
        }
        if (round.getRoundId() <= highestRound) {
            return Verdict.STALE;
        }
        highestRound = round.getRoundId();
        return Verdict.ANSWER;
    }

    /** The highest round id of this edge's task admitted so far (0 before the first). */
    long highestRound() {
        return highestRound;
    }
}
