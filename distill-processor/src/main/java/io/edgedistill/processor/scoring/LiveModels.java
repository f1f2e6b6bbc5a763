package io.edgedistill.processor.scoring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live (latest verified) model per model id, shared by the global models processor (writer) and the
 * traffic scorers (readers), plus a bounded log of rejected updates for the API. Thread-safe.
 */
public final class LiveModels {
    private static final Logger LOG = LoggerFactory.getLogger(LiveModels.class);
    private static final int MAX_REJECTIONS = 100;

    /** A refused update. */
    public record Rejection(String modelId, long version, String reason, long at) {
    }

    private final Map<String, LiveModel> live = new ConcurrentHashMap<>();
    private final Deque<Rejection> rejections = new ArrayDeque<>();
    private final ProcessorMetrics metrics;

    private final UpdateVerifier verifier;
    /** Model id → the version taken out of service because its key lost the trust: not loaded again. */
    private final Map<String, Long> withdrawn = new java.util.concurrent.ConcurrentHashMap<>();
    /** Model id → the key that signed its live model. */
    private final Map<String, String> signers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Checks checksums, formats and specs but not signatures (no trusted keys). */
    public LiveModels(ProcessorMetrics metrics) {
        this(metrics, UpdateVerifier.checksumOnly());
    }

    public LiveModels(ProcessorMetrics metrics, UpdateVerifier verifier) {
        this.metrics = metrics;
        this.verifier = verifier;
    }

    /**
     * Verifies and offers an update: becomes live when it verifies and its version is higher than the live one.
     * A refused update is recorded (log, counter, {@link #rejections()}).
     *
     * @return the loaded model when it became live
     */
    public Optional<LiveModel> offer(ModelUpdate update) {
        try {
            return tryOffer(update);
        } catch (LiveModel.Rejected e) {
            return Optional.empty();
        }
    }

    /**
     * As {@link #offer}, but a refused update also throws, with the reason (an update not newer than the live
     * model is not refused: it is simply not used).
     */
    public Optional<LiveModel> tryOffer(ModelUpdate update) throws LiveModel.Rejected {
        if (withdrawn.getOrDefault(update.getModelId(), -1L) == update.getVersion()) {
            return Optional.empty(); // taken out of service (its key was revoked): reported once, when it was
        }
        LiveModel current = live.get(update.getModelId());
        if (current != null && update.getVersion() <= current.version()) {
            return Optional.empty();
        }
        LiveModel loaded;
        try {
            loaded = LiveModel.load(update, verifier);
        } catch (LiveModel.Rejected e) {
            reject(update.getModelId(), update.getVersion(), e.getMessage());
            throw e;
        }
        LiveModel now = live.merge(loaded.modelId(), loaded, (old, neu) -> neu.version() > old.version() ? neu : old);
        if (now == loaded) {
            signers.put(loaded.modelId(), update.getSigningKeyId() == null ? "" : update.getSigningKeyId());
            metrics.modelsLoaded.increment();
            LOG.info("model {} v{} is live ({} classes, input {})", loaded.modelId(), loaded.version(),
                    loaded.classes().size(), loaded.vectorizer().dim());
            return Optional.of(loaded);
        }
        return Optional.empty();
    }

    /**
     * After a trust list applied: a live model whose signing key no longer signs it (revoked, or retired below its
     * version) stops scoring; the flows of its task go unscored until an update signed by a trusted key arrives.
     *
     * @return the model ids taken out
     */
    public List<String> reviewTrust() {
        List<String> out = new java.util.ArrayList<>();
        for (LiveModel m : List.copyOf(live.values())) {
            String key = signers.getOrDefault(m.modelId(), "");
            if (!key.isEmpty() && !verifier.trusts(key, m.modelId(), m.version()) && live.remove(m.modelId(), m)) {
                withdrawn.put(m.modelId(), m.version());
                reject(m.modelId(), m.version(), m.modelId() + " v" + m.version() + " no longer scores: its signing key "
                        + key + " lost the trust");
                out.add(m.modelId());
            }
        }
        return out;
    }

    /**
     * Whether the model id's newest version was taken out of service and nothing newer is live: the scoring path then
     * need not read and decode the stored record again.
     */
    public boolean withdrawn(String modelId) {
        return withdrawn.containsKey(modelId) && !live.containsKey(modelId);
    }

    public void reject(String modelId, long version, String reason) {
        metrics.modelsRejected.increment();
        LOG.warn("model update rejected: {}", reason);
        synchronized (rejections) {
            rejections.addFirst(new Rejection(modelId, version, reason, System.currentTimeMillis()));
            while (rejections.size() > MAX_REJECTIONS) {
                rejections.removeLast();
            }
        }
    }

    public Optional<LiveModel> get(String modelId) {
        return Optional.ofNullable(live.get(modelId));
    }

    public Map<String, LiveModel> all() {
        return Map.copyOf(live);
    }

    public List<Rejection> rejections() {
        synchronized (rejections) {
            return List.copyOf(rejections);
        }
    }
}
