package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.PrivacyReport;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.mapping.FloatLists;
import io.edgedistill.schemas.mapping.RoundSpecs;
import io.edgedistill.schemas.mapping.SubClusterMapping;

/**
 * Answers a round (docs/design.md §3.2): builds the round's K embedding networks from (seed, k), preprocesses the
 * local window with the round's spec, summarises it per class (DP when the round asks) and maps the result
 * to the Avro contract. Classes are matched by name between the spec and the round's class list.
 */
public final class SummaryAnswerer {
    private SummaryAnswerer() {
    }

    /** Local rows under the round's preprocessing, with labels in the round's class indexing. */
    public record Prepared(float[] x, int n, int[] labels, int numClasses) {
    }

    public static Prepared prepare(LocalData data, RoundSpec round) {
        Dataset ds = data.preprocessed(round.getPreprocessing().getJson());
        int d = ds.dim();
        if (d != round.getNetwork().getInputDim()) {
            throw new IllegalArgumentException("round " + round.getRoundId() + " declares inputDim "
                    + round.getNetwork().getInputDim() + " but its preprocessing spec yields " + d);
        }
        List<String> classes = round.getClasses();
        int[] map = new int[ds.numClasses()];
        for (int c = 0; c < map.length; c++) {
            map[c] = classes.indexOf(ds.classNames().get(c));
        }
        int keep = 0;
        for (int y : ds.y()) {
            if (map[y] >= 0) {
                keep++;
            }
        }
        float[] x = new float[keep * d];
        int[] labels = new int[keep];
        int r = 0;
        for (int i = 0; i < ds.size(); i++) {
            int lab = map[ds.y()[i]];
            if (lab >= 0) {
                System.arraycopy(ds.x(), i * d, x, r * d, d);
                labels[r++] = lab;
            }
        }
        return new Prepared(x, keep, labels, classes.size());
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Once per JVM: builds seeded networks of a typical size and summarises random rows with them, so that the
     * first round's answer does not pay for compiling the generator, the batched kernel and the moment code.
     */
    public static void warmUp() {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        int n = 2048;
        int d = 64;
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) r.nextGaussian();
            }
        }
        EdgeSummarizer summarizer = new EdgeSummarizer(new EmbeddingNetworks(new EmbeddingSpec(1, 8, d, 64,
                32, Activation.RELU, WeightInit.HE_UNIFORM)),
                new SummaryOptions(true, true, null, 8192));
        summarizer.summarize("warm-up", 0, x, n, y, 4);
    }

    /** Summarizer of the round's networks with the round's options. */
    public static EdgeSummarizer summarizer(RoundSpec round) {
        return new EdgeSummarizer(new EmbeddingNetworks(RoundSpecs.embeddingSpec(round)),
                RoundSpecs.summaryOptions(round));
    }

    /**
     * The edge's summary of its local window for the round. When the round asks for sub-clusters (summary v2),
     * every class also carries its sub-cluster statistics, and a class with fewer rows than the round's floor
     * k_min is sent as its count only: no embedding means, no input statistics (a class of one row would
     * otherwise ship that row).
     */
    public static EdgeSummary answer(String edgeId, LocalData data, RoundSpec round) {
        Prepared p = prepare(data, round);
        SummaryStats s = summarizer(round).summarize(edgeId, round.getRoundId(), p.x(), p.n(), p.labels(), p.numClasses());
        Optional<SubClusterOptions> v2 = RoundSpecs.subClusterOptions(round);
        SubClusterSummary clusters = v2.map(o -> new SubClusterer(o).summarize(edgeId, p.x(), p.labels(), p.numClasses()))
                .orElse(null);
        List<ClassSummary> classes = new ArrayList<>();
        for (int c = 0; c < s.numClasses(); c++) {
            if (s.counts()[c] <= 0) {
                continue;
            }
            if (clusters != null && !clusters.classes().get(c).hasMoments()) {
                classes.add(ClassSummary.newBuilder().setClassIndex(c).setCount(s.counts()[c]).setMeans(List.of())
                        .build());
                continue;
            }
            classes.add(ClassSummary.newBuilder()
                    .setClassIndex(c)
                    .setCount(s.counts()[c])
                    .setMeans(FloatLists.of(s.classVector(c)))
                    .setSecondMoments(s.secondMoments() == null ? null : FloatLists.of(s.classSecondMoments(c)))
                    .setInputMean(s.inputMeans() == null ? null : FloatLists.of(slice(s.inputMeans(), c, s.dIn())))
                    .setInputVar(s.inputMeans() == null ? null : FloatLists.of(variance(s, c)))
                    .setSubClusters(clusters == null ? null : SubClusterMapping.toWire(clusters.classes().get(c)))
                    .build());
        }
        return EdgeSummary.newBuilder()
                .setEdgeId(edgeId)
                .setTaskId(round.getTaskId())
                .setRoundId(round.getRoundId())
                .setWindowStart(data.windowStart())
                .setWindowEnd(data.windowEnd())
                .setNumNetworks(s.k())
                .setEmbedDim(s.embedDim())
                .setClasses(classes)
                .setPrivacy(privacy(s))
                .setProducedAt(Instant.now())
                .build();
    }

    /** Knowledge classes (reverse distillation) from a knowledge summary plus per-class totals. */
    static List<KnowledgeClass> knowledgeClasses(SummaryStats s, long[] misclassified, long[] totals) {
        List<KnowledgeClass> out = new ArrayList<>();
        for (int c = 0; c < s.numClasses(); c++) {
            if (s.counts()[c] <= 0) {
                continue;
            }
            out.add(KnowledgeClass.newBuilder()
                    .setClassIndex(c)
                    .setCount(s.counts()[c])
                    .setMisclassified(misclassified[c])
                    .setTotal(totals[c])
                    .setMeans(FloatLists.of(s.classVector(c)))
                    .setSecondMoments(s.secondMoments() == null ? null : FloatLists.of(s.classSecondMoments(c)))
                    .setInputMean(s.inputMeans() == null ? null : FloatLists.of(slice(s.inputMeans(), c, s.dIn())))
                    .setInputVar(s.inputMeans() == null ? null : FloatLists.of(variance(s, c)))
                    .build());
        }
        return out;
    }

    static PrivacyReport privacy(SummaryStats s) {
        if (s.privacy() == null) {
            return null;
        }
        var p = s.privacy();
        return PrivacyReport.newBuilder().setEpsilon(p.epsilon()).setDelta(p.delta()).setNoiseStd(p.sigmaSums())
                .setClipNorm((float) p.clipNorm()).build();
    }

    private static float[] slice(float[] a, int c, int d) {
        float[] out = new float[d];
        System.arraycopy(a, c * d, out, 0, d);
        return out;
    }

    private static float[] variance(SummaryStats s, int c) {
        int d = s.dIn();
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
            float m = s.inputMeans()[c * d + j];
            float q = s.inputSecondMoments() == null ? m * m : s.inputSecondMoments()[c * d + j];
            v[j] = Math.max(0f, q - m * m);
        }
        return v;
    }


}
