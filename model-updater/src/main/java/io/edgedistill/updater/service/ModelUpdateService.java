package io.edgedistill.updater.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.ModelFormatException;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.core.util.Engines;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.updater.signing.UpdateSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model-updater's logic, free of Kafka (DESIGN §3.5): for every new synthetic-set version of a task it
 * trains the cloud teacher on the synthetic samples, distils the small edge student (soft-label KL at
 * temperature T plus hard labels, on a transfer set of the samples and jittered copies), validates it on the
 * held-out validation rows preprocessed with the set's spec, and publishes a signed {@link ModelUpdate} only
 * when it is not worse than the live model; refusals are recorded in the history. Edge knowledge (reverse
 * distillation) produces a personalised student for the edge's cohort, trained on the synthetic set plus
 * samples drawn around the input moments of the classes the edge's model gets wrong; cohorts that sent
 * knowledge are re-personalised on every new synthetic set.
 *
 * <p>Thread-safe: state changes are serialised; readers get snapshots.
 */
public final class ModelUpdateService {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateService.class);
    /** Weight encoding name: {@link ModelFormat} version 1. */
    public static final String FORMAT = "edgedistill-mlp-v" + ModelFormat.VERSION;
    private static final int HISTORY_LIMIT = 1000;

    private final ValidationSource validationSource;
    private final UpdateSigner signer;
    private final ModelPublisher publisher;
    private final TrainingSettings settings;

    private RawDataset validationRaw;
    private final Map<String, FeatureSpec> specsBySha = new ConcurrentHashMap<>();
    private final Map<String, String> specJsonBySha = new ConcurrentHashMap<>();
    private final Map<String, Dataset> validationBySha = new HashMap<>();
    private final Map<String, SyntheticSet> latestSets = new ConcurrentHashMap<>();
    private final Map<String, SyntheticSet> pendingSets = new LinkedHashMap<>();
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, EdgeKnowledge> knowledgeByModelId = new LinkedHashMap<>();
    private final Map<String, String> knowledgeHandled = new HashMap<>();
    private final Map<String, Integer> personalisations = new HashMap<>();
    private final Deque<HistoryEntry> history = new ArrayDeque<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> counts = new ConcurrentHashMap<>();

    /** The live (last published) model of one model id. */
    public record Live(ModelUpdate update, MlpModel model, FeatureSpec spec, String specSha) {
    }

    public ModelUpdateService(ValidationSource validationSource, UpdateSigner signer, ModelPublisher publisher,
                              TrainingSettings settings) {
        this.validationSource = validationSource;
        this.signer = signer;
        this.publisher = publisher;
        this.settings = settings;
    }

    // ------------------------------------------------------------------------------------------------
    // inputs

    /**
     * Makes a preprocessing spec known (from a round spec or configuration). Returns the sets that were
     * waiting for it, processed.
     *
     * @param declaredSha the SHA-256 the sender declared for the JSON (may be blank); the spec is indexed by
     *                    it and by the SHA-256 of the JSON's UTF-8 bytes
     */
    public synchronized List<HistoryEntry> registerPreprocessing(String json, String declaredSha) {
        FeatureSpec spec = FeatureSpec.fromJson(json);
        String sha = ModelFormat.sha256Hex(json.getBytes(StandardCharsets.UTF_8));
        boolean isNew = !specsBySha.containsKey(sha);
        specsBySha.put(sha, spec);
        specJsonBySha.put(sha, json);
        if (declaredSha != null && !declaredSha.isBlank() && !declaredSha.equals(sha)) {
            specsBySha.put(declaredSha, spec);
            specJsonBySha.put(declaredSha, json);
        }
        if (isNew) {
            LOG.info("Preprocessing spec {} registered ({} features, {} classes)", sha.substring(0, 12), spec.dim(),
                    spec.classNames().size());
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (SyntheticSet s : new ArrayList<>(pendingSets.values())) {
            if (specsBySha.containsKey(s.getPreprocessingSha256())) {
                pendingSets.remove(s.getTaskId());
                out.addAll(onSyntheticSet(s));
            }
        }
        return out;
    }

    /**
     * Handles a synthetic-set version: trains, validates and publishes (or refuses) the task's global model,
     * then refreshes the personalised models of cohorts that sent knowledge. Older or repeated versions are
     * skipped; a set whose preprocessing spec is not known yet waits for it.
     */
    public synchronized List<HistoryEntry> onSyntheticSet(SyntheticSet set) {
        String task = set.getTaskId();
        SyntheticSet current = latestSets.get(task);
        if (current != null && set.getVersion() <= current.getVersion()) {
            LOG.info("Synthetic set {} v{} skipped: v{} already handled", task, set.getVersion(), current.getVersion());
            return List.of();
        }
        String sha = set.getPreprocessingSha256();
        FeatureSpec spec = specsBySha.get(sha);
        if (spec == null && (sha == null || sha.isBlank()) && specsBySha.size() == 1) {
            spec = specsBySha.values().iterator().next();
        }
        if (spec == null) {
            pendingSets.put(task, set);
            LOG.info("Synthetic set {} v{} waits for preprocessing spec {}", task, set.getVersion(), sha);
            return List.of();
        }
        latestSets.put(task, set);
        List<HistoryEntry> out = new ArrayList<>();
        out.add(trainAndDecide(task, null, set, spec, List.of(), "synthetic-set v" + set.getVersion(), null));
        for (EdgeKnowledge k : new ArrayList<>(knowledgeByModelId.values())) {
            if (k.getTaskId().equals(task)) {
                out.add(personalise(k, set, spec, "refresh on synthetic-set v" + set.getVersion()));
            }
        }
        return out;
    }

    /**
     * Handles reverse-distillation knowledge from an edge: trains a personalised student for the edge's
     * cohort. Repeated knowledge about the same deployed model and synthetic set is skipped.
     */
    public synchronized Optional<HistoryEntry> onKnowledge(EdgeKnowledge knowledge) {
        String task = knowledge.getTaskId();
        String cohort = settings.cohortOf(knowledge.getEdgeId());
        String modelId = modelId(task, cohort);
        SyntheticSet set = latestSets.get(task);
        if (set == null) {
            return Optional.of(record(new HistoryEntry(modelId, cohort, HistoryEntry.SKIPPED, -1,
                    "knowledge from " + knowledge.getEdgeId(), -1, Double.NaN, Double.NaN, null, 0,
                    "no synthetic set of task " + task + " yet", 0, Instant.now())));
        }
        String key = knowledge.getModelId() + "@" + knowledge.getModelVersion() + "/set" + set.getVersion();
        if (key.equals(knowledgeHandled.get(modelId))) {
            LOG.debug("Knowledge from {} about {} already handled", knowledge.getEdgeId(), key);
            return Optional.empty();
        }
        knowledgeHandled.put(modelId, key);
        String budgetKey = modelId + "/set" + set.getVersion();
        int used = personalisations.getOrDefault(budgetKey, 0);
        if (used >= settings.maxPersonalisationsPerSet()) {
            return Optional.of(record(new HistoryEntry(modelId, cohort, HistoryEntry.SKIPPED, -1,
                    "knowledge from " + knowledge.getEdgeId(), set.getVersion(), Double.NaN, Double.NaN, null, 0,
                    "already personalised " + used + " times on synthetic set v" + set.getVersion()
                            + " (limit updater.training.max-personalisations-per-set); waiting for a new set", 0,
                    Instant.now())));
        }
        personalisations.put(budgetKey, used + 1);
        FeatureSpec spec = specFor(set);
        EdgeKnowledge merged = merge(knowledgeByModelId.get(modelId), knowledge);
        HistoryEntry e = personalise(merged, set, spec, "knowledge from " + knowledge.getEdgeId()
                + " (model " + knowledge.getModelId() + " v" + knowledge.getModelVersion() + ", local macro-F1 "
                + String.format("%.3f", knowledge.getLocalMacroF1()) + ")");
        if (!e.status().equals(HistoryEntry.SKIPPED)) {
            knowledgeByModelId.put(modelId, merged); // re-personalised on every new synthetic set
        }
        return Optional.of(e);
    }

    /**
     * Accumulates a cohort's knowledge: the newest statistics of each class win, classes reported only
     * earlier are kept (an edge running a personalised model reports only what that model still gets wrong).
     */
    static EdgeKnowledge merge(EdgeKnowledge previous, EdgeKnowledge latest) {
        if (previous == null) {
            return latest;
        }
        Map<Integer, KnowledgeClass> byClass = new LinkedHashMap<>();
        for (KnowledgeClass c : previous.getClasses()) {
            byClass.put(c.getClassIndex(), c);
        }
        for (KnowledgeClass c : latest.getClasses()) {
            byClass.put(c.getClassIndex(), c);
        }
        EdgeKnowledge out = EdgeKnowledge.newBuilder(latest).build();
        out.setClasses(new ArrayList<>(byClass.values()));
        if (latest.getClassTotals().isEmpty()) {
            out.setClassTotals(previous.getClassTotals());
        }
        return out;
    }

    /**
     * Restores a live model from the compacted updates topic at start-up, so versions stay monotonic and the
     * refusal test compares against what edges run. Updates that fail to parse are ignored with a warning.
     */
    public synchronized void restoreLive(ModelUpdate update) {
        Live prev = live.get(update.getModelId());
        if (prev != null && prev.update().getVersion() >= update.getVersion()) {
            return;
        }
        try {
            byte[] weights = bytes(update.getWeights());
            MlpModel model = ModelFormat.read(weights);
            String json = update.getPreprocessing();
            FeatureSpec spec = json == null || json.isBlank() ? null : FeatureSpec.fromJson(json);
            String sha = json == null ? "" : ModelFormat.sha256Hex(json.getBytes(StandardCharsets.UTF_8));
            if (spec != null) {
                specsBySha.putIfAbsent(sha, spec);
                specJsonBySha.putIfAbsent(sha, json);
            }
            live.put(update.getModelId(), new Live(update, model, spec, sha));
            LOG.info("Restored live model {} v{}", update.getModelId(), update.getVersion());
        } catch (ModelFormatException | RuntimeException e) {
            LOG.warn("Ignoring unreadable model update {} v{} while restoring: {}", update.getModelId(),
                    update.getVersion(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // queries

    /** The decisions so far, oldest first (bounded). */
    public List<HistoryEntry> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The live model of a model id. */
    public Optional<Live> live(String modelId) {
        return Optional.ofNullable(live.get(modelId));
    }

    /** All live models. */
    public Collection<Live> liveModels() {
        return List.copyOf(live.values());
    }

    /** Decisions so far with the given status (PUBLISHED, REFUSED, SKIPPED, FAILED), not bounded. */
    public long count(String status) {
        var c = counts.get(status);
        return c == null ? 0 : c.get();
    }

    public UpdateSigner signer() {
        return signer;
    }

    public String validationDescription() {
        return validationSource.describe();
    }

    public static String modelId(String taskId, String cohort) {
        return cohort == null ? taskId : taskId + "/" + cohort;
    }

    // ------------------------------------------------------------------------------------------------
    // training and decisions

    private HistoryEntry personalise(EdgeKnowledge k, SyntheticSet set, FeatureSpec spec, String trigger) {
        String cohort = settings.cohortOf(k.getEdgeId());
        String modelId = modelId(set.getTaskId(), cohort);
        int d = set.getFeatureDim();
        int perClass = settings.knowledgeSamplesPerClass() > 0 ? settings.knowledgeSamplesPerClass()
                : Math.max(1, set.getSamplesPerClass());
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(k.getEdgeId().hashCode() * 31L + set.getVersion());
        for (KnowledgeClass kc : k.getClasses()) {
            List<Float> mean = kc.getInputMean();
            if (kc.getCount() <= 0 || mean == null || mean.size() != d || kc.getClassIndex() < 0
                    || kc.getClassIndex() >= set.getClasses().size()) {
                continue;
            }
            List<Float> var = kc.getInputVar();
            for (int i = 0; i < perClass; i++) {
                float[] x = new float[d];
                for (int j = 0; j < d; j++) {
                    double v = var != null && var.size() == d ? var.get(j) : 0.25;
                    double sd = settings.knowledgeSpread() * Math.sqrt(Math.min(4.0, Math.max(1e-4, v)));
                    x[j] = (float) (mean.get(j) + sd * Sampling.normal(rng));
                }
                xs.add(x);
                ys.add(kc.getClassIndex());
            }
        }
        if (xs.isEmpty()) {
            return record(new HistoryEntry(modelId, cohort, HistoryEntry.SKIPPED, -1, trigger, set.getVersion(),
                    Double.NaN, Double.NaN, null, 0, "knowledge carries no usable input moments (differential "
                    + "privacy drops them, or feature width differs): nothing to personalise on", 0, Instant.now()));
        }
        return trainAndDecide(set.getTaskId(), cohort, set, spec, zip(xs, ys), trigger, trafficMix(k, set));
    }

    /**
     * Adapts a student to a cohort's class mix (logit adjustment): the output biases move by
     * log(π_cohort(c) / π_train(c)), so that the model's posteriors follow the cohort's traffic instead of the
     * class-balanced training set. Classes the cohort never reported keep a small floor so they stay reachable.
     */
    static MlpModel withClassPrior(MlpModel model, int[] trainLabels, int n, double[] cohortMix) {
        int c = model.numClasses();
        double[] train = new double[c];
        for (int i = 0; i < n; i++) {
            train[trainLabels[i]]++;
        }
        float[][] w = new float[model.numLayers()][];
        float[][] b = new float[model.numLayers()][];
        for (int l = 0; l < model.numLayers(); l++) {
            w[l] = model.weights(l);
            b[l] = model.biases(l);
        }
        float[] out = b[b.length - 1];
        double floor = 1e-3;
        for (int k = 0; k < c; k++) {
            double pi = (cohortMix[k] + floor) / (1 + c * floor);
            double pt = (train[k] + 1) / (n + c);
            out[k] += (float) Math.log(pi / pt);
        }
        return new MlpModel(model.layerSizes(), w, b);
    }

    /** The cohort's class mix from its knowledge (null when the edge did not report its class totals). */
    private static double[] trafficMix(EdgeKnowledge k, SyntheticSet set) {
        List<Long> totals = k.getClassTotals();
        if (totals.size() != set.getClasses().size() || totals.stream().mapToLong(Long::longValue).sum() <= 0) {
            return null;
        }
        double sum = totals.stream().mapToLong(Long::longValue).sum();
        return totals.stream().mapToDouble(t -> t / sum).toArray();
    }

    /**
     * Training randomness (initial weights, batch order, transfer-set jitter) as a function of what is trained on:
     * the set's round and version and the cohort, not the task's name. The same set retrained gives the same
     * model, and two tasks that distil the same round train with the same random numbers, so the difference
     * between their models is that of their sets.
     */
    static long trainingSeed(SyntheticSet set, String cohort) {
        long z = set.getRoundId() * 0x9E3779B97F4A7C15L + set.getVersion() * 1_000_003L
                + (cohort == null ? 0 : cohort.hashCode());
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private record Extra(float[] x, int y) {
    }

    private static List<Extra> zip(List<float[]> xs, List<Integer> ys) {
        List<Extra> out = new ArrayList<>(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            out.add(new Extra(xs.get(i), ys.get(i)));
        }
        return out;
    }

    /**
     * Trains the teacher and distils the student; publishes it when it validates at least as well as the model
     * it would replace. A cohort's model is judged on the validation rows reweighted to the cohort's traffic mix
     * ({@code cohortMix}, from its knowledge): it may be at most the personalisation tolerance below the model the
     * cohort runs there (its previous personalised model, else the global one) and below the global model on the
     * unweighted validation set. Whether it is better for the cohort is for the edges to judge on their own
     * labelled traffic, which the cloud never sees: an edge swaps only when it is (see the edge's ModelSlot).
     */
    private HistoryEntry trainAndDecide(String task, String cohort, SyntheticSet set, FeatureSpec spec,
                                        List<Extra> extra, String trigger, double[] cohortMix) {
        long t0 = System.nanoTime();
        String modelId = modelId(task, cohort);
        Live current = live.get(modelId);
        long nextVersion = current == null ? 1 : current.update().getVersion() + 1;
        try {
            int d = set.getFeatureDim();
            int c = set.getClasses().size();
            if (spec.dim() != d) {
                return record(entry(modelId, cohort, HistoryEntry.FAILED, nextVersion, trigger, set, null, null, t0,
                        "synthetic set feature width " + d + " differs from its preprocessing spec's " + spec.dim()));
            }
            int n = set.getSamples().size() + extra.size();
            float[] x = new float[n * d];
            int[] y = new int[n];
            int i = 0;
            for (SyntheticSample s : set.getSamples()) {
                List<Float> f = s.getFeatures();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = f.get(j);
                }
                y[i++] = s.getLabel();
            }
            for (Extra e : extra) {
                System.arraycopy(e.x(), 0, x, i * d, d);
                y[i++] = e.y();
            }
            long seed = trainingSeed(set, cohort);
            MlpModel teacher = MlpTrainer.train(settings.teacherHidden(), x, n, y, null, c,
                    settings.teacherConfig(seed));
            // transfer set: the training samples plus jittered copies (labels kept), soft targets from the teacher
            int copies = settings.transferCopies();
            int m = n * (1 + copies);
            float[] tx = new float[m * d];
            int[] ty = new int[m];
            System.arraycopy(x, 0, tx, 0, n * d);
            System.arraycopy(y, 0, ty, 0, n);
            SplittableRandom rng = new SplittableRandom(seed);
            for (int r = n; r < m; r++) {
                int src = r % n;
                for (int j = 0; j < d; j++) {
                    tx[r * d + j] = x[src * d + j] + (float) (settings.transferNoise() * Sampling.normal(rng));
                }
                ty[r] = y[src];
            }
            MlpModel student = MlpTrainer.distill(teacher, settings.studentHidden(), tx, m, ty,
                    settings.studentConfig(seed + 1));
            Dataset val = validation(spec, specSha(set, spec), set.getClasses());
            Live runs = current != null ? current : live.get(task);
            double[] w = cohortMix == null ? null : rowWeights(val, cohortMix, c);
            ClassificationMetrics candMix = null;
            ClassificationMetrics cand;
            String variant = "";
            Double previous = null;
            String refusal = null;
            if (cohortMix != null) {
                // a cohort's candidates: a student re-distilled with the samples around the edge's hard examples, and
                // the running model only shifted to the cohort's class mix; the one that does better on the validation
                // rows reweighted to the cohort's mix is offered if it passes the gate. The validation rows cannot show
                // what the edge saw, so the edge judges the offer on its own labelled hold-out (ModelSlot).
                ClassificationMetrics runsMix = runs == null ? null : evaluateLive(runs, set.getClasses(), cohortMix);
                Live global = live.get(task);
                double g = global == null ? Double.NaN : evaluateLive(global, set.getClasses(), null).macroF1();
                List<MlpModel> models = new ArrayList<>();
                List<String> variants = new ArrayList<>();
                models.add(withClassPrior(student, y, n, cohortMix));
                variants.add("");
                if (runs != null && runs.spec() != null && runs.spec().dim() == d && runs.model().numClasses() == c) {
                    models.add(withClassPrior(runs.model(), y, set.getSamples().size(), cohortMix));
                    variants.add(" (" + runs.update().getModelId() + " v" + runs.update().getVersion()
                            + " adapted to the cohort's class mix)");
                }
                int best = 0;
                ClassificationMetrics[] mixes = new ClassificationMetrics[models.size()];
                for (int k = 0; k < models.size(); k++) {
                    mixes[k] = ClassificationMetrics.weighted(val.y(), models.get(k).predict(val.x(), val.size()), c, w);
                    if (mixes[k].macroF1() > mixes[best].macroF1()) {
                        best = k;
                    }
                }
                student = models.get(best);
                candMix = mixes[best];
                variant = variants.get(best);
                ClassificationMetrics bestWhole = evaluate(student, val, c);
                if (Double.isNaN(candMix.macroF1())
                        || runsMix != null && candMix.macroF1() < runsMix.macroF1() - settings.personalisedTolerance()) {
                    refusal = String.format("macro-F1 on the cohort's traffic mix %.4f is more than the tolerance %.2f "
                            + "below %s v%d's %.4f", candMix.macroF1(), settings.personalisedTolerance(),
                            runs.update().getModelId(), runs.update().getVersion(), runsMix.macroF1());
                } else if (!Double.isNaN(g) && bestWhole.macroF1() < g - settings.personalisedTolerance()) {
                    refusal = String.format("macro-F1 %.4f on the whole validation set is more than the tolerance %.2f "
                            + "below the global %s v%d's %.4f", bestWhole.macroF1(), settings.personalisedTolerance(), task,
                            global.update().getVersion(), g);
                }
                previous = runsMix == null ? null : runsMix.macroF1();
                cand = refusal == null
                        ? new ClassificationMetrics(candMix.accuracy(), candMix.macroF1(), bestWhole.samples(), candMix.perClassF1())
                        : bestWhole;
            } else {
                cand = evaluate(student, val, c);
                double baseline = Double.NEGATIVE_INFINITY;
                String baselineWhat = "";
                if (current != null) {
                    previous = evaluateLive(current, set.getClasses(), null).macroF1();
                    baseline = previous + settings.minImprovement();
                    baselineWhat = "live " + modelId + " v" + current.update().getVersion();
                } else if (cohort != null && live.containsKey(task)) {
                    previous = evaluateLive(live.get(task), set.getClasses(), null).macroF1();
                    baseline = previous - settings.personalisedTolerance();
                    baselineWhat = "global live " + task + " v" + live.get(task).update().getVersion() + " minus tolerance "
                            + settings.personalisedTolerance();
                }
                if (previous != null && (Double.isNaN(cand.macroF1()) || cand.macroF1() < baseline)) {
                    refusal = String.format("macro-F1 %.4f is below %s (%.4f, threshold %.4f)", cand.macroF1(),
                            baselineWhat, previous, baseline);
                }
            }
            if (refusal != null) {
                LOG.info("Refused {} v{}: {}", modelId, nextVersion, refusal);
                return record(entry(modelId, cohort, HistoryEntry.REFUSED, nextVersion, trigger, set, cand, previous,
                        t0, refusal));
            }
            byte[] weights = ModelFormat.write(student);
            String sha = ModelFormat.sha256Hex(weights);
            SignedPayload payload = new SignedPayload(modelId, nextVersion, FORMAT, sha, set.getVersion());
            byte[] sig = signer.sign(payload);
            String specJson = specJsonBySha.getOrDefault(specSha(set, spec), spec.toJson());
            ModelUpdate update = ModelUpdate.newBuilder()
                    .setModelId(modelId)
                    .setTaskId(task)
                    .setCohort(cohort)
                    .setVersion(nextVersion)
                    .setFormat(FORMAT)
                    .setArchitecture(architecture(student))
                    .setWeights(ByteBuffer.wrap(weights))
                    .setSha256(sha)
                    .setSignatureAlgorithm(SignedPayload.ALGORITHM)
                    .setSigningKeyId(signer.keyId())
                    .setSignature(ByteBuffer.wrap(sig))
                    .setSyntheticSetVersion(set.getVersion())
                    .setPreprocessing(specJson)
                    .setClasses(new ArrayList<>(set.getClasses()))
                    .setMetrics(ValidationMetrics.newBuilder().setAccuracy(cand.accuracy()).setMacroF1(cand.macroF1())
                            .setSamples(cand.samples()).setPreviousMacroF1(previous).build())
                    .setCreatedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .build();
            publisher.publish(update);
            live.put(modelId, new Live(update, student, spec, specSha(set, spec)));
            String reason = String.format("macro-F1 %.4f, accuracy %.4f%s%s; %s, %d parameters", cand.macroF1(),
                    cand.accuracy(), previous == null ? " (first model)" : String.format(" vs %.4f", previous),
                    cohortMix == null ? "" : " on the cohort's traffic mix" + variant, architecture(student),
                    student.parameterCount());
            LOG.info("Published {} v{} (set v{}): {}", modelId, nextVersion, set.getVersion(), reason);
            return record(entry(modelId, cohort, HistoryEntry.PUBLISHED, nextVersion, trigger, set, cand, previous, t0,
                    reason));
        } catch (RuntimeException e) {
            LOG.error("Training or publishing {} failed", modelId, e);
            return record(entry(modelId, cohort, HistoryEntry.FAILED, nextVersion, trigger, set, null, null, t0,
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static String architecture(MlpModel model) {
        StringBuilder sb = new StringBuilder("mlp ");
        int[] sizes = model.layerSizes();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.toString();
    }

    private FeatureSpec specFor(SyntheticSet set) {
        FeatureSpec spec = specsBySha.get(set.getPreprocessingSha256());
        return spec != null ? spec : specsBySha.values().iterator().next();
    }

    private String specSha(SyntheticSet set, FeatureSpec spec) {
        String sha = set.getPreprocessingSha256();
        if (sha != null && specsBySha.get(sha) == spec) {
            return sha;
        }
        return ModelFormat.sha256Hex(spec.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** The live model on the validation rows of {@code classes}, reweighted to the class mix {@code mix} (null = as is). */
    private ClassificationMetrics evaluateLive(Live current, List<String> classes, double[] mix) {
        FeatureSpec spec = current.spec();
        if (spec == null) {
            ValidationMetrics vm = current.update().getMetrics();
            return new ClassificationMetrics(vm.getAccuracy(), vm.getMacroF1(), vm.getSamples(), new double[classes.size()]);
        }
        Dataset val = validation(spec, current.specSha(), classes);
        return ClassificationMetrics.weighted(val.y(), current.model().predict(val.x(), val.size()), classes.size(),
                mix == null ? null : rowWeights(val, mix, classes.size()));
    }

    /**
     * Per-class weights that turn the validation set's class mix into {@code mix} (each class's rows together
     * weigh its share of the mix); classes without validation rows get none.
     */
    private static double[] rowWeights(Dataset val, double[] mix, int numClasses) {
        long[] n = new long[numClasses];
        for (int y : val.y()) {
            n[y]++;
        }
        double[] w = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            w[c] = n[c] == 0 ? 0 : mix[c] / n[c];
        }
        return w;
    }

    private static ClassificationMetrics evaluate(MlpModel model, Dataset val, int numClasses) {
        int[] pred = model.predict(val.x(), val.size());
        return ClassificationMetrics.of(val.y(), pred, numClasses);
    }

    private synchronized RawDataset validationRaw() {
        if (validationRaw == null) {
            long t0 = System.nanoTime();
            validationRaw = validationSource.load();
            LOG.info("Validation set loaded: {} rows from {} in {} ms", validationRaw.size(),
                    validationSource.describe(), (System.nanoTime() - t0) / 1_000_000);
        }
        return validationRaw;
    }

    /**
     * Loads the validation rows and warms the tensor engine, so that the first synthetic set does not pay for
     * either; called once at start-up, off the Kafka loop.
     */
    public void warmUp() {
        validationRaw();
        LOG.info("Tensor engine warmed up in {} ms", Engines.warmUp().toMillis());
        publisher.prime();
        // one teacher + student of the real recipe on a set of typical size (9 classes x 10 samples, 64 features),
        // so that the training code is compiled before the first set arrives: the first model is on the round's
        // critical path (round start -> edges run it)
        long t0 = System.nanoTime();
        int c = 9;
        int n = c * 10;
        int d = 64;
        float[] x = new float[n * d];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            y[i] = i % c;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + (j % c == y[i] ? 1 : 0));
            }
        }
        MlpModel teacher = MlpTrainer.train(settings.teacherHidden(), x, n, y, null, c, settings.teacherConfig(1));
        MlpModel student = MlpTrainer.distill(teacher, settings.studentHidden(), x, n, y, settings.studentConfig(2));
        student.predict(x, n);
        LOG.info("Training path warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /** Validation rows under a spec, labels re-indexed to {@code classes} (rows of other classes dropped). */
    private Dataset validation(FeatureSpec spec, String sha, List<String> classes) {
        String key = sha + "|" + String.join(",", classes);
        Dataset cached = validationBySha.get(key);
        if (cached != null) {
            return cached;
        }
        Dataset all = spec.transform(validationRaw());
        int[] map = new int[all.numClasses()];
        for (int cl = 0; cl < map.length; cl++) {
            map[cl] = classes.indexOf(all.classNames().get(cl));
        }
        int keep = 0;
        for (int v : all.y()) {
            if (map[v] >= 0) {
                keep++;
            }
        }
        int d = all.dim();
        float[] x = new float[keep * d];
        int[] y = new int[keep];
        int r = 0;
        for (int i = 0; i < all.size(); i++) {
            int lab = map[all.y()[i]];
            if (lab >= 0) {
                System.arraycopy(all.x(), i * d, x, r * d, d);
                y[r++] = lab;
            }
        }
        Dataset val = new Dataset(x, y, d, classes, all.featureNames());
        validationBySha.put(key, val);
        return val;
    }

    private HistoryEntry entry(String modelId, String cohort, String status, long version, String trigger,
                               SyntheticSet set, ClassificationMetrics m, Double previous, long t0, String reason) {
        return new HistoryEntry(modelId, cohort, status, version, trigger, set.getVersion(),
                m == null ? Double.NaN : m.macroF1(), m == null ? Double.NaN : m.accuracy(), previous,
                m == null ? 0 : m.samples(), reason, (System.nanoTime() - t0) / 1_000_000, Instant.now());
    }

    private HistoryEntry record(HistoryEntry e) {
        counts.computeIfAbsent(e.status(), k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        synchronized (history) {
            history.addLast(e);
            while (history.size() > HISTORY_LIMIT) {
                history.removeFirst();
            }
        }
        return e;
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
