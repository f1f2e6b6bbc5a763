package io.edgedistill.core.aggregate;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.mixture.SubClusterSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Screens the sub-clusters of the edges' data summaries for components whose label the rest of the fleet contradicts:
 * the trace a backdoor leaves when an edge stamps a trigger on some of its attack rows and relabels them benign
 * (issue 15). Those rows keep almost every feature of their attack class, so they form a sub-cluster of "benign" that
 * the other edges' own mixtures explain as that attack class.
 *
 * <p>This is activation clustering's exclusionary reclassification (Chen et al. 2018), done on what the cloud sees
 * and without retraining: every component of class c from edge e is classified by the Gaussian mixtures of the
 * <i>other</i> edges' components, one per class (diagonal covariances, counts as weights, equal class priors). The
 * score of class k is the expected log-density of the component's Gaussian under that class's mixture, with every
 * dimension's squared-distance term capped at {@link Config#dimensionCap()}: a few stamped columns (a rare category,
 * a fixed rate) cost a bounded amount, so the many columns the trigger leaves alone decide. Variances are floored at
 * {@link Config#varianceFloor()} of each column's variance over the whole fleet, so a column that never varies within
 * a class (a one-hot column) cannot decide alone either.
 *
 * <p>A component is flagged when, leaving its own edge out,
 * <ul>
 *   <li>its own class has moments from at least {@link Config#minPeers()} other edges (what that class looks like
 *       must come from several other edges: in a fleet of three, an honest edge's benign mode that the two others lack
 *       was quarantined), and the look-alike class from at least
 *       {@link Config#minLookalikePeers()} (a class nobody else holds is novelty, not evidence);</li>
 *   <li>the look-alike class explains it better than its own class by at least {@link Config#margin()} nats;</li>
 *   <li>and it is <i>typical</i> of the look-alike class: its score there is at least the
 *       {@link Config#typicalQuantile()} quantile of the scores of that class's own components (each scored leaving
 *       its own edge out), less what {@link Config#triggerColumns()} columns at the cap cost (a trigger stamps a few
 *       columns). A component far from every class, e.g. an honest edge's mode that no other edge saw, is not flagged
 *       however the far classes rank.</li>
 * </ul>
 * What a flag costs the edge is graded ({@link #quarantinedEdges}): the flagged class of that edge is always left out
 * of the mixture ({@link #withoutFlagged}), and the edge's whole contribution is quarantined only when one of its flags
 * reaches {@link Config#quarantineMargin()}. Honest edges whose benign traffic overlaps an attack class score just
 * above the margin in the harness (up to 0.6 nats per column on generated data), and losing one sub-cluster costs them
 * little; a planted trigger scores 0.5–1.3.
 *
 * <p>Deterministic, stateless and thread-safe; pure Java. Cost: O(components² · dimensions).
 */
public final class BackdoorScreen {

    /**
     * @param margin          nats by which the look-alike class must explain a component better than its own class
     * @param dimensionCap    cap of one dimension's squared-distance term (in variances)
     * @param varianceFloor   variances are at least this fraction of the column's fleet-wide variance
     * @param typicalQuantile the component's score under the look-alike class is at least this quantile of that
     *                        class's own components' scores
     * @param minPeers        a class is judged only with moments of it from at least this many other edges
     * @param minLookalikePeers a look-alike class needs moments from at least this many other edges
     * @param triggerColumns  columns a trigger may stamp: the typical score is lowered by what that many columns at
     *                        the cap cost
     * @param quarantineMargin an edge with a flag of at least this margin is quarantined as a whole; flags under it
     *                        only leave that edge's flagged class out of the mixture
     * @param judgedClass     the class whose components are judged (the benign class: a backdoor in a detector makes
     *                        attacks pass as benign), or -1 for every class
     */
    public record Config(double margin, double dimensionCap, double varianceFloor, double typicalQuantile,
                         int minPeers, int minLookalikePeers, int triggerColumns, double quarantineMargin,
                         int judgedClass) {
        public static final double DEFAULT_MARGIN = 0.5;
        public static final double DEFAULT_DIMENSION_CAP = 16;
        public static final double DEFAULT_VARIANCE_FLOOR = 0.01;
        public static final double DEFAULT_TYPICAL_QUANTILE = 0.05;
        public static final int DEFAULT_MIN_PEERS = 3;
        public static final int DEFAULT_MIN_LOOKALIKE_PEERS = 1;
        public static final int DEFAULT_TRIGGER_COLUMNS = 4;
        public static final double DEFAULT_QUARANTINE_MARGIN = 0.75;

        /** Validates. */
        public Config {
            if (!(margin >= 0) || !(dimensionCap > 0) || !(varianceFloor > 0) || !(typicalQuantile >= 0)
                    || typicalQuantile > 1 || minPeers < 1 || minLookalikePeers < 1 || triggerColumns < 0
                    || !(quarantineMargin >= margin) || judgedClass < -1) {
                throw new IllegalArgumentException("invalid backdoor screen settings");
            }
        }

        /** The defaults, judging the components of {@code judgedClass} (-1: every class). */
        public static Config defaults(int judgedClass) {
            return new Config(DEFAULT_MARGIN, DEFAULT_DIMENSION_CAP, DEFAULT_VARIANCE_FLOOR, DEFAULT_TYPICAL_QUANTILE,
                    DEFAULT_MIN_PEERS, DEFAULT_MIN_LOOKALIKE_PEERS, DEFAULT_TRIGGER_COLUMNS, DEFAULT_QUARANTINE_MARGIN,
                    judgedClass);
        }
    }

    /**
     * A flagged component.
     *
     * @param edgeId    edge that sent it
     * @param classId   the class it was sent as
     * @param component its index among the class's sub-clusters
     * @param count     its rows
     * @param lookalike the class that explains it
     * @param ownScore  its score under its own class (other edges), nats per column
     * @param score     its score under the look-alike class, nats per column
     * @param typical   the score it had to reach: the look-alike class's typical score
     * @param peers     other edges holding moments of the look-alike class
     */
    public record Flag(String edgeId, int classId, int component, long count, int lookalike, double ownScore,
                       double score, double typical, int peers) {
        /** How much better the look-alike class explains it, nats per column. */
        public double margin() {
            return score - ownScore;
        }

        /** Human-readable reason with class indices. */
        public String reason() {
            return reason(null);
        }

        /** Human-readable reason, for quarantine records and alerts; class names when given. */
        public String reason(List<String> classNames) {
            return String.format(Locale.ROOT, "backdoor suspected: sub-cluster %d of class %s (%d rows) is explained "
                            + "by the other edges' class %s, %.2f nats per column better than by their class %s, and "
                            + "is typical of it (score %.2f, typical from %.2f, %d peers)",
                    component, name(classId, classNames), count, name(lookalike, classNames), margin(),
                    name(classId, classNames), score, typical, peers);
        }

        private static String name(int c, List<String> names) {
            return names != null && c < names.size() ? names.get(c) : Integer.toString(c);
        }
    }

    /** Every component's scores under every class, leaving its own edge out (for reports and calibration). */
    public record Scores(List<Component> components, double[] typical) {
    }

    /**
     * One component and its leave-own-edge-out scores per class (NaN: no other edge holds the class, or the component
     * is not of the judged class and was scored under its own class only).
     */
    public record Component(String edgeId, int classId, int index, long count, double[] score, int[] peers) {
    }

    private final Config config;

    public BackdoorScreen(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** The flagged components of the given summaries (one per edge; summaries without moments are ignored). */
    public List<Flag> screen(List<SubClusterSummary> summaries) {
        Scores s = score(summaries);
        List<Flag> out = new ArrayList<>();
        for (Component x : s.components()) {
            double own = x.score()[x.classId()];
            if ((config.judgedClass() >= 0 && x.classId() != config.judgedClass()) || Double.isNaN(own)
                    || x.peers()[x.classId()] < config.minPeers()) {
                continue;
            }
            int best = -1;
            for (int k = 0; k < x.score().length; k++) {
                if (k != x.classId() && x.peers()[k] >= config.minLookalikePeers() && !Double.isNaN(x.score()[k])
                        && (best < 0 || x.score()[k] > x.score()[best])) {
                    best = k;
                }
            }
            if (best < 0 || Double.isNaN(s.typical()[best])) {
                continue;
            }
            if (x.score()[best] - own >= config.margin() && x.score()[best] >= s.typical()[best]) {
                out.add(new Flag(x.edgeId(), x.classId(), x.index(), x.count(), best, own, x.score()[best],
                        s.typical()[best], x.peers()[best]));
            }
        }
        return out;
    }

    /** The edges with at least one flagged component. */
    public static Set<String> edges(List<Flag> flags) {
        Set<String> out = new HashSet<>();
        flags.forEach(f -> out.add(f.edgeId()));
        return out;
    }

    /**
     * What the screen decides for a round.
     *
     * @param quarantined edges to quarantine as a whole, each with its flags (the strongest first)
     * @param leftOut     flags of the other edges: their flagged classes are left out of the mixture
     */
    public record Decision(Map<String, List<Flag>> quarantined, List<Flag> leftOut) {
        /** The summaries the cloud keeps: quarantined edges out, the others without their flagged classes. */
        public List<SubClusterSummary> kept(List<SubClusterSummary> summaries) {
            return withoutFlagged(summaries.stream().filter(s -> !quarantined.containsKey(s.edgeId())).toList(), leftOut);
        }
    }

    /**
     * Screens, quarantines every edge with a flag of at least {@link Config#quarantineMargin()}, and screens the rest
     * again without them (a quarantined edge no longer shapes what the others are compared with) until no such flag
     * remains; the flags of that last screen leave their classes out.
     */
    public Decision decide(List<SubClusterSummary> summaries) {
        Map<String, List<Flag>> quarantined = new java.util.LinkedHashMap<>();
        List<SubClusterSummary> rest = summaries;
        while (true) {
            List<Flag> flags = screen(rest);
            Set<String> strong = quarantinedEdges(flags);
            if (strong.isEmpty()) {
                return new Decision(java.util.Collections.unmodifiableMap(quarantined), flags);
            }
            for (String e : new java.util.TreeSet<>(strong)) {
                List<Flag> own = new ArrayList<>(flags.stream().filter(f -> f.edgeId().equals(e)).toList());
                own.sort((a, b) -> Double.compare(b.margin(), a.margin()));
                quarantined.put(e, List.copyOf(own));
            }
            rest = rest.stream().filter(s -> !strong.contains(s.edgeId())).toList();
        }
    }

    /** The edges to quarantine as a whole: those with a flag of at least {@link Config#quarantineMargin()}. */
    public Set<String> quarantinedEdges(List<Flag> flags) {
        Set<String> out = new HashSet<>();
        for (Flag f : flags) {
            if (f.margin() >= config.quarantineMargin()) {
                out.add(f.edgeId());
            }
        }
        return out;
    }

    /**
     * The summaries without the classes their flags are in: an edge with a flagged sub-cluster of class c sends no
     * sub-clusters of c to the mixture (count 0), its other classes stay. The whole class, not only the flagged
     * sub-cluster: stamped rows that k-means put beside benign rows in the edge's other sub-clusters of c would stay
     * behind otherwise.
     */
    public static List<SubClusterSummary> withoutFlagged(List<SubClusterSummary> summaries, List<Flag> flags) {
        if (flags.isEmpty()) {
            return summaries;
        }
        List<SubClusterSummary> out = new ArrayList<>(summaries.size());
        for (SubClusterSummary s : summaries) {
            Set<Integer> drop = new HashSet<>();
            for (Flag f : flags) {
                if (f.edgeId().equals(s.edgeId())) {
                    drop.add(f.classId());
                }
            }
            if (drop.isEmpty()) {
                out.add(s);
                continue;
            }
            List<ClassSubClusters> classes = new ArrayList<>();
            for (ClassSubClusters c : s.classes()) {
                classes.add(drop.contains(c.classId()) ? new ClassSubClusters(c.classId(), 0, List.of()) : c);
            }
            out.add(new SubClusterSummary(s.edgeId(), s.numClasses(), s.dim(), s.kMin(), classes));
        }
        return out;
    }

    /**
     * Every judged component's leave-own-edge-out scores, and each class's typical score (the quantile of its own
     * components' scores less the trigger allowance).
     */
    public Scores score(List<SubClusterSummary> summaries) {
        List<SubClusterSummary> with = summaries.stream().filter(s -> s.subClusterCount() > 0).toList();
        if (with.isEmpty()) {
            return new Scores(List.of(), new double[0]);
        }
        int numClasses = with.get(0).numClasses();
        int d = with.get(0).dim();
        Map<String, Integer> edgeIndex = new HashMap<>();
        List<Integer> edgeOf = new ArrayList<>();
        List<Integer> classOf = new ArrayList<>();
        List<Integer> indexOf = new ArrayList<>();
        List<SubCluster> comps = new ArrayList<>();
        for (SubClusterSummary s : with) {
            if (s.numClasses() != numClasses || s.dim() != d) {
                throw new IllegalArgumentException("summary " + s.edgeId() + " has another shape");
            }
            int e = edgeIndex.computeIfAbsent(s.edgeId(), k -> edgeIndex.size());
            for (ClassSubClusters cc : s.classes()) {
                for (int i = 0; i < cc.clusters().size(); i++) {
                    comps.add(cc.clusters().get(i));
                    edgeOf.add(e);
                    classOf.add(cc.classId());
                    indexOf.add(i);
                }
            }
        }
        int edges = edgeIndex.size();
        String[] edgeIds = new String[edges];
        edgeIndex.forEach((id, i) -> edgeIds[i] = id);
        double[] floor = varianceFloor(comps, d);
        // rows of class k on edge e (with moments)
        double[][] rows = new double[numClasses][edges];
        for (int i = 0; i < comps.size(); i++) {
            rows[classOf.get(i)][edgeOf.get(i)] += comps.get(i).count();
        }
        // per component x, per class k, per edge e: logsumexp over e's components y of class k of log n_y + ℓ(x|y)
        int n = comps.size();
        double[][] var = new double[n][d];
        double[] logDet = new double[n];
        for (int j = 0; j < n; j++) {
            float[] v = comps.get(j).variance();
            double ld = 0;
            for (int t = 0; t < d; t++) {
                var[j][t] = Math.max(v[t], floor[t]);
                ld += Math.log(var[j][t]);
            }
            logDet[j] = ld;
        }
        List<Component> out = new ArrayList<>(n);
        double cap = config.dimensionCap();
        for (int i = 0; i < n; i++) {
            SubCluster x = comps.get(i);
            int ex = edgeOf.get(i);
            double[][] bucket = new double[numClasses][edges];
            for (double[] b : bucket) {
                java.util.Arrays.fill(b, Double.NEGATIVE_INFINITY);
            }
            // a component of a class that is not judged is scored under its own class only (for that class's typical
            // score); a judged one under every class
            boolean judged = config.judgedClass() < 0 || classOf.get(i) == config.judgedClass();
            for (int j = 0; j < n; j++) {
                int ey = edgeOf.get(j);
                if (ey == ex || (!judged && !classOf.get(j).equals(classOf.get(i)))) {
                    continue;
                }
                SubCluster y = comps.get(j);
                double q = 0;
                for (int t = 0; t < d; t++) {
                    double diff = x.mean()[t] - y.mean()[t];
                    double term = (diff * diff + Math.max(x.variance()[t], 0)) / var[j][t];
                    q += Math.min(term, cap);
                }
                double l = Math.log(y.count()) - 0.5 * (logDet[j] + q);
                int k = classOf.get(j);
                bucket[k][ey] = logAdd(bucket[k][ey], l);
            }
            double[] score = new double[numClasses];
            int[] peers = new int[numClasses];
            for (int k = 0; k < numClasses; k++) {
                double acc = Double.NEGATIVE_INFINITY;
                double total = 0;
                for (int e = 0; e < edges; e++) {
                    if (e != ex && rows[k][e] > 0) {
                        acc = logAdd(acc, bucket[k][e]);
                        total += rows[k][e];
                        peers[k]++;
                    }
                }
                score[k] = total > 0 && (judged || k == classOf.get(i)) ? (acc - Math.log(total)) / d : Double.NaN;
            }
            out.add(new Component(edgeIds[ex], classOf.get(i), indexOf.get(i), x.count(), score, peers));
        }
        double[] typical = new double[numClasses];
        for (int k = 0; k < numClasses; k++) {
            List<Double> own = new ArrayList<>();
            for (Component c : out) {
                if (c.classId() == k && !Double.isNaN(c.score()[k])) {
                    own.add(c.score()[k]);
                }
            }
            typical[k] = own.isEmpty() ? Double.NaN
                    : quantile(own, config.typicalQuantile()) - config.triggerColumns() * cap / (2.0 * d);
        }
        return new Scores(out, typical);
    }

    /** Per column: varianceFloor × the variance of the column over all components (count-weighted mixture). */
    private double[] varianceFloor(List<SubCluster> comps, int d) {
        double n = 0;
        double[] mean = new double[d];
        double[] second = new double[d];
        for (SubCluster c : comps) {
            n += c.count();
            for (int t = 0; t < d; t++) {
                mean[t] += c.count() * (double) c.mean()[t];
                second[t] += c.count() * ((double) c.variance()[t] + (double) c.mean()[t] * c.mean()[t]);
            }
        }
        double[] floor = new double[d];
        for (int t = 0; t < d; t++) {
            double m = mean[t] / n;
            double v = Math.max(second[t] / n - m * m, 0);
            floor[t] = Math.max(config.varianceFloor() * v, 1e-6);
        }
        return floor;
    }

    private static double quantile(List<Double> values, double q) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int i = (int) Math.floor(q * (v.length - 1));
        return v[i];
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
}
