package io.edgedistill.bench.eval;

import io.edgedistill.core.aggregate.GlobalTargets;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.aggregate.Quarantine;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.DirichletPartitioner;
import io.edgedistill.core.data.Splits;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.synth.SynthConfig;
import io.edgedistill.core.synth.DistilledSet;
import io.edgedistill.core.synth.DistilledSetOptimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the methods of the evaluation on one train/test pair (already pre-processed with a feature spec fitted
 * on the training data only). For every repetition the training data are split over the edges by
 * Dirichlet(β), and each method produces a detector that is scored on the same test data:
 * <ul>
 *   <li>{@code pooled}: all training data in one place (upper bound; edges would send their raw data).</li>
 *   <li>{@code random-subset}: IPC random real samples per class from the pooled data.</li>
 *   <li>{@code fedavg-1shot}: each edge trains the same initial model on its data for a few epochs; the cloud
 *       averages the weights once, weighted by the edges' sample counts.</li>
 *   <li>{@code local-distill-merge}: each edge distils its own synthetic set (distribution matching against its
 *       own summary only) and sends it; the cloud concatenates the sets and trains.</li>
 *   <li>{@code collabdm-unweighted}: the reference CollabDM aggregation — plain mean over the edges that hold a
 *       class, no screening — then one distillation in the cloud.</li>
 *   <li>{@code ours}: the same summaries, count-weighted (exact pooled mean) after poisoning screening, then
 *       one distillation in the cloud.</li>
 * </ul>
 * All methods of a repetition share the classifier initialisation seed, the embedding networks and the
 * partition. Bytes per edge are payload bytes (float32 values, 8 per count), headers excluded.
 *
 * <p>The sub-cluster methods ({@code subcluster-prior}, {@code subcluster-prior-teacher}) and {@code shipped}
 * (the updater's recipe, scoring the model the edges run) live in {@link SubclusterMethods} and run on the same
 * partition and classifier seed; they are not in the default {@link #METHODS} and run when named.
 *
 * <p>One class of about 530 lines on purpose: every method compared, and the poisoning trials, run on the same
 * repetition state ({@code Round}: partition, networks, summaries, classifier seed), so they are kept beside it
 * where a reader can check that the comparison is like for like.
 */
public final class Harness {

    public static final String POOLED = "pooled";
    public static final String RANDOM = "random-subset";
    public static final String FEDAVG = "fedavg-1shot";
    /**
     * FedAvg over several rounds ({@link #fedAvgRounds}): each round every edge trains the global model on its rows
     * and uploads it, the cloud averages them weighted by rows. A baseline of the uplink bytes: one model per edge
     * per round.
     */
    public static final String FEDAVG_ROUNDS = "fedavg-rounds";
    /**
     * Each edge trains its own model on its rows (the pooled recipe) and uploads it; scored is the cloud's ensemble
     * of them (class probabilities averaged, weighted by the edges' rows). Ensemble distillation (FedDF, DENSE)
     * distils a student from this ensemble without data, so the ensemble is the reference its student approaches:
     * one model per edge of uplink.
     */
    public static final String ENSEMBLE = "edge-ensemble";
    public static final String LOCAL = "local-distill-merge";
    public static final String COLLAB = "collabdm-unweighted";
    public static final String OURS = "ours";
    /** Ours, but the detector is the product's teacher ({@code core.model.MlpTrainer}, its default recipe). */
    public static final String OURS_CORE = "ours-core-teacher";
    public static final List<String> METHODS = List.of(POOLED, RANDOM, FEDAVG, LOCAL, COLLAB, OURS, OURS_CORE);
    /** Sub-cluster summaries + mixture prior, harness detector on a generated set (see {@link SubclusterMethods}). */
    public static final String SUBCLUSTER = "subcluster-prior";
    /** The same mixture prior, the product's teacher on a small balanced draw. */
    public static final String SUBCLUSTER_TEACHER = "subcluster-prior-teacher";
    /**
     * The model the edges run: the updater's recipe on the mixture (distill-core {@code GeneratedTraining});
     * {@link #SHIPPED_REFINED} is the refined model the updater trains after it when asked to.
     */
    public static final String SHIPPED = "shipped";
    public static final String SHIPPED_REFINED = "shipped-refined";
    /** Every method the harness knows; {@link #METHODS} (the default run) plus the sub-cluster methods. */
    public static final List<String> ALL_METHODS = List.of(POOLED, RANDOM, FEDAVG, LOCAL, COLLAB, OURS, OURS_CORE,
            SUBCLUSTER, SUBCLUSTER_TEACHER, SHIPPED, SHIPPED_REFINED, FEDAVG_ROUNDS, ENSEMBLE);

    /** Settings of one configuration. */
    public record Settings(int edges, double beta, int ipc, long seed, int k, int hidden, int embed,
                           int synthSteps, float synthLr, float secondMomentWeight, int mlpHidden,
                           int fedEpochs, boolean inputMoments, boolean priorCorrection, float inputMomentWeight,
                           float boxSigmas, boolean secondMoments) {
        public static Settings defaults(int edges, double beta, int ipc, long seed) {
            return new Settings(edges, beta, ipc, seed, EmbeddingSpec.DEFAULT_K, EmbeddingSpec.DEFAULT_HIDDEN,
                    EmbeddingSpec.DEFAULT_EMBED, 400, 0.03f, 0.5f, 64, 3, true, true,
                    SynthConfig.DEFAULT_INPUT_MOMENT_WEIGHT, SynthConfig.DEFAULT_BOX_SIGMAS, true);
        }

        public Settings with(int newEdges, double newBeta, int newIpc) {
            return new Settings(newEdges, newBeta, newIpc, seed, k, hidden, embed, synthSteps, synthLr,
                    secondMomentWeight, mlpHidden, fedEpochs, inputMoments, priorCorrection, inputMomentWeight,
                    boxSigmas, secondMoments);
        }
    }

    /** Outcome of one method in one repetition. */
    public record Run(String method, int rep, double macroF1, double accuracy, double[] perClassF1,
                      double bytesPerEdge, double seconds, String note) {

        /** A run scored by {@link Metrics#score}. */
        public Run(String method, int rep, Metrics.Scores sc, double bytesPerEdge, double seconds, String note) {
            this(method, rep, sc.macroF1(), sc.accuracy(), sc.perClassF1(), bytesPerEdge, seconds, note);
        }

        /** Macro-F1 over the classes scored in this run, leaving out {@code excluded} (NaN when none is left). */
        public double macroF1Without(java.util.Set<Integer> excluded) {
            double sum = 0;
            int n = 0;
            for (int c = 0; c < perClassF1.length; c++) {
                if (!excluded.contains(c) && !Double.isNaN(perClassF1[c])) {
                    sum += perClassF1[c];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    private final Dataset train;
    private final Dataset test;
    private final Map<String, Run> cache = new HashMap<>();
    private final SubclusterMethods subclusters;
    private PoisonDetector.Config detectorConfig = PoisonDetector.Config.defaults();
    private double edgeFraction = 1.0;
    private int fedAvgRounds = 3;

    public Harness(Dataset train, Dataset test) {
        this(train, test, null, SubclusterSettings.defaults());
    }

    /**
     * With the feature spec that produced the data (tells the mixture prior the one-hot groups and 0/1 columns;
     * null: inferred from the statistics) and the settings of the sub-cluster methods.
     */
    public Harness(Dataset train, Dataset test, FeatureSpec spec, SubclusterSettings subclusterSettings) {
        if (train.dim() != test.dim() || !train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train and test must share features and classes");
        }
        this.train = train;
        this.test = test;
        this.subclusters = new SubclusterMethods(train, test, spec, subclusterSettings);
    }

    /** Settings of the poisoning screen and the count bound of {@code ours} and the poisoning trials. */
    public void detector(PoisonDetector.Config config) {
        this.detectorConfig = config;
        subclusters.countCap(config.countCap());
    }

    /** Rounds of {@link #FEDAVG_ROUNDS} (default 3). */
    public void fedAvgRounds(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("FedAvg needs at least one round");
        }
        this.fedAvgRounds = rounds;
    }

    /**
     * Each edge summarises only this fraction of its shard (a seeded random subset: a streaming edge's window in an
     * early round; 1 = the whole shard).
     */
    public void edgeFraction(double fraction) {
        this.edgeFraction = fraction;
    }

    /** Markdown rows of the sub-cluster privacy check, when it was switched on. */
    public List<String> privacyRows() {
        return subclusters.privacyRows();
    }

    static long repSeed(long seed, int rep) {
        return seed * 1_000_003L + rep * 7_919L + 17;
    }

    /** Everything an edge holds in one repetition. */
    private final class Round {
        final Settings s;
        final int rep;
        final long rs;
        final int[][] parts;
        final Dataset[] edgeData;
        final EmbeddingNetworks nets;
        final List<SummaryStats> summaries = new ArrayList<>();
        final double summarySeconds;

        Round(Settings s, int rep) {
            this.s = s;
            this.rep = rep;
            this.rs = repSeed(s.seed(), rep);
            int[][] full = new DirichletPartitioner(s.edges(), s.beta(), rs).partition(train.y(), train.numClasses());
            if (edgeFraction < 1) {
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(rs + 11);
                for (int e = 0; e < full.length; e++) {
                    int[] a = full[e].clone();
                    for (int i = a.length - 1; i > 0; i--) {
                        int j = rnd.nextInt(i + 1);
                        int t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                    }
                    int keep = (int) Math.ceil(edgeFraction * a.length);
                    full[e] = java.util.Arrays.stream(a, 0, keep).sorted().toArray();
                }
            }
            this.parts = full;
            this.edgeData = new Dataset[parts.length];
            for (int e = 0; e < parts.length; e++) {
                edgeData[e] = train.subset(parts[e]);
            }
            this.nets = new EmbeddingNetworks(new EmbeddingSpec(rs + 1, s.k(), train.dim(), s.hidden(), s.embed(),
                    Activation.RELU, WeightInit.HE_UNIFORM));
            long t0 = System.nanoTime();
            EdgeSummarizer summarizer = new EdgeSummarizer(nets,
                    new SummaryOptions(s.secondMoments(), s.inputMoments(), null, 8192));
            for (int e = 0; e < parts.length; e++) {
                Dataset d = edgeData[e];
                summaries.add(summarizer.summarize("edge-" + e, rep, d.x(), d.size(), d.y(), d.numClasses()));
            }
            this.summarySeconds = (System.nanoTime() - t0) / 1e9 / parts.length;
        }

        SynthConfig synth() {
            return new SynthConfig(s.ipc(), s.synthSteps(), Math.max(1, s.synthSteps() / 4), s.synthLr(),
                    s.secondMomentWeight(), rs + 2, s.inputMomentWeight(), s.boxSigmas());
        }

        long clfSeed() {
            return rs + 3;
        }

        Distilled ours;

        double meanSummaryBytes() {
            return summaries.stream().mapToLong(SummaryStats::sizeBytes).average().orElse(0);
        }
    }

    /** Runs every method for repetition {@code rep} under {@code s}; pooled and FedAvg results are cached. */
    public List<Run> runRep(Settings s, int rep) {
        return runRep(s, rep, METHODS);
    }

    /** Runs the given methods (a subset of {@link #ALL_METHODS}, in that order) for one repetition. */
    public List<Run> runRep(Settings s, int rep, List<String> methods) {
        List<Run> out = new ArrayList<>();
        if (methods.contains(POOLED)) {
            out.add(pooled(s, rep));
        }
        if (methods.contains(RANDOM)) {
            out.add(randomSubset(s, rep));
        }
        Round round = new Round(s, rep);
        if (methods.contains(FEDAVG)) {
            out.add(fedAvg(round));
        }
        if (methods.contains(FEDAVG_ROUNDS)) {
            out.add(fedAvgRounds(round));
        }
        if (methods.contains(ENSEMBLE)) {
            out.add(edgeEnsemble(round));
        }
        if (methods.contains(LOCAL)) {
            out.add(localDistillMerge(round));
        }
        if (methods.contains(COLLAB)) {
            out.add(distilled(round, COLLAB, GlobalTargets.Weighting.UNWEIGHTED, false, round.summaries));
        }
        if (methods.contains(OURS)) {
            out.add(distilled(round, OURS, GlobalTargets.Weighting.COUNT, true, round.summaries));
        }
        if (methods.contains(OURS_CORE)) {
            out.add(oursCoreTeacher(round));
        }
        if (methods.contains(SUBCLUSTER) || methods.contains(SUBCLUSTER_TEACHER) || methods.contains(SHIPPED)
                || methods.contains(SHIPPED_REFINED)) {
            out.addAll(subclusters.run(round.edgeData, round.rs, round.clfSeed(), s, rep, methods));
        }
        return out;
    }

    private Run pooled(Settings s, int rep) {
        String key = POOLED + ":" + s.seed() + ":" + rep + ":" + s.mlpHidden() + ":" + s.edges();
        return cache.computeIfAbsent(key, k -> {
            long rs = repSeed(s.seed(), rep);
            long t0 = System.nanoTime();
            MlpClassifier m = new MlpClassifier(train.dim(), s.mlpHidden(), train.numClasses(), rs + 3);
            m.train(train.x(), train.y(), train.size(), null, MlpClassifier.TrainConfig.pooled(), rs + 4);
            Metrics.Scores sc = evaluate(m);
            double bytes = (double) train.size() / s.edges() * (train.dim() + 1) * 4.0;
            return new Run(POOLED, rep, sc, bytes, secs(t0), "raw data uploaded");
        });
    }

    private Run randomSubset(Settings s, int rep) {
        long rs = repSeed(s.seed(), rep);
        long t0 = System.nanoTime();
        int[] idx = Splits.randomPerClass(train.y(), train.numClasses(), s.ipc(), rs + 5);
        Dataset sub = train.subset(idx);
        MlpClassifier m = new MlpClassifier(train.dim(), s.mlpHidden(), train.numClasses(), rs + 3);
        m.train(sub.x(), sub.y(), sub.size(), null, MlpClassifier.TrainConfig.small(), rs + 4);
        Metrics.Scores sc = evaluate(m, s.priorCorrection() ? logPrior(countsOf(train.y())) : null);
        double bytes = (double) sub.size() * (train.dim() + 1) * 4.0 / s.edges();
        return new Run(RANDOM, rep, sc, bytes, secs(t0),
                sub.size() + " real samples (privacy: raw records leave the edges)");
    }

    private Run fedAvg(Round r) {
        Settings s = r.s;
        String key = FEDAVG + ":" + s.seed() + ":" + r.rep + ":" + s.edges() + ":" + s.beta() + ":" + s.mlpHidden()
                + ":" + s.fedEpochs();
        return cache.computeIfAbsent(key, k -> {
            long t0 = System.nanoTime();
            MlpClassifier avg = federatedAverage(r, 1);
            return new Run(FEDAVG, r.rep, evaluate(avg), avg.sizeBytes(), secs(t0),
                    s.fedEpochs() + " local epochs, one averaging round");
        });
    }

    private Run fedAvgRounds(Round r) {
        long t0 = System.nanoTime();
        MlpClassifier global = federatedAverage(r, fedAvgRounds);
        return new Run(FEDAVG_ROUNDS, r.rep, evaluate(global), global.sizeBytes(), secs(t0), fedAvgRounds
                + " rounds of " + r.s.fedEpochs() + " local epochs; uplink per edge per round (the bytes column), "
                + fedAvgRounds + " times that in all");
    }

    /**
     * FedAvg from the repetition's initial classifier: each round every edge trains the global model on its rows for
     * the local epochs and the cloud averages the models weighted by rows.
     */
    private MlpClassifier federatedAverage(Round r, int rounds) {
        MlpClassifier global = new MlpClassifier(train.dim(), r.s.mlpHidden(), train.numClasses(), r.clfSeed());
        MlpClassifier.TrainConfig cfg = localTraining(r.s.fedEpochs());
        for (int round = 0; round < rounds; round++) {
            MlpClassifier[] local = new MlpClassifier[r.edgeData.length];
            double[] w = new double[local.length];
            for (int e = 0; e < local.length; e++) {
                Dataset d = r.edgeData[e];
                local[e] = global.copy();
                local[e].train(d.x(), d.y(), d.size(), null, cfg, r.rs + 100 + 1000L * round + e);
                w[e] = d.size();
            }
            global = MlpClassifier.average(local, w);
        }
        return global;
    }

    /** An edge's training of its own model: the pooled recipe for {@code epochs}, at least 50 steps. */
    private static MlpClassifier.TrainConfig localTraining(int epochs) {
        MlpClassifier.TrainConfig base = MlpClassifier.TrainConfig.pooled();
        return new MlpClassifier.TrainConfig(epochs, base.batch(), base.lr(), base.weightDecay(), 50, 0);
    }

    private Run edgeEnsemble(Round r) {
        Settings s = r.s;
        long t0 = System.nanoTime();
        int c = test.numClasses();
        double[] votes = new double[test.size() * c];
        long bytes = 0;
        MlpClassifier.TrainConfig cfg = localTraining(MlpClassifier.TrainConfig.pooled().epochs());
        for (int e = 0; e < r.edgeData.length; e++) {
            Dataset d = r.edgeData[e];
            if (d.size() == 0) {
                continue;
            }
            MlpClassifier local = new MlpClassifier(train.dim(), s.mlpHidden(), c, r.clfSeed());
            local.train(d.x(), d.y(), d.size(), null, cfg, r.rs + 300 + e);
            bytes = local.sizeBytes();
            double[] p = local.probabilities(test.x(), test.size());
            for (int i = 0; i < votes.length; i++) {
                votes[i] += d.size() * p[i];
            }
        }
        int[] pred = new int[test.size()];
        for (int i = 0; i < pred.length; i++) {
            int best = 0;
            for (int cc = 1; cc < c; cc++) {
                best = votes[i * c + cc] > votes[i * c + best] ? cc : best;
            }
            pred[i] = best;
        }
        Metrics.Scores sc = Metrics.score(test.y(), pred, c);
        return new Run(ENSEMBLE, r.rep, sc, bytes, secs(t0), "the edges' own models, probabilities averaged by rows");
    }

    private Run localDistillMerge(Round r) {
        long t0 = System.nanoTime();
        DistilledSetOptimizer opt = new DistilledSetOptimizer(r.nets, r.synth());
        List<DistilledSet> sets = new ArrayList<>();
        double bytes = 0;
        long[] counts = new long[train.numClasses()];
        for (SummaryStats sum : r.summaries) {
            for (int c = 0; c < counts.length; c++) {
                counts[c] += sum.counts()[c];
            }
            bytes += 8.0 * counts.length; // the edge sends its class counts with its set
            GlobalTargets own = GlobalTargets.countWeighted(r.s.k(), train.numClasses(), r.s.embed(), train.dim());
            own.put(sum);
            DistilledSet set = opt.optimise(own.snapshot());
            sets.add(set);
            bytes += set.size() * (train.dim() + 1) * 4.0;
        }
        Merged merged = merge(sets);
        MlpClassifier m = trainOn(r, merged.x, merged.y, merged.n);
        Metrics.Scores sc = evaluate(m, r.s.priorCorrection() ? logPrior(counts) : null);
        return new Run(LOCAL, r.rep, sc, bytes / sets.size(), secs(t0),
                merged.n + " merged synthetic samples");
    }

    private Run distilled(Round r, String name, GlobalTargets.Weighting weighting, boolean screen,
                          List<SummaryStats> summaries) {
        long t0 = System.nanoTime();
        Distilled d = distill(r, weighting, screen, summaries);
        if (name.equals(OURS)) {
            r.ours = d;
        }
        MlpClassifier m = trainOn(r, d.set.x(), d.set.labels(), d.set.size());
        Metrics.Scores sc = evaluate(m, r.s.priorCorrection() ? logPrior(d.counts) : null);
        String note = d.set.size() + " synthetic samples, loss " + String.format(java.util.Locale.ROOT, "%.4g", d.set.loss())
                + (screen ? ", quarantined " + d.quarantined.size() : "");
        return new Run(name, r.rep, sc, r.meanSummaryBytes(), secs(t0) + r.summarySeconds,
                note);
    }

    private record Distilled(DistilledSet set, List<Quarantine> quarantined, long[] counts) {
    }

    /** The synthetic set of {@code ours} (recomputed when ours did not run), detector from core MlpTrainer. */
    private Run oursCoreTeacher(Round r) {
        long t0 = System.nanoTime();
        Distilled d = r.ours != null ? r.ours : distill(r, GlobalTargets.Weighting.COUNT, true, r.summaries);
        MlpModel teacher = MlpTrainer.train(
                new int[]{r.s.mlpHidden()}, d.set.x(), d.set.size(), d.set.labels(), null, train.numClasses(),
                TrainConfig.teacher(r.clfSeed()));
        float[] logits = teacher.logits(test.x(), test.size());
        double[] bias = r.s.priorCorrection() ? logPrior(d.counts) : null;
        int c = train.numClasses();
        Metrics.Scores sc = Metrics.score(test.y(), argmax(logits, test.size(), c, bias), c);
        return new Run(OURS_CORE, r.rep, sc, r.meanSummaryBytes(),
                secs(t0) + (r.ours != null ? 0 : r.summarySeconds), "core MlpTrainer teacher recipe on the same set");
    }

    private Distilled distill(Round r, GlobalTargets.Weighting weighting, boolean screen, List<SummaryStats> summaries) {
        List<SummaryStats> use = summaries;
        List<Quarantine> q = List.of();
        if (screen) {
            PoisonDetector.Result res = new PoisonDetector(detectorConfig).screen(summaries);
            use = res.accepted();
            q = res.quarantined();
        }
        GlobalTargets targets = new GlobalTargets(r.s.k(), train.numClasses(), r.s.embed(), train.dim(), weighting, 1.0,
                detectorConfig.countCap());
        for (SummaryStats s : use) {
            targets.put(s);
        }
        TargetSnapshot snap = targets.snapshot();
        // the prior correction uses the class weights the cloud aggregated (= the summed counts, bounded when the
        // count bound is on), so an inflated count cannot move the prior more than the targets
        long[] counts = new long[train.numClasses()];
        if (weighting == GlobalTargets.Weighting.COUNT) {
            for (int c = 0; c < counts.length; c++) {
                counts[c] = Math.round(snap.classWeights()[c]);
            }
        } else {
            for (SummaryStats s : use) {
                for (int c = 0; c < counts.length; c++) {
                    counts[c] += s.counts()[c];
                }
            }
        }
        DistilledSet set = new DistilledSetOptimizer(r.nets, r.synth()).optimise(snap);
        return new Distilled(set, q, counts);
    }

    private MlpClassifier trainOn(Round r, float[] x, int[] y, int n) {
        MlpClassifier m = new MlpClassifier(train.dim(), r.s.mlpHidden(), train.numClasses(), r.clfSeed());
        m.train(x, y, n, null, MlpClassifier.TrainConfig.small(), r.clfSeed() + 1);
        return m;
    }

    private record Merged(float[] x, int[] y, int n) {
    }

    private Merged merge(List<DistilledSet> sets) {
        int n = 0;
        for (DistilledSet s : sets) {
            n += s.size();
        }
        int d = train.dim();
        float[] x = new float[n * d];
        int[] y = new int[n];
        int off = 0;
        for (DistilledSet s : sets) {
            System.arraycopy(s.x(), 0, x, off * d, s.size() * d);
            System.arraycopy(s.labels(), 0, y, off, s.size());
            off += s.size();
        }
        return new Merged(x, y, n);
    }

    private Metrics.Scores evaluate(MlpClassifier m) {
        return evaluate(m, null);
    }

    private Metrics.Scores evaluate(MlpClassifier m, double[] logitBias) {
        int[] pred = m.predict(test.x(), test.size(), logitBias);
        return Metrics.score(test.y(), pred, test.numClasses());
    }

    private static long[] countsOf(int[] y) {
        long[] c = new long[y.length == 0 ? 0 : java.util.Arrays.stream(y).max().getAsInt() + 1];
        for (int v : y) {
            c[v]++;
        }
        return c;
    }

    /**
     * Post-hoc logit adjustment (Menon et al., ICLR 2021) for detectors trained on class-balanced sets: add the
     * log of the global class prior, known to the cloud from the counts it receives. Null when all counts are 0.
     */
    private double[] logPrior(long[] counts) {
        return logPrior(counts, train.numClasses());
    }

    /** Class of the largest logit + bias (null: no bias) of each of n rows; ties to the lower class. */
    static int[] argmax(float[] logits, int n, int c, double[] bias) {
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bv = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                double v = logits[i * c + k] + (bias == null ? 0 : bias[k]);
                if (v > bv) {
                    bv = v;
                    best = k;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    /** {@link #logPrior(long[])} for {@code numClasses} classes. */
    static double[] logPrior(long[] counts, int numClasses) {
        double tot = 0;
        for (long c : counts) {
            tot += c;
        }
        if (tot == 0) {
            return null;
        }
        double[] b = new double[numClasses];
        for (int c = 0; c < b.length; c++) {
            long n = c < counts.length ? counts[c] : 0;
            b[c] = Math.log(Math.max(n, 0.5) / tot);
        }
        return b;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    // ------------------------------------------------------------------------------------------------
    // poisoning

    /**
     * Attacks of the poisoning experiment: label flip, scaled means, inflated counts (honest content, counts ×
     * factor) and a label flip with inflated counts.
     */
    public enum Attack { FLIP, SCALE, INFLATE, FLIP_INFLATE }

    /** Honest edges quarantined in one honest round, and how often the count bound bound. */
    public record HonestScreen(int edges, List<Quarantine> quarantined, int cappedCells, int heldCells,
                               List<Long> quarantinedCounts) {
    }

    /** Screens the summaries of a round without attacker (false quarantines of honest edges). */
    public HonestScreen honestScreen(Settings s, int rep) {
        Round r = new Round(s, rep);
        PoisonDetector.Result res = new PoisonDetector(detectorConfig).screen(r.summaries);
        double cap = io.edgedistill.core.aggregate.CountBound.cap(r.summaries, detectorConfig.countCap());
        int capped = 0;
        int held = 0;
        for (SummaryStats sum : r.summaries) {
            for (long n : sum.counts()) {
                held += n > 0 ? 1 : 0;
                capped += n > cap ? 1 : 0;
            }
        }
        List<Long> qc = new ArrayList<>();
        for (Quarantine qq : res.quarantined()) {
            qc.add(r.summaries.stream().filter(x -> x.edgeId().equals(qq.edgeId())).findFirst()
                    .map(x -> x.counts()[qq.classIndex()]).orElse(-1L));
        }
        return new HonestScreen(s.edges(), res.quarantined(), capped, held, qc);
    }

    /** Outcome of one poisoning trial. */
    public record PoisonTrial(int trial, String attacker, boolean caught, int falsePositives, double cleanF1,
                              double defendedF1, double undefendedF1, String reason) {
    }

    /**
     * One trial: a clean round; then one edge (chosen by seed) replaces its summary by a label-flipped
     * (labels shifted by one class) or scaled (means ×{@code scale}, second moments ×scale²) summary. Reports
     * whether the detector quarantined the attacker, how many honest edges it quarantined, and the macro-F1
     * of ours on clean summaries, on attacked summaries with screening, and count-weighted without screening.
     */
    public PoisonTrial poisonTrial(Settings s, int trial, Attack attack, double scale, boolean scoreF1) {
        Round r = new Round(s, trial);
        int bad = new java.util.SplittableRandom(r.rs + 9).nextInt(s.edges());
        SummaryStats honest = r.summaries.get(bad);
        SummaryStats poisoned;
        if (attack == Attack.FLIP || attack == Attack.FLIP_INFLATE) {
            Dataset d = r.edgeData[bad];
            int[] flipped = new int[d.size()];
            for (int i = 0; i < flipped.length; i++) {
                flipped[i] = (d.y()[i] + 1) % d.numClasses();
            }
            poisoned = new EdgeSummarizer(r.nets, new SummaryOptions(s.secondMoments(), s.inputMoments(), null, 8192))
                    .summarize(honest.edgeId(), honest.roundId(), d.x(), d.size(), flipped, d.numClasses());
            if (attack == Attack.FLIP_INFLATE) {
                poisoned = inflated(poisoned, scale);
            }
        } else if (attack == Attack.INFLATE) {
            poisoned = inflated(honest, scale);
        } else {
            poisoned = scaled(honest, scale);
        }
        List<SummaryStats> attacked = new ArrayList<>(r.summaries);
        attacked.set(bad, poisoned);
        PoisonDetector.Result res = new PoisonDetector(detectorConfig).screen(attacked);
        Set<String> q = new HashSet<>();
        String reason = "";
        for (Quarantine qq : res.quarantined()) {
            q.add(qq.edgeId());
            if (qq.edgeId().equals(honest.edgeId())) {
                reason = qq.reason();
            }
        }
        boolean caught = q.contains(honest.edgeId());
        int fp = q.size() - (caught ? 1 : 0);
        double clean = Double.NaN;
        double defended = Double.NaN;
        double undefended = Double.NaN;
        if (scoreF1) {
            // inflated counts: the reference is the honest edges alone (the attacker's honest rows are not owed)
            List<SummaryStats> reference = r.summaries;
            if (attack == Attack.INFLATE || attack == Attack.FLIP_INFLATE) {
                reference = new ArrayList<>(r.summaries);
                reference.remove(bad);
            }
            clean = f1Of(r, distill(r, GlobalTargets.Weighting.COUNT, true, reference));
            defended = f1Of(r, distill(r, GlobalTargets.Weighting.COUNT, true, attacked));
            undefended = f1Of(r, distill(r, GlobalTargets.Weighting.COUNT, false, attacked));
        }
        return new PoisonTrial(trial, honest.edgeId(), caught, fp, clean, defended, undefended, reason);
    }

    private double f1Of(Round r, Distilled d) {
        return evaluate(trainOn(r, d.set.x(), d.set.labels(), d.set.size()),
                r.s.priorCorrection() ? logPrior(d.counts) : null).macroF1();
    }

    private static SummaryStats inflated(SummaryStats s, double f) {
        long[] n = s.counts().clone();
        for (int c = 0; c < n.length; c++) {
            n[c] = Math.round(n[c] * f);
        }
        return new SummaryStats(s.edgeId(), s.roundId(), s.kind(), s.k(), s.numClasses(), s.embedDim(), s.dIn(),
                n, s.means(), s.secondMoments(), s.inputMeans(), s.inputSecondMoments(), s.privacy());
    }

    private static SummaryStats scaled(SummaryStats s, double f) {
        float[] m = s.means().clone();
        for (int i = 0; i < m.length; i++) {
            m[i] *= (float) f;
        }
        float[] q = null;
        if (s.secondMoments() != null) {
            q = s.secondMoments().clone();
            for (int i = 0; i < q.length; i++) {
                q[i] *= (float) (f * f);
            }
        }
        return new SummaryStats(s.edgeId(), s.roundId(), s.kind(), s.k(), s.numClasses(), s.embedDim(), s.dIn(),
                s.counts(), m, q, s.inputMeans(), s.inputSecondMoments(), s.privacy());
    }
}
