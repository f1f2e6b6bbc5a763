package io.edgedistill.edge.core;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector an edge runs, swapped atomically. Accepts updates of the task's global model and of the
 * edge's cohort model only, each verified ({@link ModelVerifier}) and strictly newer than every version of
 * that model id accepted before (no replay, no downgrade, also after a rollback). Once a personalised model
 * runs, newer global models are verified and kept as the fallback but do not replace it (unless configured
 * otherwise). The previous model is kept for {@link #rollback()}.
 *
 * <p>An update with an audience (a canary of a staged rollout) is for the edges it names only; the others ignore it
 * without verifying it or burning its version.
 *
 * <p>A personalised model that would replace a running model also has to pass the edge's own
 * {@link LocalAcceptance} check (it must do better on the edge's labelled hold-out): the cloud cannot see the
 * edge's traffic, so the edge has the last word. A declined update is verified and its version burnt, but it is
 * not bad input: it is counted and logged, not dead-lettered.
 *
 * <p>When the operator's trust list revokes the key that signed the running model (or retires it below the model's
 * version), {@link #reviewTrust()} falls back to the newest model this edge accepted whose key still signs it; with
 * none, the edge runs no model rather than one from a key it no longer trusts.
 */
public final class ModelSlot {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSlot.class);

    /** The edge's own judgement of a personalised candidate against the model it runs. */
    @FunctionalInterface
    public interface LocalAcceptance {
        /** Empty to accept; otherwise why the candidate is declined. */
        Optional<String> decline(DeployedModel candidate, DeployedModel running);
    }

    /** A personalised update the edge declined after its local check. */
    public record Declined(String model, String reason, java.time.Instant at) {
    }

    /** What happened to an offered update. */
    public record Decision(boolean accepted, boolean swapped, ModelVerifier.Reason reason, String detail) {
    }

    private final String edgeId;
    private final String globalModelId;
    private final String cohortModelId;
    private final boolean preferPersonalised;
    private final ModelVerifier verifier;
    private final AtomicReference<DeployedModel> live = new AtomicReference<>();
    private final AtomicReference<DeployedModel> previous = new AtomicReference<>();
    private final AtomicReference<DeployedModel> latestGlobal = new AtomicReference<>();
    private final Map<String, Long> highest = new HashMap<>();
    private final Map<ModelVerifier.Reason, AtomicLong> rejected = new EnumMap<>(ModelVerifier.Reason.class);
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong declined = new AtomicLong();
    private final AtomicReference<Declined> lastDeclined = new AtomicReference<>();
    /** Models accepted, newest first (the candidates of a fallback after a revocation). */
    private final java.util.Deque<DeployedModel> accepted = new java.util.ArrayDeque<>();
    private final AtomicLong trustFallbacks = new AtomicLong();
    private volatile LocalAcceptance acceptance;

    public ModelSlot(String edgeId, String taskId, String cohort, boolean preferPersonalised, ModelVerifier verifier) {
        this.edgeId = edgeId;
        this.globalModelId = taskId;
        this.cohortModelId = taskId + "/" + (cohort == null || cohort.isBlank() ? edgeId : cohort);
        this.preferPersonalised = preferPersonalised;
        this.verifier = verifier;
        for (ModelVerifier.Reason r : ModelVerifier.Reason.values()) {
            rejected.put(r, new AtomicLong());
        }
    }

    /** Whether an update concerns this edge at all (global model of its task, or its cohort's model). */
    public boolean relevant(String modelId) {
        return globalModelId.equals(modelId) || cohortModelId.equals(modelId);
    }

    /** Verifies and, when acceptable, swaps in the update. */
    public synchronized Decision offer(ModelUpdate u) {
        if (!relevant(u.getModelId())) {
            return new Decision(false, false, ModelVerifier.Reason.NOT_FOR_THIS_EDGE, u.getModelId());
        }
        if (!u.getAudience().isEmpty() && !u.getAudience().contains(edgeId)) {
            // a canary for other edges: not this edge's to run, nor to burn its version (the signature covers the audience)
            return new Decision(false, false, ModelVerifier.Reason.NOT_FOR_THIS_EDGE, u.getModelId() + " v" + u.getVersion()
                    + " is for " + u.getAudience());
        }
        ModelVerifier.Verdict v = verifier.verify(u);
        if (!v.ok()) {
            return reject(u, v.reason(), v.detail());
        }
        long seen = highest.getOrDefault(u.getModelId(), 0L);
        if (u.getVersion() <= seen) {
            return reject(u, ModelVerifier.Reason.REPLAY_OR_DOWNGRADE, "version " + u.getVersion()
                    + " is not newer than accepted version " + seen + " of " + u.getModelId());
        }
        highest.put(u.getModelId(), u.getVersion());
        DeployedModel m = v.model();
        DeployedModel current = live.get();
        if (!m.personalised()) {
            latestGlobal.set(m);
            remember(m);
            if (preferPersonalised && current != null && current.personalised()) {
                LOG.info("[{}] accepted {} as fallback; keeps running personalised {}", edgeId, m, current);
                return new Decision(true, false, null, "kept personalised " + current);
            }
        }
        LocalAcceptance check = acceptance;
        if (m.personalised() && current != null && check != null) {
            Optional<String> why = check.decline(m, current);
            if (why.isPresent()) {
                declined.incrementAndGet();
                lastDeclined.set(new Declined(m.toString(), why.get(), java.time.Instant.now()));
                LOG.info("[{}] declined personalised {}: {}; keeps running {}", edgeId, m, why.get(), current);
                return new Decision(true, false, null, "declined locally: " + why.get());
            }
        }
        if (m.personalised()) {
            remember(m);
        }
        previous.set(current);
        live.set(m);
        swaps.incrementAndGet();
        LOG.info("[{}] now running {} (was {})", edgeId, m, current == null ? "none" : current);
        return new Decision(true, true, null, "swapped from " + (current == null ? "none" : current.toString()));
    }

    private Decision reject(ModelUpdate u, ModelVerifier.Reason reason, String detail) {
        rejected.get(reason).incrementAndGet();
        LOG.warn("[{}] rejected model update {} v{}: {} ({})", edgeId, u.getModelId(), u.getVersion(), reason, detail);
        return new Decision(false, false, reason, detail);
    }

    private void remember(DeployedModel m) {
        accepted.addFirst(m);
        while (accepted.size() > KEPT) {
            accepted.removeLast();
        }
    }

    /** Accepted models kept as fallbacks after a revocation. */
    static final int KEPT = 8;

    /**
     * After the trust changed (a trust list applied): a running model whose signing key no longer signs it is
     * replaced by the newest accepted model whose key still does, or by none. Models of untrusted keys leave the
     * fallbacks. Versions stay burnt: the next update of a trusted key, newer than all, replaces the fallback.
     *
     * @return what changed, if the running model did
     */
    public synchronized Optional<String> reviewTrust() {
        accepted.removeIf(m -> !verifier.stillTrusted(m));
        DeployedModel prev = previous.get();
        if (prev != null && !verifier.stillTrusted(prev)) {
            previous.set(null);
        }
        DeployedModel global = latestGlobal.get();
        if (global != null && !verifier.stillTrusted(global)) {
            latestGlobal.set(accepted.stream().filter(m -> !m.personalised()).findFirst().orElse(null));
        }
        DeployedModel cur = live.get();
        if (cur == null || verifier.stillTrusted(cur)) {
            return Optional.empty();
        }
        DeployedModel fallback = accepted.stream().filter(m -> m != cur).findFirst().orElse(null);
        live.set(fallback);
        if (previous.get() == fallback) {
            previous.set(null);
        }
        swaps.incrementAndGet();
        trustFallbacks.incrementAndGet();
        String what = "the key " + cur.signingKeyId() + " of " + cur + " is no longer trusted: "
                + (fallback == null ? "no model trusted, the edge runs none" : "fell back to " + fallback);
        LOG.warn("[{}] {}", edgeId, what);
        return Optional.of(what);
    }

    /** Times the running model was replaced because its signing key lost the trust. */
    public long trustFallbacks() {
        return trustFallbacks.get();
    }

    /** The verifier of this slot's updates (and its trust). */
    public ModelVerifier verifier() {
        return verifier;
    }

    /** Installs the edge's check of personalised candidates (none: they are taken as the cloud validated them). */
    public void acceptLocally(LocalAcceptance check) {
        this.acceptance = check;
    }

    /** Personalised updates declined by the local check. */
    public long declinedCount() {
        return declined.get();
    }

    /** The latest decline, or null. */
    public Declined lastDeclined() {
        return lastDeclined.get();
    }

    /** Goes back to the previous model, if any; versions accepted so far stay burnt. */
    public synchronized Optional<DeployedModel> rollback() {
        DeployedModel prev = previous.get();
        if (prev == null) {
            return Optional.empty();
        }
        DeployedModel cur = live.getAndSet(prev);
        previous.set(null);
        accepted.remove(cur); // a rolled-back model is no fallback after a revocation
        swaps.incrementAndGet();
        LOG.warn("[{}] rolled back from {} to {}", edgeId, cur, prev);
        return Optional.of(prev);
    }

    /** The running model (lock-free read for scoring). */
    public DeployedModel live() {
        return live.get();
    }

    public DeployedModel previous() {
        return previous.get();
    }

    public long rejectedCount(ModelVerifier.Reason r) {
        return rejected.get(r).get();
    }

    public Map<String, Long> rejectedCounts() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        rejected.forEach((k, v) -> m.put(k.name(), v.get()));
        return m;
    }

    public long swaps() {
        return swaps.get();
    }

    public String globalModelId() {
        return globalModelId;
    }

    public String cohortModelId() {
        return cohortModelId;
    }
}
