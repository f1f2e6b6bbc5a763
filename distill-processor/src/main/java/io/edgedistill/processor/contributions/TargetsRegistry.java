package io.edgedistill.processor.contributions;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Latest targets per task, written by the aggregation processor (stream thread), read by the optimiser
 * runner and the HTTP API. Thread-safe; listeners run on the caller's (stream) thread and must only hand off.
 */
public final class TargetsRegistry {
    private final Map<String, TargetUpdate> latest = new ConcurrentHashMap<>();
    private final List<Consumer<TargetUpdate>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong revisions = new AtomicLong();

    public long nextRevision() {
        return revisions.incrementAndGet();
    }

    public void publish(TargetUpdate update) {
        latest.merge(update.taskId(), update, (old, neu) -> neu.roundId() >= old.roundId() ? neu : old);
        if (latest.get(update.taskId()) == update) {
            listeners.forEach(l -> l.accept(update));
        }
    }

    /**
     * Forgets a task's targets: its aggregation task was closed or moved to another processor instance, which now
     * publishes its sets ({@link #holds}).
     */
    public void withdraw(String taskId) {
        latest.remove(taskId);
    }

    /** Whether this instance aggregates the task now (it holds current targets of it). */
    public boolean holds(String taskId) {
        return latest.containsKey(taskId);
    }

    public Optional<TargetUpdate> latest(String taskId) {
        return Optional.ofNullable(latest.get(taskId));
    }

    public void addListener(Consumer<TargetUpdate> listener) {
        listeners.add(listener);
    }
}
