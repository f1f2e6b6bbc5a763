package io.edgedistill.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The backdoor screen on a small fleet: three classes in 43 columns (40 real-valued, a one-hot group of 3), class 0
 * benign; attack 1 sits at +3 on columns 0–19, attack 2 at −3 on columns 20–39. The trigger sets the group's third
 * category (which 3 % of benign rows use) and column 39 to a value within the benign range.
 */
class BackdoorScreenTest {
    private static final int D = 43;
    private static final int G = 40;
    private static final int C = 3;
    private static final BackdoorScreen SCREEN = new BackdoorScreen(BackdoorScreen.Config.defaults(0));

    private static void row(List<float[]> xs, List<Integer> ys, int label, int shape, SplittableRandom r) {
        float[] x = new float[D];
        for (int j = 0; j < G; j++) {
            x[j] = (float) (r.nextGaussian() * 0.7);
        }
        if (shape == 1) {
            for (int j = 0; j < 20; j++) {
                x[j] += 3;
            }
        } else if (shape == 2) {
            for (int j = 20; j < G; j++) {
                x[j] -= 3;
            }
        } else if (shape == 3) {
            // a benign mode that no other edge has, far from every class
            for (int j = 0; j < 20; j++) {
                x[j] -= 6;
            }
        }
        x[G + (shape == 0 ? (r.nextDouble() < 0.97 ? 0 : 2) : 1)] = 1;
        xs.add(x);
        ys.add(label);
    }

    /** One edge's summary: {@code n} rows of each class; {@code stamped} attack-1 rows triggered and called benign. */
    private static SubClusterSummary edge(int e, int n, int stamped, int novel, boolean holdsClass2) {
        SplittableRandom r = new SplittableRandom(100 + e);
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            row(xs, ys, 0, 0, r);
            row(xs, ys, 1, 1, r);
            if (holdsClass2) {
                row(xs, ys, 2, 2, r);
            }
        }
        for (int i = 0; i < stamped; i++) {
            row(xs, ys, 0, 1, r);
            float[] x = xs.get(xs.size() - 1);
            x[G] = 0;
            x[G + 1] = 0;
            x[G + 2] = 1;       // the rare category benign rows use
            x[G - 1] = 1.2f;    // a fixed value within the benign range
        }
        for (int i = 0; i < novel; i++) {
            row(xs, ys, 0, 3, r);
        }
        float[] flat = new float[xs.size() * D];
        int[] y = new int[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
            System.arraycopy(xs.get(i), 0, flat, i * D, D);
            y[i] = ys.get(i);
        }
        return new SubClusterer(new SubClusterOptions(8, 10, 7 + e, 25)).summarize("edge-" + e, flat, y, C);
    }

    private static List<SubClusterSummary> fleet(int stampedOnEdge0, int novelOnEdge1, boolean class2OnlyOnEdge2) {
        List<SubClusterSummary> out = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            out.add(edge(e, 150, e == 0 ? stampedOnEdge0 : 0, e == 1 ? novelOnEdge1 : 0, !class2OnlyOnEdge2 || e == 2));
        }
        return out;
    }

    @Test
    void anHonestFleetIsNotFlagged() {
        assertThat(SCREEN.screen(fleet(0, 0, false))).isEmpty();
        assertThat(new BackdoorScreen(BackdoorScreen.Config.defaults(-1)).screen(fleet(0, 0, false))).isEmpty();
    }

    @Test
    void triggeredAttackRowsCalledBenignAreTracedToTheirEdge() {
        List<BackdoorScreen.Flag> flags = SCREEN.screen(fleet(30, 0, false));
        assertThat(BackdoorScreen.edges(flags)).containsExactly("edge-0");
        BackdoorScreen.Flag f = flags.get(0);
        assertThat(f.classId()).isZero();
        assertThat(f.lookalike()).isEqualTo(1);
        assertThat(f.count()).isGreaterThanOrEqualTo(10);
        assertThat(f.margin()).isGreaterThanOrEqualTo(BackdoorScreen.Config.DEFAULT_MARGIN);
        assertThat(f.score()).isGreaterThanOrEqualTo(f.typical());
        assertThat(f.peers()).isEqualTo(5);
        assertThat(f.reason(List.of("Benign", "Flood", "Scan")))
                .startsWith("backdoor suspected: sub-cluster " + f.component() + " of class Benign")
                .contains("explained by the other edges' class Flood");
        // without the trigger allowance the stamped columns make it atypical of the attack class here
        BackdoorScreen strict = new BackdoorScreen(new BackdoorScreen.Config(BackdoorScreen.Config.DEFAULT_MARGIN,
                BackdoorScreen.Config.DEFAULT_DIMENSION_CAP, BackdoorScreen.Config.DEFAULT_VARIANCE_FLOOR,
                BackdoorScreen.Config.DEFAULT_TYPICAL_QUANTILE, BackdoorScreen.Config.DEFAULT_MIN_PEERS,
                BackdoorScreen.Config.DEFAULT_MIN_LOOKALIKE_PEERS, 0, BackdoorScreen.Config.DEFAULT_QUARANTINE_MARGIN, 0));
        assertThat(strict.screen(fleet(30, 0, false))).isEmpty();
    }

    @Test
    void aBenignModeNoOtherEdgeHasIsNoveltyNotABackdoor() {
        // far from every class: no class explains it as typical
        assertThat(SCREEN.screen(fleet(0, 40, false))).isEmpty();
    }

    @Test
    void aClassNoOtherEdgeHoldsIsNotJudged() {
        BackdoorScreen all = new BackdoorScreen(BackdoorScreen.Config.defaults(-1));
        List<SubClusterSummary> f = fleet(0, 0, true);
        assertThat(all.screen(f)).noneMatch(x -> x.classId() == 2 || x.lookalike() == 2);
        BackdoorScreen.Component c2 = all.score(f).components().stream().filter(x -> x.classId() == 2).findFirst()
                .orElseThrow();
        assertThat(c2.peers()[2]).isZero();
        assertThat(c2.score()[2]).isNaN();
    }

    @Test
    void onlyTheJudgedClassIsScreenedAndTheResultIsDeterministic() {
        List<SubClusterSummary> f = fleet(30, 0, false);
        assertThat(new BackdoorScreen(BackdoorScreen.Config.defaults(1)).screen(f)).isEmpty();
        assertThat(SCREEN.screen(f)).isEqualTo(SCREEN.screen(fleet(30, 0, false)));
    }

    @Test
    void noSubClustersNothingToJudge() {
        assertThat(SCREEN.screen(List.of())).isEmpty();
        assertThat(SCREEN.score(List.of()).components()).isEmpty();
    }
}
