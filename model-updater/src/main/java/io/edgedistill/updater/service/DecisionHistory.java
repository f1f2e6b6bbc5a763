package io.edgedistill.updater.service;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The decisions so far: the newest {@value #LIMIT} for the HTTP history, and unbounded counts per status. Thread-safe. */
final class DecisionHistory {
    static final int LIMIT = 1000;

    private final Deque<HistoryEntry> entries = new ArrayDeque<>();
    private final Map<HistoryEntry.Status, AtomicLong> counts = new EnumMap<>(HistoryEntry.Status.class);
    private final List<java.util.function.Consumer<HistoryEntry>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    DecisionHistory() {
        for (HistoryEntry.Status s : HistoryEntry.Status.values()) {
            counts.put(s, new AtomicLong());
        }
    }

    /** Called with every decision recorded from now on (metrics). */
    void onRecord(java.util.function.Consumer<HistoryEntry> listener) {
        listeners.add(listener);
    }

    /** Records {@code e} and returns it. */
    HistoryEntry record(HistoryEntry e) {
        counts.get(e.status()).incrementAndGet();
        listeners.forEach(l -> l.accept(e));
        synchronized (entries) {
            entries.addLast(e);
            while (entries.size() > LIMIT) {
                entries.removeFirst();
            }
        }
        return e;
    }

    /** Oldest first. */
    List<HistoryEntry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    long count(HistoryEntry.Status status) {
        return counts.get(status).get();
    }
}
