package io.edgedistill.bench.eval;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.personal.CohortOffer;
import io.edgedistill.core.personal.DriftRule;
import io.edgedistill.core.personal.CohortTraining;
import io.edgedistill.core.personal.HardSampleKnowledge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reverse distillation on the product's path (issue 14). The training rows are split into the fleet's share (80 %)
 * and a reserve (20 %). The fleet's edges (Dirichlet β) send sub-cluster summaries; the cloud pools them as the
 * processor does and trains the global student with the updater's recipe. Then one more edge's traffic drifts: it
 * holds rows drawn from the reserve, changed by the scenario, 70 % of them labelled for knowledge and 30 % held out to
 * judge models.
 * <ul>
 *   <li>{@link Scenario#MIX}, a class-mix shift: the drifted edge sees benign traffic and a seeded third of the attack
 *       classes, in seeded Dirichlet(1) proportions (as many rows of each as the reserve holds);</li>
 *   <li>{@link Scenario#FEATURE}, a feature shift within known classes (a new tool variant, a capture point that
 *       misses part of a flow): the two attack classes the edge holds most of move, on a seeded half of the
 *       real-valued columns, to the values of the class nearest to them (their class mean shifts by the difference
 *       of the two class means on those columns);</li>
 *   <li>{@link Scenario#NOVEL}, a class the fleet has never seen: a seeded attack class is taken out of every fleet
 *       edge's rows (the global model never learns it) and the drifted edge holds it.</li>
 * </ul>
 * The edge computes knowledge v2 ({@link HardSampleKnowledge}) with the global student; the cloud fine-tunes the global
 * student for it ({@link CohortTraining}, the code the updater runs). Reported on the edge's hold-out: the global
 * model, the personalised one, the personalised one without the knowledge's sub-clusters (the fleet's mixture in the
 * edge's class mix only), and the reference that needs no cloud: the global student fine-tuned on the edge's own
 * labelled rows with the same optimiser, its epochs ({@link #LOCAL_EPOCHS}) chosen on a fifth of those rows. The
 * personalised model and the ablation are adapted to the edge's class mix as the updater adapts them. The gates of the
 * product decide what the edge runs ({@link CohortOffer}, the updater's code): the updater offers the personalised
 * model if it is within its tolerance of the global model on the cloud's validation rows (the test rows here)
 * reweighted to the edge's mix and, before the adaptation, on the rows as they are, else the global model adapted to
 * the edge's mix under the same rule; the edge takes the offer only if it gains on its hold-out.
 */
final class DriftExperiment {
    enum Scenario { MIX, FEATURE, NOVEL }

    static final double RESERVE = 0.2;
    static final double HOLD_OUT = 0.3;
    static final int DRIFTED_ROWS = 4000;
    /** The edge's default {@code edge.knowledge.confidence}: rows predicted with a lower top probability are unsure. */
    static final float CONFIDENCE_THRESHOLD = 0.6f;
    /** Reserve rows a class needs to be the novel one (so that the drifted edge holds enough of it to learn from). */
    static final int NOVEL_MIN_ROWS = 100;

    /** One trial's figures. */
    record Trial(Scenario scenario, int trial, String what, double globalF1, double personalisedF1, double mixOnlyF1,
                 double localF1, double fleetF1, double personalisedFleetF1, boolean offered, boolean accepted,
                 long knowledgeBytes, int hardRows, int labelledRows, int knowledgeRows, double cloudSeconds,
                 Adoption adoption, double offerF1, boolean offerIsGlobalOnMix, Detection detection) {
        /** What the edge runs after the round: the updater's offer if it passed the updater's gate and the edge's. */
        double runsF1() {
            return accepted ? offerF1 : globalF1;
        }

        double gain() {
            return personalisedF1 - globalF1;
        }

        double localGain() {
            return localF1 - globalF1;
        }
    }

    /**
     * Whether the edge would notice ({@link DriftRule} with the edge's default trigger, no floor): the global model's
     * reading on the drifted edge's rows against its reading on the edge's traffic before the drift (as many reserve
     * rows in the data's own mix, without the novel class); and, as a false-alarm count, the same rule between two
     * halves of every fleet edge's rows (no drift).
     *
     * @param reason       why the rule fired on the drifted edge; null when it did not
     * @param falseAlarms  fleet edges on which the rule fired between the two halves of their rows
     * @param honestChecks fleet edges checked
     */
    record Detection(String reason, int falseAlarms, int honestChecks) {
        /** Which reading showed the drift: "macro-F1", "confidence", "class recall", or "-". */
        String by() {
            if (reason == null) {
                return "-";
            }
            return reason.startsWith("macro-F1") ? "macro-F1" : reason.startsWith("mean confidence") ? "confidence"
                    : "class recall";
        }
    }

    /**
     * The global model adopting the drifted edge's novel class (as an operator's approval or corroborating edges would
     * make the updater do): macro-F1 on the test rows of the other classes (what the fleet's edges see) and on all test
     * rows, before and after; the drifted edge's hold-out under the adopted global model.
     */
    record Adoption(double othersBefore, double othersAfter, double allBefore, double allAfter, double driftedHoldOut) {
    }

    private final Dataset train;
    private final Dataset test;
    private final ColumnLayout layout;
    private final int benign;
    private final SubclusterSettings settings;
    private final CohortTraining.Settings cohort;
    private final double countCap;
    private final double tolerance;
    private final double minGain;
    private final float confidence;

    /**
     * @param tolerance the updater's gate ({@code updater.training.personalised-tolerance}): a personalised model is
     *                  offered only if its macro-F1 on the cloud's validation rows (here the test rows) is at most this
     *                  much below the global model's
     * @param minGain   the edge's gate ({@code personalised-min-gain}): it runs the offer only if it beats the running
     *                  model on its hold-out by this much
     * @param confidence the edge's {@code edge.knowledge.confidence}: rows it predicts with a lower top probability
     *                   are unsure and go into the knowledge with its mistakes (above 1: every row does)
     */
    DriftExperiment(Dataset train, Dataset test, ColumnLayout layout, int benign, SubclusterSettings settings,
                    CohortTraining.Settings cohort, double countCap, double tolerance, double minGain, float confidence) {
        this.confidence = confidence;
        this.tolerance = tolerance;
        this.minGain = minGain;
        this.train = train;
        this.test = test;
        this.layout = layout;
        this.benign = benign;
        this.settings = settings;
        this.cohort = cohort;
        this.countCap = countCap;
    }

    Trial trial(Harness.Settings s, int trial, Scenario scenario) {
        long rs = Harness.repSeed(s.seed(), trial);
        SplittableRandom rng = new SplittableRandom(rs + 41);
        int[] order = shuffled(train.size(), rng);
        int reserveSize = (int) Math.round(train.size() * RESERVE);
        Dataset reserve = train.subset(Arrays.copyOfRange(order, 0, reserveSize));
        Dataset fleetRows = train.subset(Arrays.copyOfRange(order, reserveSize, order.length));
        int novel = -1;
        if (scenario == Scenario.NOVEL) {
            novel = novelClass(reserve, rng);
            fleetRows = without(fleetRows, novel);
        }
        // the fleet and its global model, as the processor and the updater build them
        Dataset[] fleetEdges = SubclusterMethods.partition(fleetRows, s, rs);
        List<SubClusterSummary> summaries = SubclusterMethods.summaries(fleetEdges, settings, rs);
        List<SubClusterSummary> kept = SubclusterMethods.processorMixture(summaries, countCap, benign);
        MixturePrior fleet = MixturePrior.pool(kept, layout, MixtureOptions.defaults());
        MlpModel global = GeneratedTraining.train(fleet, fleet.counts(), SubclusterMethods.TEACHER_HIDDEN,
                new int[] {s.mlpHidden()}, settings.shipped(), rs + 9).student();
        // the drifted edge's rows
        Drifted dr = drifted(reserve, scenario, novel, rng);
        int[] split = shuffled(dr.rows().size(), rng);
        int held = (int) Math.round(dr.rows().size() * HOLD_OUT);
        Dataset holdOut = dr.rows().subset(Arrays.copyOfRange(split, 0, held));
        Dataset local = dr.rows().subset(Arrays.copyOfRange(split, held, split.length));
        // the edge's knowledge under the deployed (global) model
        int c = train.numClasses();
        float[] proba = global.predictProba(local.x(), local.size());
        int[] pred = new int[local.size()];
        float[] conf = new float[local.size()];
        for (int i = 0; i < local.size(); i++) {
            for (int k = 0; k < c; k++) {
                if (proba[i * c + k] > proba[i * c + pred[i]]) {
                    pred[i] = k;
                }
            }
            conf[i] = proba[i * c + pred[i]];
        }
        HardSampleKnowledge k = HardSampleKnowledge.of("drifted", local.x(), local.y(), pred, conf, c,
                confidence, options(rs + 300));
        MixturePrior knowledge = k.hard().subClusterCount() == 0 ? null
                : MixturePrior.pool(List.of(k.hard()), layout, MixtureOptions.defaults());
        // the cloud's personalised model, and the ablation without the knowledge's sub-clusters
        long t0 = System.nanoTime();
        CohortTraining.Result personalised = CohortTraining.train(global, fleet, knowledge, k.classTotals(),
                k.hardShares(), cohort, rs + 500);
        double cloudSeconds = (System.nanoTime() - t0) / 1e9;
        CohortTraining.Result mixOnly = CohortTraining.train(global, fleet, null, k.classTotals(), k.hardShares(),
                cohort, rs + 500);
        // the reference without a cloud: the same fine-tune on the edge's own labelled rows, its epochs chosen on a
        // fifth of them
        MlpModel localModel = localFineTune(global, local, rs + 503);
        long hard = Arrays.stream(k.hardCounts()).sum();
        // what the updater offers (CandidateDecider, through CohortOffer): the candidate adapted to the edge's class mix
        // if the personalisation rule lets it through, else the global model adapted to it; the edge then takes the
        // offer only if it gains on its hold-out
        double[] mix = CohortOffer.mix(k.classTotals());
        CohortOffer.Candidate candidate = candidate(personalised);
        double fleetGlobal = f1(global, test);
        double globalOnMixRef = CohortOffer.onMix(global, test, mix).macroF1();
        CohortOffer.Offer<java.util.Optional<String>> offer = CohortOffer.firstOffered(List.of(candidate,
                        new CohortOffer.Candidate(global, Arrays.stream(fleet.counts()).asDoubleStream().toArray())),
                test, mix, (onMix, whole) -> CohortOffer.refusal(onMix.macroF1(), whole.macroF1(), globalOnMixRef,
                        "global", fleetGlobal, "global", tolerance), java.util.Optional::isEmpty);
        double globalHold = f1(global, holdOut);
        double offerHold = f1(offer.model(), holdOut);
        double fleetOffer = offer.whole().macroF1();
        boolean offered = offer.verdict().isEmpty();
        boolean accepted = offered && offerHold >= globalHold + minGain;
        Adoption adoption = novel < 0 ? null : adopt(s, rs, kept, k.hard(), novel, global, holdOut);
        return new Trial(scenario, trial, dr.what(), globalHold, f1(adapted(candidate, mix), holdOut),
                f1(adapted(candidate(mixOnly), mix), holdOut), f1(localModel, holdOut), fleetGlobal, fleetOffer, offered, accepted,
                k.sizeBytes(), (int) hard, local.size(), personalised.rows().fromKnowledge(), cloudSeconds, adoption,
                offerHold, offer.index() == 1, detection(global, reserve, novel, dr.rows(), fleetEdges, rs));
    }

    private static Detection detection(MlpModel global, Dataset reserve, int novel, Dataset drifted, Dataset[] fleetEdges,
                                       long rs) {
        Dataset before = reserve.subset(Arrays.copyOf(shuffled(reserve.size(), new SplittableRandom(rs + 700)),
                Math.min(DRIFTED_ROWS, reserve.size())));
        if (novel >= 0) {
            before = without(before, novel);
        }
        String reason = DriftRule.drift(reading(global, before), reading(global, drifted), 0, DriftRule.Trigger.DEFAULT,
                drifted.classNames()::get).orElse(null);
        int alarms = 0;
        int checks = 0;
        for (int e = 0; e < fleetEdges.length; e++) {
            Dataset rows = fleetEdges[e];
            if (rows.size() < 2) {
                continue;
            }
            int[] perm = shuffled(rows.size(), new SplittableRandom(rs + 710 + e));
            int half = rows.size() / 2;
            Dataset a = rows.subset(Arrays.copyOfRange(perm, 0, half));
            Dataset b = rows.subset(Arrays.copyOfRange(perm, half, rows.size()));
            checks++;
            alarms += DriftRule.drift(reading(global, a), reading(global, b), 0, DriftRule.Trigger.DEFAULT,
                    c -> "").isPresent() ? 1 : 0;
        }
        return new Detection(reason, alarms, checks);
    }

    /** The reading an edge takes of its model on its window ({@link DriftRule.Reading}). */
    private static DriftRule.Reading reading(MlpModel m, Dataset d) {
        int c = m.numClasses();
        float[] proba = m.predictProba(d.x(), d.size());
        int[] pred = m.predict(d.x(), d.size());
        return DriftRule.Reading.of(io.edgedistill.core.model.ClassificationMetrics.of(d.y(), pred, c),
                DriftRule.meanConfidence(proba, d.size(), c), d.y(), pred);
    }

    /** A cohort fine-tune and the rows per class it was trained on, as the updater offers it. */
    private static CohortOffer.Candidate candidate(CohortTraining.Result r) {
        return new CohortOffer.Candidate(r.model(), CohortOffer.classCounts(r.rows().set().y(), r.rows().set().size(),
                r.model().numClasses()));
    }

    private static MlpModel adapted(CohortOffer.Candidate c, double[] mix) {
        return CohortOffer.withClassPrior(c.network(), c.trainCounts(), mix);
    }

    /** The global model retrained with the knowledge's sub-clusters of the novel class added to the fleet's mixture. */
    private Adoption adopt(Harness.Settings s, long rs, List<SubClusterSummary> kept, SubClusterSummary hard, int novel,
                           MlpModel global, Dataset holdOut) {
        List<io.edgedistill.core.mixture.ClassSubClusters> only = new ArrayList<>();
        for (io.edgedistill.core.mixture.ClassSubClusters cc : hard.classes()) {
            only.add(cc.classId() == novel ? cc : new io.edgedistill.core.mixture.ClassSubClusters(cc.classId(), 0, List.of()));
        }
        List<SubClusterSummary> withNovelty = new ArrayList<>(kept);
        withNovelty.add(new SubClusterSummary("drifted", hard.numClasses(), hard.dim(), hard.kMin(), only));
        MixturePrior prior = MixturePrior.pool(withNovelty, layout, MixtureOptions.defaults());
        MlpModel adopted = GeneratedTraining.train(prior, prior.counts(), SubclusterMethods.TEACHER_HIDDEN,
                new int[] {s.mlpHidden()}, settings.shipped(), rs + 9).student();
        Dataset others = without(test, novel);
        // the other edges hold no row of the novel class: scored as their gate scores, over the classes they hold (a row
        // called the novel class is a miss of its own class)
        return new Adoption(f1(global, others), f1(adopted, others), tableF1(global, test), tableF1(adopted, test),
                f1(adopted, holdOut));
    }

    /** Epoch counts the local fine-tune chooses among (on a validation fifth of the edge's labelled rows). */
    static final int[] LOCAL_EPOCHS = {5, 10, 20, 40};

    private MlpModel localFineTune(MlpModel global, Dataset local, long seed) {
        int[] perm = shuffled(local.size(), new SplittableRandom(seed));
        int val = local.size() / 5;
        Dataset v = local.subset(Arrays.copyOfRange(perm, 0, val));
        Dataset t = local.subset(Arrays.copyOfRange(perm, val, perm.length));
        int bestEpochs = LOCAL_EPOCHS[0];
        double best = -1;
        for (int e : LOCAL_EPOCHS) {
            double f = f1(MlpTrainer.fineTune(global, t.x(), t.size(), t.y(), localConfig(e, seed)), v);
            if (f > best) {
                best = f;
                bestEpochs = e;
            }
        }
        return MlpTrainer.fineTune(global, local.x(), local.size(), local.y(), localConfig(bestEpochs, seed));
    }

    private io.edgedistill.core.model.TrainConfig localConfig(int epochs, long seed) {
        return new io.edgedistill.core.model.TrainConfig(epochs, cohort.batchSize(), cohort.learningRate(),
                cohort.weightDecay(), 1f, 0f, seed);
    }

    private SubClusterOptions options(long seed) {
        return new SubClusterOptions(settings.maxClusters(), settings.kMin(), seed, SubClusterOptions.DEFAULT_MAX_ITERATIONS);
    }

    /** Macro-F1 as the edge's gate computes it: over the classes present in its labelled rows. */
    private static double f1(MlpModel m, Dataset d) {
        return io.edgedistill.core.model.ClassificationMetrics.of(d.y(), m.predict(d.x(), d.size()), d.numClasses()).macroF1();
    }

    /** Macro-F1 as the quality tables compute it (classes in the truth or the predictions). */
    private static double tableF1(MlpModel m, Dataset d) {
        return Metrics.score(d.y(), m.predict(d.x(), d.size()), d.numClasses()).macroF1();
    }

    private record Drifted(Dataset rows, String what) {
    }

    private Drifted drifted(Dataset reserve, Scenario scenario, int novel, SplittableRandom rng) {
        int n = Math.min(DRIFTED_ROWS, reserve.size());
        int c = reserve.numClasses();
        return switch (scenario) {
            case MIX -> {
                // benign (when the data names it) and a seeded third of the attack classes, in Dirichlet(1) proportions
                List<Integer> attacks = new ArrayList<>();
                for (int k = 0; k < c; k++) {
                    if (k != benign && reserve.indicesOf(k).length >= settings.kMin()) {
                        attacks.add(k);
                    }
                }
                java.util.Collections.shuffle(attacks, new java.util.Random(rng.nextLong()));
                List<Integer> held = new ArrayList<>(attacks.subList(0, Math.max(1, attacks.size() / 3)));
                if (benign >= 0) {
                    held.add(0, benign);
                }
                double[] w = new double[c];
                double sum = 0;
                for (int k : held) {
                    w[k] = -Math.log(1 - rng.nextDouble()); // Dirichlet(1): normalised exponentials
                    sum += w[k];
                }
                List<Integer> rows = new ArrayList<>();
                for (int k : held) {
                    int[] idx = reserve.indicesOf(k);
                    int take = Math.min(idx.length, (int) Math.round(n * w[k] / sum));
                    int[] perm = shuffled(idx.length, rng);
                    for (int i = 0; i < take; i++) {
                        rows.add(idx[perm[i]]);
                    }
                }
                Dataset d = reserve.subset(rows.stream().mapToInt(Integer::intValue).toArray());
                int[] got = d.classCounts();
                StringBuilder mix = new StringBuilder("mix");
                for (int k : held) {
                    mix.append(String.format(Locale.ROOT, " %s %.0f%%", d.classNames().get(k), 100.0 * got[k] / d.size()));
                }
                yield new Drifted(d, mix.toString());
            }
            case NOVEL -> new Drifted(reserve.subset(Arrays.copyOf(shuffled(reserve.size(), rng), n)),
                    "novel class " + reserve.classNames().get(novel));
            case FEATURE -> {
                Dataset d = reserve.subset(Arrays.copyOf(shuffled(reserve.size(), rng), n));
                yield shifted(d, rng);
            }
        };
    }

    /** The two attack classes the edge holds most of, moved on half the real-valued columns to their nearest class. */
    private Drifted shifted(Dataset d, SplittableRandom rng) {
        int c = d.numClasses();
        int dim = d.dim();
        double[][] mean = classMeans(train);
        int[] counts = d.classCounts();
        Integer[] byCount = new Integer[c];
        for (int k = 0; k < c; k++) {
            byCount[k] = k;
        }
        Arrays.sort(byCount, (a, b) -> Integer.compare(counts[b], counts[a]));
        List<Integer> numeric = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            if (!layout.binary()[j]) {
                numeric.add(j);
            }
        }
        float[] x = d.x().clone();
        StringBuilder what = new StringBuilder("shifted:");
        int moved = 0;
        for (int k : byCount) {
            if (moved == 2 || counts[k] < settings.kMin()) {
                break;
            }
            if (k == benign || mean[k] == null) {
                continue;
            }
            int near = -1;
            double best = Double.MAX_VALUE;
            for (int o = 0; o < c; o++) {
                if (o != k && mean[o] != null) {
                    double dist = 0;
                    for (int j : numeric) {
                        dist += (mean[o][j] - mean[k][j]) * (mean[o][j] - mean[k][j]);
                    }
                    if (dist < best) {
                        best = dist;
                        near = o;
                    }
                }
            }
            int[] perm = shuffled(numeric.size(), rng);
            int[] cols = new int[Math.max(1, numeric.size() / 2)];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = numeric.get(perm[i]);
            }
            for (int i = 0; i < d.size(); i++) {
                if (d.y()[i] == k) {
                    for (int j : cols) {
                        x[i * dim + j] += (float) (mean[near][j] - mean[k][j]);
                    }
                }
            }
            what.append(' ').append(d.classNames().get(k)).append(" → ").append(d.classNames().get(near));
            moved++;
        }
        return new Drifted(new Dataset(x, d.y().clone(), dim, d.classNames(), d.featureNames()), what.toString());
    }

    private static double[][] classMeans(Dataset d) {
        int c = d.numClasses();
        int dim = d.dim();
        double[][] m = new double[c][];
        int[] counts = d.classCounts();
        for (int i = 0; i < d.size(); i++) {
            int k = d.y()[i];
            if (m[k] == null) {
                m[k] = new double[dim];
            }
            for (int j = 0; j < dim; j++) {
                m[k][j] += d.x()[i * dim + j] / (double) counts[k];
            }
        }
        return m;
    }

    private int novelClass(Dataset reserve, SplittableRandom rng) {
        int[] counts = reserve.classCounts();
        List<Integer> eligible = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            if (k != benign && counts[k] >= NOVEL_MIN_ROWS) {
                eligible.add(k);
            }
        }
        if (eligible.isEmpty()) {
            throw new IllegalStateException("no attack class has " + NOVEL_MIN_ROWS + " reserve rows to be the novel one");
        }
        return eligible.get(rng.nextInt(eligible.size()));
    }

    private static Dataset without(Dataset d, int c) {
        return d.subset(java.util.stream.IntStream.range(0, d.size()).filter(i -> d.y()[i] != c).toArray());
    }

    private static int[] shuffled(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
