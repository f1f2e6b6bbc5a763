package io.edgedistill.bench.eval;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.aggregate.CountBound;
import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The backdoor experiment of issue 15, on the product's path (sub-cluster summaries, the cloud's mixture, the
 * updater's recipe, the student the edges run): one edge of the fleet (the one holding the most attack rows: the
 * strongest attacker the partition offers) stamps a trigger on a share p of its attack rows, relabels them benign and
 * summarises honestly. The trigger stays within the features' normal ranges: one category of a one-hot group that
 * occurs in benign traffic, plus one real-valued column set to a value benign rows take.
 * <ul>
 *   <li>{@link Variant#RARE}: the rarest category of the largest one-hot group that benign rows use, and a seeded
 *       real-valued column at the benign rows' 90th percentile;</li>
 *   <li>{@link Variant#OPTIMISED}: the attacker knows the summary and the cloud's recipe and picks, among every
 *       category benign rows use (rare in its own attack rows, so it still works as a trigger) and every real-valued
 *       column at the benign 10th/50th/90th percentile, the trigger that moves its benign class's sub-cluster
 *       statistics least (the distance of the stamped rows' mean to its benign mean, in fleet standard deviations).</li>
 *   <li>{@link Variant#HIDDEN}: the rare trigger, but the attacker writes its own summary so that the stamped rows
 *       form no sub-cluster of their own: each joins the honest benign sub-cluster nearest to it (counts, means and
 *       variances stay exact for the rows each claims, so every consistency check the processor makes still
 *       holds).</li>
 *   <li>{@link Variant#MOVED}, sub-cluster poisoning without a trigger: the attacker sends honest rows but moves three of
 *       its benign sub-clusters onto its largest attack class (that class's mean and variance) and shifts its other
 *       benign sub-clusters so that the benign class mean stays what its rows give, the consistency the processor
 *       checks. Success is then the share of that attack class's clean test rows the model calls benign.</li>
 * </ul>
 * Attack success is the share of triggered test attack rows the model calls benign, minus the same share for the
 * model of the honest edges alone (the clean reference). Clean macro-F1 is compared with that reference too.
 */
final class BackdoorExperiment {
    enum Variant { RARE, OPTIMISED, HIDDEN, MOVED }

    /** A trigger: one column of a one-hot group set (the group's other columns cleared), one column set to a value. */
    record Trigger(int[] group, int category, int column, float value, String text) {
        void stamp(float[] x, int row, int d) {
            for (int j : group) {
                x[row * d + j] = 0f;
            }
            x[row * d + category] = 1f;
            x[row * d + column] = value;
        }
    }

    /** One trial. */
    record Trial(int trial, String attacker, int stamped, String trigger, boolean caught, boolean quarantined,
                 int falseFlags, int falseComponents, int flaggedComponents, double cleanF1, double defendedF1, double undefendedF1, double cleanRate,
                 double defendedRate, double undefendedRate, String reason) {
        double successUndefended() {
            return undefendedRate - cleanRate;
        }

        double successDefended() {
            return defendedRate - cleanRate;
        }
    }

    /** One count-inflation trial: macro-F1 of the honest edges alone, and with the attacker bounded and unbounded. */
    record Inflation(int trial, String attacker, double factor, String content, boolean caught, double cleanF1,
                     double boundedF1, double unboundedF1, double cleanRate, double boundedRate, double unboundedRate) {
    }

    /** Honest edges flagged in one honest round. */
    record Honest(int edges, int quarantinedEdges, int flaggedEdges, int flaggedComponents, List<String> reasons) {
    }

    private final Dataset train;
    private final Dataset test;
    private final ColumnLayout layout;
    private final int benign;
    private final SubclusterSettings settings;
    private final BackdoorScreen screen;
    private final double countCap;
    /** Properties of the training rows the triggers are chosen from, computed once. */
    private final double[] std;
    private final int[] numeric;
    private final double[] benignFreq;
    private final java.util.Map<Integer, float[]> sortedBenign = new java.util.HashMap<>();

    /**
     * @param countCap the count bound's factor ({@code CountBound}), applied before the screen and the pooling as the
     *                 processor does
     */
    BackdoorExperiment(Dataset train, Dataset test, ColumnLayout layout, int benign, SubclusterSettings settings,
                       BackdoorScreen.Config screen, double countCap) {
        this.countCap = countCap;
        this.train = train;
        this.test = test;
        this.layout = layout;
        this.benign = benign;
        this.settings = settings;
        this.screen = new BackdoorScreen(screen);
        this.std = columnStd();
        this.numeric = numericColumns();
        this.benignFreq = benignFrequencies();
    }

    private Dataset[] partition(Harness.Settings s, long rs) {
        return SubclusterMethods.partition(train, s, rs);
    }

    private List<SubClusterSummary> summaries(Dataset[] edges, long rs) {
        return SubclusterMethods.summaries(edges, settings, rs);
    }

    /** The backdoor screen on an honest fleet: how many honest edges it flags. */
    Honest honest(Harness.Settings s, int rep) {
        long rs = Harness.repSeed(s.seed(), rep);
        BackdoorScreen.Decision dec = screen.decide(CountBound.bounded(summaries(partition(s, rs), rs), countCap));
        List<BackdoorScreen.Flag> flags = new ArrayList<>(dec.leftOut());
        dec.quarantined().values().forEach(flags::addAll);
        return new Honest(s.edges(), dec.quarantined().size(), BackdoorScreen.edges(flags).size(), flags.size(),
                flags.stream().map(f -> f.edgeId() + ": " + f.reason()).toList());
    }

    /** One seeded trial at poison share {@code p} of the attacker's attack rows. */
    Trial trial(Harness.Settings s, int trial, double p, Variant variant) {
        long rs = Harness.repSeed(s.seed(), trial);
        Dataset[] edges = partition(s, rs);
        int bad = strongestAttacker(edges);
        Trigger trigger = variant == Variant.OPTIMISED ? optimisedTrigger(edges[bad]) : rareTrigger(rs);
        Dataset[] attacked = edges.clone();
        if (variant != Variant.MOVED) {
            attacked[bad] = stamped(edges[bad], trigger, p, rs);
        }
        int stamp = variant == Variant.MOVED ? 0 : (int) Math.round(p * attackIndices(edges[bad]).length);
        List<SubClusterSummary> all = new ArrayList<>(summaries(attacked, rs));
        String attacker = "edge-" + bad;
        Dataset target = null;
        String what = trigger.text();
        if (variant == Variant.MOVED) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).edgeId().equals(attacker)) {
                    int[] movedTo = new int[1];
                    all.set(i, moved(all.get(i), 3, movedTo));
                    target = test.subset(test.indicesOf(movedTo[0]));
                    what = "3 benign sub-clusters moved onto " + train.classNames().get(movedTo[0]);
                }
            }
        }
        if (variant == Variant.HIDDEN) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).edgeId().equals(attacker)) {
                    all.set(i, hidden(edges[bad], attacked[bad], all.get(i), rs));
                }
            }
        }
        BackdoorScreen.Decision dec = screen.decide(CountBound.bounded(all, countCap));
        List<BackdoorScreen.Flag> flags = new ArrayList<>(dec.leftOut());
        dec.quarantined().values().forEach(flags::addAll);
        String diag = diagnostics(all, attacker);
        Set<String> flagged = BackdoorScreen.edges(flags);
        Set<String> quarantined = dec.quarantined().keySet();
        boolean caught = flagged.contains(attacker);
        int falseFlags = quarantined.size() - (quarantined.contains(attacker) ? 1 : 0);
        int falseComponents = (int) flags.stream().filter(f -> !f.edgeId().equals(attacker)).count();
        String reason = flags.stream().filter(f -> f.edgeId().equals(attacker)).findFirst()
                .map(BackdoorScreen.Flag::reason).orElse("");
        String falseReasons = String.join("; ", flags.stream().filter(f -> !f.edgeId().equals(attacker))
                .map(f -> f.edgeId() + " " + f.reason()).toList());
        List<SubClusterSummary> honestOnly = all.stream().filter(q -> !q.edgeId().equals(attacker)).toList();
        List<SubClusterSummary> defended = dec.kept(all);
        Dataset triggered = target != null ? target : triggeredTest(trigger);
        double[] clean = score(CountBound.bounded(honestOnly, countCap), triggered, rs);
        double[] undef = score(CountBound.bounded(all, countCap), triggered, rs);
        double[] def = flagged.isEmpty() ? undef : score(CountBound.bounded(defended, countCap), triggered, rs);
        return new Trial(trial, attacker, stamp, what, caught, quarantined.contains(attacker), falseFlags,
                falseComponents, flags.size(), clean[0], def[0],
                undef[0], clean[1], def[1], undef[1], reason + " | " + diag + (falseReasons.isEmpty() ? "" : " | FALSE: " + falseReasons));
    }

    /** The largest margin (best other class − own, nats per column) of the attacker's and of the honest components. */
    String diagnostics(List<SubClusterSummary> all, String attacker) {
        BackdoorScreen.Scores sc = screen.score(CountBound.bounded(all, countCap));
        double[] best = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        String[] what = {"", ""};
        for (BackdoorScreen.Component c : sc.components()) {
            double own = c.score()[c.classId()];
            if (screen.config().judgedClass() >= 0 && c.classId() != screen.config().judgedClass()) {
                continue;
            }
            for (int k = 0; k < c.score().length; k++) {
                if (k == c.classId() || Double.isNaN(c.score()[k]) || Double.isNaN(own)) {
                    continue;
                }
                double m = c.score()[k] - own;
                int i = c.edgeId().equals(attacker) ? 0 : 1;
                if (m > best[i]) {
                    best[i] = m;
                    what[i] = String.format(Locale.ROOT, "%s c%d->%d n%d score %.2f typical %.2f", c.edgeId(),
                            c.classId(), k, c.count(), c.score()[k], sc.typical()[k]);
                }
            }
        }
        return String.format(Locale.ROOT, "attacker max margin %.2f (%s); honest max margin %.2f (%s)", best[0],
                what[0], best[1], what[1]);
    }

    /**
     * One count-inflation trial: the attacker (the edge with the most attack rows) multiplies every count it sends by
     * {@code factor}; its content is honest, or carries a backdoor on a share {@code backdoorP} of its attack rows
     * (rare trigger). The shipped path runs the screen and pools with the count bound, and without it.
     */
    Inflation inflation(Harness.Settings s, int trial, double factor, double backdoorP) {
        long rs = Harness.repSeed(s.seed(), trial);
        Dataset[] edges = partition(s, rs);
        int bad = strongestAttacker(edges);
        Trigger trigger = rareTrigger(rs);
        Dataset[] attacked = edges.clone();
        if (backdoorP > 0) {
            attacked[bad] = stamped(edges[bad], trigger, backdoorP, rs);
        }
        List<SubClusterSummary> all = new ArrayList<>(summaries(attacked, rs));
        String attacker = "edge-" + bad;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).edgeId().equals(attacker)) {
                all.set(i, inflated(all.get(i), factor));
            }
        }
        List<SubClusterSummary> honestOnly = all.stream().filter(q -> !q.edgeId().equals(attacker)).toList();
        Dataset triggered = triggeredTest(trigger);
        double[] clean = score(CountBound.bounded(honestOnly, countCap), triggered, rs);
        BackdoorScreen.Decision dec = screen.decide(CountBound.bounded(all, countCap));
        double[] withBound = score(CountBound.bounded(dec.kept(all), countCap), triggered, rs);
        double[] without = score(screen.decide(all).kept(all), triggered, rs);
        boolean caught = dec.quarantined().containsKey(attacker)
                || dec.leftOut().stream().anyMatch(f -> f.edgeId().equals(attacker));
        return new Inflation(trial, attacker, factor, backdoorP > 0 ? "backdoor " + backdoorP : "honest", caught, clean[0], withBound[0], without[0], clean[1], withBound[1], without[1]);
    }

    /**
     * The attacker's summary with its benign class rewritten: the honest benign rows clustered as usual, and every
     * stamped row added to the honest benign sub-cluster whose mean is nearest (exact counts, means and variances).
     */
    private SubClusterSummary hidden(Dataset honest, Dataset attacked, SubClusterSummary sent, long rs) {
        SubClusterSummary own = new SubClusterer(new SubClusterOptions(settings.maxClusters(), settings.kMin(),
                rs + 500, SubClusterOptions.DEFAULT_MAX_ITERATIONS)).summarize(sent.edgeId(), honest.x(), honest.y(),
                honest.numClasses());
        ClassSubClusters b = own.classes().get(benign);
        if (!b.hasMoments()) {
            return sent;
        }
        int d = honest.dim();
        int m = b.clusters().size();
        double[] n = new double[m];
        double[][] sum = new double[m][d];
        double[][] sq = new double[m][d];
        for (int k = 0; k < m; k++) {
            SubCluster c = b.clusters().get(k);
            n[k] = c.count();
            for (int j = 0; j < d; j++) {
                sum[k][j] = c.count() * (double) c.mean()[j];
                sq[k][j] = c.count() * ((double) c.variance()[j] + (double) c.mean()[j] * c.mean()[j]);
            }
        }
        for (int i = 0; i < attacked.size(); i++) {
            if (attacked.y()[i] != benign || honest.y()[i] == benign) {
                continue;
            }
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < m; k++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double t = attacked.get(i, j) - b.clusters().get(k).mean()[j];
                    dist += t * t;
                }
                if (dist < bestD) {
                    bestD = dist;
                    best = k;
                }
            }
            n[best]++;
            for (int j = 0; j < d; j++) {
                double v = attacked.get(i, j);
                sum[best][j] += v;
                sq[best][j] += v * v;
            }
        }
        List<SubCluster> ks = new ArrayList<>();
        long total = 0;
        for (int k = 0; k < m; k++) {
            float[] mean = new float[d];
            float[] var = new float[d];
            for (int j = 0; j < d; j++) {
                double mu = sum[k][j] / n[k];
                mean[j] = (float) mu;
                var[j] = (float) Math.max(sq[k][j] / n[k] - mu * mu, 0);
            }
            ks.add(new SubCluster((long) n[k], mean, var));
            total += (long) n[k];
        }
        List<ClassSubClusters> classes = new ArrayList<>(sent.classes());
        classes.set(benign, new ClassSubClusters(benign, total, ks));
        return new SubClusterSummary(sent.edgeId(), sent.numClasses(), sent.dim(), sent.kMin(), classes);
    }

    /**
     * The summary with {@code m} of its benign sub-clusters (the smallest) moved onto its largest attack class with
     * moments (that class's count-weighted mean and within-class variance) and the other benign sub-clusters shifted
     * so that the benign class mean is unchanged. {@code movedTo[0]} receives the attack class.
     */
    private SubClusterSummary moved(SubClusterSummary s, int m, int[] movedTo) {
        ClassSubClusters b = s.classes().get(benign);
        int target = -1;
        for (ClassSubClusters c : s.classes()) {
            if (c.classId() != benign && c.hasMoments() && (target < 0 || c.count() > s.classes().get(target).count())) {
                target = c.classId();
            }
        }
        movedTo[0] = target;
        if (target < 0 || b.clusters().size() <= m) {
            return s;
        }
        int d = s.dim();
        ClassSubClusters a = s.classes().get(target);
        double[] mean = new double[d];
        double[] second = new double[d];
        for (SubCluster k : a.clusters()) {
            for (int j = 0; j < d; j++) {
                mean[j] += k.count() * (double) k.mean()[j] / a.count();
                second[j] += k.count() * ((double) k.variance()[j] + (double) k.mean()[j] * k.mean()[j]) / a.count();
            }
        }
        float[] am = new float[d];
        float[] av = new float[d];
        for (int j = 0; j < d; j++) {
            am[j] = (float) mean[j];
            av[j] = (float) Math.max(second[j] - mean[j] * mean[j], 0);
        }
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < b.clusters().size(); k++) {
            order.add(k);
        }
        order.sort((x, y) -> Long.compare(b.clusters().get(x).count(), b.clusters().get(y).count()));
        java.util.Set<Integer> move = new java.util.HashSet<>(order.subList(0, m));
        double[] shift = new double[d];
        long rest = 0;
        for (int k = 0; k < b.clusters().size(); k++) {
            SubCluster c = b.clusters().get(k);
            if (move.contains(k)) {
                for (int j = 0; j < d; j++) {
                    shift[j] -= c.count() * ((double) am[j] - c.mean()[j]);
                }
            } else {
                rest += c.count();
            }
        }
        List<SubCluster> ks = new ArrayList<>();
        for (int k = 0; k < b.clusters().size(); k++) {
            SubCluster c = b.clusters().get(k);
            if (move.contains(k)) {
                ks.add(new SubCluster(c.count(), am.clone(), av.clone()));
            } else {
                float[] mu = new float[d];
                for (int j = 0; j < d; j++) {
                    mu[j] = (float) (c.mean()[j] + shift[j] / rest);
                }
                ks.add(new SubCluster(c.count(), mu, c.variance()));
            }
        }
        List<ClassSubClusters> classes = new ArrayList<>(s.classes());
        classes.set(benign, new ClassSubClusters(benign, b.count(), ks));
        return new SubClusterSummary(s.edgeId(), s.numClasses(), s.dim(), s.kMin(), classes);
    }

    private static SubClusterSummary inflated(SubClusterSummary s, double factor) {
        List<ClassSubClusters> out = new ArrayList<>();
        for (ClassSubClusters c : s.classes()) {
            List<SubCluster> ks = new ArrayList<>();
            for (SubCluster k : c.clusters()) {
                ks.add(new SubCluster(Math.round(k.count() * factor), k.mean(), k.variance()));
            }
            long n = ks.isEmpty() ? Math.round(c.count() * factor) : ks.stream().mapToLong(SubCluster::count).sum();
            out.add(new ClassSubClusters(c.classId(), n, ks));
        }
        return new SubClusterSummary(s.edgeId(), s.numClasses(), s.dim(), s.kMin(), out);
    }

    private int strongestAttacker(Dataset[] edges) {
        int bad = 0;
        for (int e = 0; e < edges.length; e++) {
            if (attackRows(edges[e]) > attackRows(edges[bad])) {
                bad = e;
            }
        }
        return bad;
    }

    /** The edge's rows with the trigger stamped on a seeded share p of its attack rows, relabelled benign. */
    private Dataset stamped(Dataset honestData, Trigger trigger, double p, long rs) {
        int[] attackIdx = attackIndices(honestData);
        int stamp = (int) Math.round(p * attackIdx.length);
        shuffle(attackIdx, new SplittableRandom(rs + 31));
        float[] x = honestData.x().clone();
        int[] y = honestData.y().clone();
        int d = honestData.dim();
        for (int i = 0; i < stamp; i++) {
            trigger.stamp(x, attackIdx[i], d);
            y[attackIdx[i]] = benign;
        }
        return new Dataset(x, y, d, honestData.classNames(), honestData.featureNames());
    }

    /** Macro-F1 of the shipped student on the clean test rows, and its benign rate on the triggered ones. */
    private double[] score(List<SubClusterSummary> summaries, Dataset triggered, long rs) {
        MixturePrior prior = MixturePrior.pool(summaries, layout, MixtureOptions.defaults());
        GeneratedTraining.Result r = GeneratedTraining.train(prior, prior.counts(), SubclusterMethods.TEACHER_HIDDEN,
                new int[] {32}, settings.shipped(), rs + 9);
        double f1 = Metrics.score(test.y(), r.student().predict(test.x(), test.size()), test.numClasses()).macroF1();
        int[] pred = r.student().predict(triggered.x(), triggered.size());
        int hits = 0;
        for (int v : pred) {
            hits += v == benign ? 1 : 0;
        }
        return new double[] {f1, triggered.size() == 0 ? 0 : hits / (double) triggered.size()};
    }

    private Dataset triggeredTest(Trigger t) {
        int[] idx = attackIndices(test);
        Dataset sub = test.subset(idx);
        float[] x = sub.x().clone();
        for (int i = 0; i < sub.size(); i++) {
            t.stamp(x, i, sub.dim());
        }
        return new Dataset(x, sub.y(), sub.dim(), sub.classNames(), sub.featureNames());
    }

    private int attackRows(Dataset d) {
        return d.size() - d.classCounts()[benign];
    }

    private int[] attackIndices(Dataset d) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            if (d.y()[i] != benign) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private Trigger rareTrigger(long rs) {
        int[] group = layout.groups().stream().max((a, b) -> Integer.compare(a.length, b.length))
                .orElseThrow(() -> new IllegalArgumentException("the data has no one-hot group to hide a trigger in"));
        double[] freq = benignFreq;
        int category = -1;
        for (int j : group) {
            if (freq[j] > 0 && (category < 0 || freq[j] < freq[category])) {
                category = j;
            }
        }
        int column = numeric[new SplittableRandom(rs + 37).nextInt(numeric.length)];
        float value = benignQuantile(column, 0.9);
        return new Trigger(group, category, column, value, describe(category, column, value, "rare"));
    }

    private Trigger optimisedTrigger(Dataset attacker) {
        int d = train.dim();
        double[] benignMean = new double[d];
        int nb = 0;
        for (int i = 0; i < attacker.size(); i++) {
            if (attacker.y()[i] == benign) {
                nb++;
                for (int j = 0; j < d; j++) {
                    benignMean[j] += attacker.get(i, j);
                }
            }
        }
        for (int j = 0; j < d; j++) {
            benignMean[j] /= Math.max(nb, 1);
        }
        int[] attackIdx = attackIndices(attacker);
        double[] attackMean = new double[d];
        for (int i : attackIdx) {
            for (int j = 0; j < d; j++) {
                attackMean[j] += attacker.get(i, j);
            }
        }
        for (int j = 0; j < d; j++) {
            attackMean[j] /= Math.max(attackIdx.length, 1);
        }
        double[] freq = benignFreq;
        Trigger best = null;
        double bestMove = Double.POSITIVE_INFINITY;
        for (int[] group : layout.groups()) {
            for (int category : group) {
                if (freq[category] <= 0 || attackMean[category] > 0.05) {
                    continue;
                }
                for (int column : numeric) {
                    for (double q : new double[] {0.1, 0.5, 0.9}) {
                        float value = benignQuantile(column, q);
                        // mean of the stamped rows: the attack mean with the stamped columns replaced
                        double move = 0;
                        for (int j = 0; j < d; j++) {
                            double m = attackMean[j];
                            if (contains(group, j)) {
                                m = j == category ? 1 : 0;
                            }
                            if (j == column) {
                                m = value;
                            }
                            double z = (m - benignMean[j]) / std[j];
                            move += z * z;
                        }
                        if (move < bestMove) {
                            bestMove = move;
                            best = new Trigger(group, category, column, value,
                                    describe(category, column, value, "optimised"));
                        }
                    }
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no trigger candidate: no category that benign rows use");
        }
        return best;
    }

    private String describe(int category, int column, float value, String kind) {
        List<String> names = train.featureNames();
        return String.format(Locale.ROOT, "%s: %s = 1, %s = %.3f", kind,
                names.isEmpty() ? "column " + category : names.get(category),
                names.isEmpty() ? "column " + column : names.get(column), value);
    }

    private double[] benignFrequencies() {
        int d = train.dim();
        double[] f = new double[d];
        int n = 0;
        for (int i = 0; i < train.size(); i++) {
            if (train.y()[i] == benign) {
                n++;
                for (int j = 0; j < d; j++) {
                    f[j] += train.get(i, j);
                }
            }
        }
        for (int j = 0; j < d; j++) {
            f[j] /= Math.max(n, 1);
        }
        return f;
    }

    private int[] numericColumns() {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < train.dim(); j++) {
            if (!layout.binary()[j] && std[j] > 1e-3) {
                out.add(j);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private double[] columnStd() {
        int d = train.dim();
        double[] m = new double[d];
        double[] q = new double[d];
        for (int i = 0; i < train.size(); i++) {
            for (int j = 0; j < d; j++) {
                double v = train.get(i, j);
                m[j] += v;
                q[j] += v * v;
            }
        }
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            double mean = m[j] / train.size();
            s[j] = Math.sqrt(Math.max(q[j] / train.size() - mean * mean, 1e-12));
        }
        return s;
    }

    private float benignQuantile(int column, double q) {
        float[] w = sortedBenign.computeIfAbsent(column, c -> {
            float[] v = new float[train.size()];
            int n = 0;
            for (int i = 0; i < train.size(); i++) {
                if (train.y()[i] == benign) {
                    v[n++] = train.get(i, c);
                }
            }
            float[] sorted = Arrays.copyOf(v, n);
            Arrays.sort(sorted);
            return sorted;
        });
        return w[(int) Math.floor(q * (w.length - 1))];
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
