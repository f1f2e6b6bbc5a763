package io.edgedistill.processor.trust;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.trust.TrustList;

/**
 * The edges the operator distrusts now: those of {@code processor.contributions.distrusted-edges} and those of the
 * applied trust list. Read on every record (the traffic path included), so the union is computed once per list.
 * Thread-safe.
 */
public final class DistrustedEdges implements Supplier<Set<String>> {
    private record Cached(TrustList list, Set<String> edges) {
    }

    private final Set<String> configured;
    private final KeyTrust trust;
    private volatile Cached cached;

    public DistrustedEdges(Set<String> configured, KeyTrust trust) {
        this.configured = Set.copyOf(configured);
        this.trust = trust;
        this.cached = new Cached(null, this.configured);
    }

    @Override
    public Set<String> get() {
        TrustList list = trust.list().orElse(null);
        Cached c = cached;
        if (c.list() != list) {
            Set<String> all = new HashSet<>(configured);
            all.addAll(list.distrustedEdges());
            c = new Cached(list, Set.copyOf(all));
            cached = c;
        }
        return c.edges();
    }
}
