package io.edgedistill.core.mixture;

import io.edgedistill.core.data.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which pre-processed columns are 0/1 and which of those form one-hot groups, so that {@link MixturePrior}
 * emits valid rows: a one-hot group gets at most one 1 (exactly one, unless the data had rows with an unknown
 * or missing category, which encode as all zeros), a missing indicator gets 0 or 1, other columns stay real.
 *
 * <p>The robust source is the round's {@link FeatureSpec} ({@link #of(FeatureSpec)}), which edges and cloud
 * share: categorical columns are one-hot groups, {@code #missing} features are independent 0/1 columns,
 * and numeric values are clipped at the spec's |z| clip. (Clamping log1p columns at the value of a raw 0 was
 * tried and not kept: it cost 0.005 / 0.010 macro-F1 on the two evaluation data sets, within noise.) Without a spec, {@link #inferred} falls back on the
 * statistics (no clip then): a column is 0/1 when in every sub-cluster of every class its mean lies in [0, 1] and its
 * variance equals mean·(1 − mean) (the variance of a 0/1 column; any other value distribution in [0, 1] has
 * less), the rule {@code core.synth} uses on class moments; groups cannot be recovered that way, so each 0/1
 * column is then drawn on its own.
 *
 * @param binary per column: takes only the values 0 and 1
 * @param groups one-hot groups (column indices, each a binary column in at most one group)
 * @param clip   |value| bound of non-binary columns (0 = none)
 */
public record ColumnLayout(boolean[] binary, List<int[]> groups, double clip) {

    /** Validates; arrays are not copied, treat as immutable. */
    public ColumnLayout {
        groups = List.copyOf(groups);
        boolean[] seen = new boolean[binary.length];
        for (int[] g : groups) {
            for (int j : g) {
                if (j < 0 || j >= binary.length || !binary[j] || seen[j]) {
                    throw new IllegalArgumentException("group column " + j + " is not a binary column of one group");
                }
                seen[j] = true;
            }
        }
        if (clip < 0) {
            throw new IllegalArgumentException("negative clip");
        }
    }

    public int dim() {
        return binary.length;
    }

    /** Every column real-valued, no clip. */
    public static ColumnLayout allNumeric(int dim) {
        return new ColumnLayout(new boolean[dim], List.of(), 0);
    }

    /** The layout the feature spec produces (the robust rule). */
    public static ColumnLayout of(FeatureSpec spec) {
        boolean[] bin = new boolean[spec.dim()];
        List<int[]> groups = new ArrayList<>();
        int off = 0;
        for (FeatureSpec.ColumnSpec c : spec.columns()) {
            switch (c.kind) {
                case CATEGORICAL -> {
                    int[] g = new int[c.vocab.size()];
                    for (int v = 0; v < g.length; v++) {
                        g[v] = off + v;
                        bin[off + v] = true;
                    }
                    groups.add(g);
                    off += g.length;
                }
                case NUMERIC -> {
                    if (c.missingIndicator) {
                        bin[off + 1] = true;
                    }
                    off += c.missingIndicator ? 2 : 1;
                }
                default -> {
                }
            }
        }
        return new ColumnLayout(bin, groups, spec.clip());
    }

    /** Fallback without a spec: 0/1 columns recognised from the sub-cluster statistics, no groups, no clip. */
    public static ColumnLayout inferred(List<SubClusterSummary> summaries) {
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("no summaries");
        }
        int d = summaries.get(0).dim();
        boolean[] bin = new boolean[d];
        Arrays.fill(bin, true);
        boolean any = false;
        for (SubClusterSummary s : summaries) {
            for (ClassSubClusters c : s.classes()) {
                for (SubCluster k : c.clusters()) {
                    any = true;
                    for (int j = 0; j < d; j++) {
                        double mu = k.mean()[j];
                        double bernoulli = mu * (1 - mu);
                        if (mu < -1e-6 || mu > 1 + 1e-6 || Math.abs(k.variance()[j] - bernoulli) > 1e-4 * Math.max(1, bernoulli)) {
                            bin[j] = false;
                        }
                    }
                }
            }
        }
        return any ? new ColumnLayout(bin, List.of(), 0) : allNumeric(d);
    }
}
