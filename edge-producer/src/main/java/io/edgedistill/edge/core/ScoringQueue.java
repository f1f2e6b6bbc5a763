package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the flows the streamer just sent to {@link EdgeNode#score} in batches on a thread of its own. Scoring one
 * flow at a time would cost a model call per flow, and scoring on the streamer's thread would slow the traffic; a
 * bounded queue keeps a slow model from holding memory: what does not fit is counted as unscored.
 */
final class ScoringQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringQueue.class);

    private final String edgeId;
    private final EdgeNode node;
    private final int batchSize;
    private final BlockingQueue<long[]> queue = new ArrayBlockingQueue<>(50_000);
    private Thread thread;

    ScoringQueue(String edgeId, EdgeNode node, int batchSize) {
        this.edgeId = edgeId;
        this.node = node;
        this.batchSize = batchSize;
    }

    /** The streamer's {@link TrafficStreamer.ScoringSink}: queues a sent flow (row, sequence number of its id, time). */
    void enqueue(int row, String flowId, Instant at) {
        long seq = Long.parseLong(flowId.substring(flowId.lastIndexOf('-') + 1));
        if (!queue.offer(new long[] {row, seq, at.toEpochMilli()})) {
            node.countUnscored(1);
        }
    }

    /** Starts the scoring thread, which runs while {@code running} holds. */
    void start(BooleanSupplier running) {
        thread = new Thread(() -> scoreWhile(running), "edge-scorer-" + edgeId);
        thread.setDaemon(true);
        thread.start();
    }

    private void scoreWhile(BooleanSupplier running) {
        List<long[]> batch = new ArrayList<>();
        while (running.getAsBoolean()) {
            try {
                long[] first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                score(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("[{}] scoring a batch failed: {}", edgeId, e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void score(List<long[]> batch) {
        int n = batch.size();
        int[] rows = new int[n];
        String[] ids = new String[n];
        Instant[] at = new Instant[n];
        for (int i = 0; i < n; i++) {
            long[] b = batch.get(i);
            rows[i] = (int) b[0];
            ids[i] = edgeId + "-" + b[1];
            at[i] = Instant.ofEpochMilli(b[2]);
        }
        node.score(rows, ids, at);
    }

    /** Waits for the scoring thread to end (after {@code running} turned false). */
    void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    int backlog() {
        return queue.size();
    }
}
