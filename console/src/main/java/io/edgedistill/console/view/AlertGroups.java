package io.edgedistill.console.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts deduplicated per edge, attack class and source within a time window: a burst of detections of one attack on
 * one edge is one alert with a count, a first and a last time, and the highest score. Alerts may arrive out of order
 * (edges and the processor write them on several partitions); one joins the group of its key whose span, widened by
 * the window on both sides, holds its time, else it starts a group. Each group carries a change sequence, so that a
 * notifier can send only what changed. Bounded: the oldest groups are dropped beyond {@code maxGroups}.
 */
public final class AlertGroups {

    /** The key alerts are deduplicated by. */
    public record Key(String edgeId, String attackClass, String source) {
    }

    /** One deduplicated alert. */
    public record Group(Key key, String kind, long count, Instant first, Instant last, double maxScore, String detail,
                        long changed) {

        /** Still firing at {@code now}: its last detection is within the window. */
        public boolean firing(Instant now, Duration window) {
            return !last.plus(window).isBefore(now);
        }
    }

    private final Duration window;
    private final int maxGroups;
    private final Map<Key, List<Group>> byKey = new LinkedHashMap<>();
    private long sequence;
    private long alerts;

    public AlertGroups(Duration window, int maxGroups) {
        if (window.isNegative() || window.isZero() || maxGroups < 1) {
            throw new IllegalArgumentException("a positive window and at least one group are required");
        }
        this.window = window;
        this.maxGroups = maxGroups;
    }

    public Duration window() {
        return window;
    }

    /** Adds one detection; returns the group it joined or started. */
    public synchronized Group add(Key key, String kind, double score, String detail, Instant at) {
        alerts++;
        List<Group> groups = byKey.computeIfAbsent(key, k -> new ArrayList<>());
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            if (!at.isBefore(g.first().minus(window)) && !at.isAfter(g.last().plus(window))) {
                Group joined = new Group(key, g.kind(), g.count() + 1, at.isBefore(g.first()) ? at : g.first(),
                        at.isAfter(g.last()) ? at : g.last(), Math.max(g.maxScore(), score),
                        at.isAfter(g.last()) ? detail : g.detail(), ++sequence);
                groups.set(i, joined);
                return joined;
            }
        }
        Group started = new Group(key, kind, 1, at, at, score, detail, ++sequence);
        groups.add(started);
        trim();
        return started;
    }

    /** Detections added, before deduplication. */
    public synchronized long alerts() {
        return alerts;
    }

    /** Every group, the most recent detection first. */
    public synchronized List<Group> groups() {
        List<Group> all = new ArrayList<>();
        byKey.values().forEach(all::addAll);
        all.sort(Comparator.comparing(Group::last).reversed());
        return all;
    }

    /** The groups that started or grew after change {@code since}, in the order of their change. */
    public synchronized List<Group> changedSince(long since) {
        List<Group> out = new ArrayList<>();
        byKey.values().forEach(gs -> gs.stream().filter(g -> g.changed() > since).forEach(out::add));
        out.sort(Comparator.comparingLong(Group::changed));
        return out;
    }

    private void trim() {
        int size = byKey.values().stream().mapToInt(List::size).sum();
        while (size > maxGroups) {
            Group oldest = null;
            for (List<Group> gs : byKey.values()) {
                for (Group g : gs) {
                    if (oldest == null || g.last().isBefore(oldest.last())) {
                        oldest = g;
                    }
                }
            }
            Group drop = oldest;
            byKey.get(drop.key()).remove(drop);
            size--;
        }
    }
}
