package io.edgedistill.edge.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.schemas.RoundSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the edge's own task's rounds from other tasks' rounds, and keeps count of the others.
 *
 * <p>Why count what is ignored: an edge configured with a task id the processor does not use (a typo, or an old
 * default) receives every round and answers none, with nothing else to show for it. The first round of each
 * foreign task is therefore logged (a WARN while no round of the edge's own task has been seen, naming both task
 * ids), and the counts per foreign task appear in the edge's status ({@code foreignTaskRoundsSeen}). Thread-safe.
 */
final class RoundTaskFilter {
    private final Logger log;
    private final String edgeId;
    private final String taskId;
    private final Map<String, AtomicLong> foreign = new ConcurrentHashMap<>();
    private volatile boolean ownTaskSeen;

    RoundTaskFilter(String edgeId, String taskId) {
        this(edgeId, taskId, LoggerFactory.getLogger(RoundTaskFilter.class));
    }

    /** With the logger the warnings go to (a test's, to see them). */
    RoundTaskFilter(String edgeId, String taskId, Logger log) {
        this.edgeId = edgeId;
        this.taskId = taskId;
        this.log = log;
    }

    /** Whether the round is of this edge's task; a round of another task is counted (and logged the first time). */
    boolean ownTask(RoundSpec round) {
        String task = round.getTaskId();
        if (taskId.equals(task)) {
            ownTaskSeen = true;
            return true;
        }
        AtomicLong seen = foreign.computeIfAbsent(task, t -> new AtomicLong());
        if (seen.getAndIncrement() == 0) {
            logFirstRoundOf(task);
        }
        return false;
    }

    private void logFirstRoundOf(String task) {
        if (ownTaskSeen) {
            log.info("[{}] ignoring rounds of task {}: this edge answers rounds of task {} only", edgeId, task, taskId);
        } else {
            log.warn("[{}] ignoring rounds of task {}: this edge answers rounds of task {} only (edge.task-id, which must be "
                    + "the processor's processor.rounds.task-id) and has seen none of them yet; tasks with rounds seen: {}",
                    edgeId, task, taskId, foreignTaskRoundsSeen().keySet());
        }
    }

    /** Rounds seen per other task (task id → rounds), in task id order. */
    Map<String, Long> foreignTaskRoundsSeen() {
        Map<String, Long> counts = new TreeMap<>();
        foreign.forEach((task, n) -> counts.put(task, n.get()));
        return counts;
    }
}
