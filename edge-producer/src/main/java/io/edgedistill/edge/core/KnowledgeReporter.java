package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.personal.DriftRule;
import io.edgedistill.core.personal.HardSampleKnowledge;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.mapping.RoundSpecs;
import io.edgedistill.schemas.mapping.SubClusterMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverse distillation (docs/design.md §3.5), the edge's way of telling the cloud where the global model fails on its
 * traffic: when its {@link DriftWatch} sees drift (the live model's local macro-F1, mean confidence or one class's
 * recall fell below its reference by a set amount, or the macro-F1 is under the absolute floor
 * {@code knowledgeThreshold}), it sends
 * knowledge on only the samples the model misclassifies or is unsure of. Raw rows never leave the edge, and hold-out rows ({@link LabelledRows#heldOut})
 * are never part of it, so that the edge can still judge a personalised model trained on this knowledge.
 *
 * <p>Evaluated once per (model version, data window, round): re-evaluating the same triple would only repeat
 * the same knowledge. Thread-safe.
 */
final class KnowledgeReporter {
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeReporter.class);

    private final EdgeSettings settings;
    private final ModelSlot slot;
    private final Supplier<LocalData> data;
    private final LongSupplier dataGeneration;
    private final Supplier<RoundSpec> latestRound;
    private final EdgeOutput out;
    private final DriftWatch drift;
    private final AtomicLong sent = new AtomicLong();
    private volatile String lastKnowledgeKey = "";
    private volatile ClassificationMetrics lastEvaluation;
    private volatile DriftWatch.Detected lastDrift;

    /** @param driftReference where the drift reference is kept across restarts ({@link DriftWatch}); null = memory */
    KnowledgeReporter(EdgeSettings settings, ModelSlot slot, Supplier<LocalData> data, LongSupplier dataGeneration,
                      Supplier<RoundSpec> latestRound, EdgeOutput out, java.nio.file.Path driftReference) {
        this.settings = settings;
        this.slot = slot;
        this.data = data;
        this.dataGeneration = dataGeneration;
        this.latestRound = latestRound;
        this.out = out;
        this.drift = new DriftWatch(settings, driftReference);
    }

    /** The live model's accuracy and macro-F1 on the local labelled window (empty without a model). */
    Optional<ClassificationMetrics> evaluateLocal() {
        DeployedModel m = slot.live();
        if (m == null) {
            return Optional.empty();
        }
        Optional<ClassificationMetrics> cm = m.evaluate(data.get());
        cm.ifPresent(c -> lastEvaluation = c);
        return cm;
    }

    /** Evaluates the live model and sends knowledge if it underperforms; empty when nothing was sent. */
    Optional<EdgeKnowledge> maybeSend() {
        DeployedModel m = slot.live();
        RoundSpec round = latestRound.get();
        if (m == null || round == null) {
            return Optional.empty();
        }
        String key = m.modelId() + "@" + m.version() + "|data" + dataGeneration.getAsLong() + "|round" + round.getRoundId();
        if (key.equals(lastKnowledgeKey)) {
            return Optional.empty();
        }
        LocalData d = data.get();
        LabelledRows l = LabelledRows.of(m, d);
        if (l.n() == 0) {
            return Optional.empty();
        }
        // the model's class probabilities for every local row, once: the labelled rows' predictions, the mean
        // confidence (every row, no labels needed) and the hard rows' confidence all read them
        Dataset window = d.preprocessed(m.specJson());
        int c = m.classes().size();
        float[] proba = m.model().predictProba(window.x(), window.size());
        int[] pred = predict(proba, l, c);
        ClassificationMetrics cm = ClassificationMetrics.of(l.y(), pred, c);
        lastEvaluation = cm;
        DriftRule.Reading reading = DriftRule.Reading.of(cm, DriftRule.meanConfidence(proba, window.size(), c), l.y(),
                pred);
        Optional<String> drifted = drift.drift(m.modelId() + "@" + m.version(), reading, m.classes()::get);
        if (drifted.isEmpty()) {
            lastKnowledgeKey = key;
            LOG.info("[{}] {} holds locally (macro-F1 {}, accuracy {}, mean confidence {}): no knowledge sent",
                    settings.edgeId(), m, fmt(cm.macroF1()), fmt(cm.accuracy()), fmt(reading.confidence()));
            return Optional.empty();
        }
        HardSamples hard = hardSamples(m, round, d, l, pred, proba);
        EdgeKnowledge k = knowledge(m, round, d, hard, cm);
        out.knowledge(k);
        lastKnowledgeKey = key; // once sent: a failure above evaluates the same model, window and round again
        sent.incrementAndGet();
        lastDrift = new DriftWatch.Detected(drifted.get(), reading);
        LOG.info("[{}] drift under {} ({}): sent knowledge on {} hard samples in {} classes", settings.edgeId(), m,
                drifted.get(), hard.n(), k.getClasses().size());
        return Optional.of(k);
    }

    /** The live model's drift reference on this edge, once it has one ({@link DriftWatch}). */
    Optional<DriftRule.Reading> driftReference() {
        DeployedModel m = slot.live();
        return m == null ? Optional.empty() : drift.reference(m.modelId() + "@" + m.version());
    }

    /** The labelled rows' predictions, from the class probabilities of every local row ({@code proba}). */
    private static int[] predict(float[] proba, LabelledRows l, int c) {
        int[] pred = new int[l.n()];
        for (int i = 0; i < l.n(); i++) {
            pred[i] = ClassProbabilities.argmax(proba, l.rows()[i], c);
        }
        return pred;
    }

    /**
     * What the knowledge is made of, under the round's preprocessing with labels in the round's class indexing: the
     * hard samples (for the embedding statistics of knowledge v1), knowledge v2 ({@link HardSampleKnowledge}: the
     * confusion matrix, class totals and the hard samples' sub-clusters) over the labelled rows outside the hold-out,
     * and the class totals over all labelled rows (the edge's traffic mix).
     */
    private record HardSamples(EdgeSummarizer summarizer, float[] x, int[] y, int n, long[] totals,
                               HardSampleKnowledge v2) {
    }

    /** @param proba the live model's class probabilities for every local row */
    private HardSamples hardSamples(DeployedModel m, RoundSpec round, LocalData d, LabelledRows l, int[] pred,
                                    float[] proba) {
        EdgeSummarizer summarizer = SummaryAnswerer.summarizer(round);
        List<String> roundClasses = round.getClasses();
        int[] modelToRound = new int[m.classes().size()];
        for (int j = 0; j < modelToRound.length; j++) {
            modelToRound[j] = roundClasses.indexOf(m.classes().get(j));
        }
        long[] totals = new long[roundClasses.size()];
        for (int i = 0; i < l.n(); i++) {
            if (modelToRound[l.y()[i]] >= 0) {
                totals[modelToRound[l.y()[i]]]++;
            }
        }
        int mc = m.classes().size();
        // the rows knowledge is computed on: labelled, outside the hold-out (it judges personalised models), of a class
        // the round knows (a prediction the round does not know is a mistake: -1)
        int[] keep = java.util.stream.IntStream.range(0, l.n())
                .filter(i -> modelToRound[l.y()[i]] >= 0 && !LabelledRows.heldOut(l.rows()[i]))
                .toArray();
        Dataset roundView = d.preprocessed(round.getPreprocessing().getJson());
        int dim = roundView.dim();
        float[] xs = new float[keep.length * dim];
        int[] ys = new int[keep.length];
        int[] ps = new int[keep.length];
        float[] conf = new float[keep.length];
        for (int r = 0; r < keep.length; r++) {
            int i = keep[r];
            System.arraycopy(roundView.x(), l.rows()[i] * dim, xs, r * dim, dim);
            ys[r] = modelToRound[l.y()[i]];
            ps[r] = modelToRound[pred[i]];
            conf[r] = proba[l.rows()[i] * mc + pred[i]];
        }
        HardSampleKnowledge v2 = keep.length == 0 ? null : HardSampleKnowledge.of(settings.edgeId(), xs, ys, ps, conf,
                roundClasses.size(), settings.confidenceThreshold(), RoundSpecs.subClusterOptions(round).orElse(null));
        int[] hard = HardSampleKnowledge.hardRows(ys, ps, conf, settings.confidenceThreshold());
        float[] hx = new float[hard.length * dim];
        int[] hy = new int[hard.length];
        for (int h = 0; h < hard.length; h++) {
            System.arraycopy(xs, hard[h] * dim, hx, h * dim, dim);
            hy[h] = ys[hard[h]];
        }
        return new HardSamples(summarizer, hx, hy, hard.length, totals, v2);
    }

    private EdgeKnowledge knowledge(DeployedModel m, RoundSpec round, LocalData d, HardSamples hard, ClassificationMetrics cm) {
        int c = hard.totals().length;
        SummaryStats ks = hard.summarizer().summarize(settings.edgeId(), round.getRoundId(),
                SummaryKind.KNOWLEDGE, hard.x(), hard.n(), hard.y(), c);
        HardSampleKnowledge v2 = hard.v2();
        long[] wrong = new long[c];
        long[] summarised = new long[c];
        List<List<Long>> confusion = new ArrayList<>();
        boolean dp = round.getPrivacy() != null && round.getPrivacy().getEnabled();
        if (v2 != null) {
            for (int t = 0; t < c; t++) {
                summarised[t] = v2.classTotals()[t];
                wrong[t] = summarised[t] - v2.confusion()[t][t];
                if (!dp) { // under differential privacy only the (noised) statistics leave the edge, not exact counts
                    confusion.add(Arrays.stream(v2.confusion()[t]).boxed().toList());
                }
            }
        }
        List<KnowledgeClass> classes = SummaryAnswerer.knowledgeClasses(ks, wrong, summarised);
        if (v2 != null) {
            for (KnowledgeClass kc : classes) {
                kc.setSubClusters(SubClusterMapping.hardToWire(v2.hard().classes().get(kc.getClassIndex())));
            }
        }
        return EdgeKnowledge.newBuilder()
                .setEdgeId(settings.edgeId())
                .setTaskId(settings.taskId())
                .setRoundId(round.getRoundId())
                .setModelId(m.modelId())
                .setModelVersion(m.version())
                .setWindowStart(d.windowStart())
                .setWindowEnd(d.windowEnd())
                .setNumNetworks(ks.k())
                .setEmbedDim(ks.embedDim())
                .setConfidenceThreshold(settings.confidenceThreshold())
                .setClasses(classes)
                .setLocalAccuracy(cm.accuracy())
                .setLocalMacroF1(cm.macroF1())
                .setProducedAt(Instant.now())
                .setConfusion(confusion)
                .setClassTotals(Arrays.stream(hard.totals()).boxed().toList())
                .build();
    }

    private static String fmt(double v) {
        return String.format("%.3f", v);
    }

    Optional<ClassificationMetrics> lastEvaluation() {
        return Optional.ofNullable(lastEvaluation);
    }

    /** The drift that last sent knowledge, if any did. */
    Optional<DriftWatch.Detected> lastDrift() {
        return Optional.ofNullable(lastDrift);
    }

    long sent() {
        return sent.get();
    }
}
