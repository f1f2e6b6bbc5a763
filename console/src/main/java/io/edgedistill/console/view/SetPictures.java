package io.edgedistill.console.view;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.mixture.ColumnLayout;
import io.edgedistill.core.mixture.MixtureOptions;
import io.edgedistill.core.mixture.MixturePrior;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.mapping.SubClusterMapping;

/**
 * The page's picture of a synthetic set: its compact rows and rows drawn from its mixture as the updater draws them
 * ({@link MixturePrior}, seeded by the set's version), on their two principal components. Never throws: a mixture that
 * cannot be drawn from (no round spec read yet, a spec of another layout) leaves the compact rows alone, and says why.
 */
final class SetPictures {

    private SetPictures() {
    }

    /** {@code spec}: the round spec whose preprocessing the set was built with, or null when not (yet) read. */
    static Dashboard.SetPicture of(SyntheticSet set, RoundSpec spec, int generatedPerClass) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (SyntheticSample x : set.getSamples()) {
            float[] f = new float[x.getFeatures().size()];
            for (int j = 0; j < f.length; j++) {
                f[j] = x.getFeatures().get(j);
            }
            rows.add(f);
            labels.add(x.getLabel());
            kinds.add("synthetic");
        }
        String note = "";
        if (generatedPerClass > 0 && set.getMixture() != null && !set.getMixture().isEmpty()) {
            if (spec == null) {
                note = "rows drawn from the mixture follow once the round's spec is read";
            } else {
                try {
                    draw(set, spec, generatedPerClass, rows, labels, kinds);
                } catch (RuntimeException e) {
                    note = "no rows drawn from the mixture: " + e.getMessage();
                }
            }
        }
        Projection.Result p;
        try {
            p = Projection.pca(rows.toArray(new float[0][]));
        } catch (RuntimeException e) {
            return new Dashboard.SetPicture(set.getVersion(), List.copyOf(set.getClasses()), new double[] {0, 0}, List.of(),
                    "no picture: " + e.getMessage());
        }
        List<Dashboard.Point> points = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            points.add(new Dashboard.Point(labels.get(i), kinds.get(i), round3(p.points()[i][0]), round3(p.points()[i][1])));
        }
        return new Dashboard.SetPicture(set.getVersion(), List.copyOf(set.getClasses()), p.explained(), points, note);
    }

    private static void draw(SyntheticSet set, RoundSpec spec, int perClass, List<float[]> rows, List<Integer> labels,
                             List<String> kinds) {
        int c = set.getClasses().size();
        int d = set.getFeatureDim();
        MixturePrior prior = SubClusterMapping.mixtureFromWire(set.getMixture(), c, d,
                ColumnLayout.of(FeatureSpec.fromJson(spec.getPreprocessing().getJson())), MixtureOptions.defaults());
        List<float[]> drawn = new ArrayList<>();
        List<Integer> drawnLabels = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            if (!prior.hasClass(k)) {
                continue;
            }
            float[] block = prior.sample(k, perClass, set.getVersion());
            for (int i = 0; i < perClass; i++) {
                drawn.add(Arrays.copyOfRange(block, i * d, (i + 1) * d));
                drawnLabels.add(k);
            }
        }
        rows.addAll(drawn); // all or nothing: a failure above leaves the compact rows alone
        labels.addAll(drawnLabels);
        drawn.forEach(r -> kinds.add("generated"));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
