package io.edgedistill.updater.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.util.Workers;
import io.edgedistill.schemas.SyntheticSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the refined model of a task's newest synthetic set in the background, after the quick first model has
 * gone out: quality without lengthening the round. One worker thread; requests coalesce per task, so a set that
 * is superseded before its turn is never trained, and the newest set always is. The training runs outside the
 * service's lock (the engine serialises gradient steps, so a first model of a newer set trained meanwhile is
 * only slowed, never blocked); the result is handed to {@code publish}, which judges it under the lock.
 */
final class Refiner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Refiner.class);

    /** What to refine: a task's set and its spec. */
    record Request(SyntheticSet set, FeatureSpec spec) {
    }

    private final BiFunction<SyntheticSet, FeatureSpec, CandidateTrainer.Trained> train;
    private final BiConsumer<Request, CandidateTrainer.Trained> publish;
    private final Map<String, Request> waiting = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "updater-refiner");
        t.setDaemon(true);
        return t;
    });

    Refiner(BiFunction<SyntheticSet, FeatureSpec, CandidateTrainer.Trained> train,
            BiConsumer<Request, CandidateTrainer.Trained> publish) {
        this.train = train;
        this.publish = publish;
    }

    /** Asks for the refined model of {@code set}; replaces a waiting request of the same task. */
    void request(SyntheticSet set, FeatureSpec spec) {
        boolean schedule;
        synchronized (waiting) {
            schedule = waiting.put(set.getTaskId(), new Request(set, spec)) == null;
        }
        if (schedule) {
            worker.execute(() -> refine(set.getTaskId()));
        }
    }

    private void refine(String task) {
        Request r;
        synchronized (waiting) {
            r = waiting.remove(task);
        }
        if (r == null) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            CandidateTrainer.Trained trained = train.apply(r.set(), r.spec());
            LOG.info("Refined model of {} set v{} trained in {} ms", task, r.set().getVersion(),
                    (System.nanoTime() - t0) / 1_000_000);
            publish.accept(r, trained);
        } catch (RuntimeException e) {
            LOG.error("Refining {} set v{} failed", task, r.set().getVersion(), e);
        }
    }

    @Override
    public void close() {
        Workers.stopNow(worker, java.time.Duration.ofSeconds(10));
    }
}
