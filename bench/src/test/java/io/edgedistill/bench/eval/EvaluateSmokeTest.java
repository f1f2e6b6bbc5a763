package io.edgedistill.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.data.RawDataset;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Fast end-to-end run of the harness on tiny generated data (sizes far below the real evaluation). */
class EvaluateSmokeTest {
    /** 3 edges, β 1, IPC 2, K 2, hidden 16, embed 8, 10 optimiser steps, detector hidden 16, 1 FedAvg epoch. */
    private static final Harness.Settings TINY =
            new Harness.Settings(3, 1.0, 2, 5, 2, 16, 8, 10, 0.03f, 0.5f, 16, 1, true, true, 3f, 3f, true);

    /** A harness on 2,500 generated rows, a quarter of them held out. */
    private static Harness tinyHarness() {
        RawDataset raw = DataLoading.generate5gNidd(2500, 3, 40);
        DataLoading.Prepared p = DataLoading.split(raw, 0.25, 1, "smoke");
        return new Harness(p.train(), p.test());
    }

    @Test
    void cliReportsEveryMethodWithSaneNumbers() {
        EvaluateMain main = new EvaluateMain();
        int rc = new CommandLine(main).execute("--generate", "3000", "--min-per-class", "40", "--edges", "4",
                "--beta", "0.5", "--ipc", "3", "--reps", "1", "--k", "2", "--hidden", "16", "--embed", "8",
                "--synth-steps", "20", "--mlp-hidden", "16", "--fed-epochs", "1",
                "--poison", "both", "--poison-trials", "2", "--poison-f1-trials", "0");
        assertThat(rc).isZero();
        String md = main.lastReport;
        for (String m : Harness.METHODS) {
            assertThat(md).contains("| " + m + " |");
        }
        assertThat(md).contains("Poisoning").contains("| flip |").contains("| scale ×3 |");
    }

    @Test
    void harnessRunsAreWithinRange() {
        Harness h = tinyHarness();
        Harness.Settings s = TINY;
        List<Harness.Run> runs = h.runRep(s, 0);
        assertThat(runs).extracting(Harness.Run::method).containsExactlyElementsOf(Harness.METHODS);
        for (Harness.Run r : runs) {
            assertThat(r.macroF1()).as(r.method()).isBetween(0.0, 1.0);
            assertThat(r.accuracy()).as(r.method()).isBetween(0.0, 1.0);
            assertThat(r.bytesPerEdge()).as(r.method()).isPositive();
        }
        Harness.Run pooled = runs.get(0);
        assertThat(pooled.macroF1()).isGreaterThan(0.3); // a trained classifier, well above chance (about 0.11 for 9 classes)
        // summaries are far smaller than the raw local data at realistic sizes; here just positive and equal
        assertThat(runs.get(4).bytesPerEdge()).isEqualTo(runs.get(5).bytesPerEdge());
        Report rep = new Report();
        runs.forEach(r -> rep.add("cfg", r));
        assertThat(rep.rows()).hasSize(Harness.METHODS.size());
        assertThat(rep.rows().get(0).pctOfPooled()).isEqualTo(100.0);
    }

    @Test
    void fedAvgOverOneRoundIsTheOneShotAndModelBaselinesSendAModelPerEdgeAndRound() {
        Harness h = tinyHarness();
        Harness.Settings s = TINY;
        h.fedAvgRounds(1);
        List<Harness.Run> one = h.runRep(s, 0, List.of(Harness.FEDAVG, Harness.FEDAVG_ROUNDS));
        assertThat(one.get(1).macroF1()).isEqualTo(one.get(0).macroF1());
        assertThat(one.get(1).bytesPerEdge()).isEqualTo(one.get(0).bytesPerEdge());

        h.fedAvgRounds(4);
        Harness.Run four = h.runRep(s, 0, List.of(Harness.FEDAVG_ROUNDS)).get(0);
        assertThat(four.bytesPerEdge()).isEqualTo(one.get(0).bytesPerEdge()); // per round
        assertThat(four.note()).startsWith("4 rounds");
        assertThat(four.macroF1()).isBetween(0.0, 1.0);

        Harness.Run ensemble = h.runRep(s, 0, List.of(Harness.ENSEMBLE)).get(0);
        assertThat(ensemble.bytesPerEdge()).isEqualTo(one.get(0).bytesPerEdge()); // one model per edge
        assertThat(ensemble.macroF1()).isBetween(0.0, 1.0);
    }

    @Test
    void theRatioToPooledGetsAPairedIntervalAndClassesCanBeLeftOutOfTheMacroF1() {
        double[] a = {0.8, 0.6, Double.NaN};
        double[] b = {0.4, 0.6, Double.NaN};
        Report rep = new Report(java.util.Set.of(1), "B");
        rep.add("cfg", new Harness.Run(Harness.POOLED, 0, 0.8, 0.9, a, 1, 1, ""));
        rep.add("cfg", new Harness.Run(Harness.POOLED, 1, 0.5, 0.9, b, 1, 1, ""));
        rep.add("cfg", new Harness.Run(Harness.SHIPPED, 0, 0.4, 0.9, b, 1, 1, ""));
        rep.add("cfg", new Harness.Run(Harness.SHIPPED, 1, 0.5, 0.9, a, 1, 1, ""));

        Report.Row shipped = rep.rows().get(1);
        // ratios 0.5 and 1.0: mean 75 %, half-width t(1) 12.706 × std 0.3536 / √2 = 317.7 points
        assertThat(shipped.pctOfPooled()).isCloseTo(100 * 0.45 / 0.65, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(shipped.pctLow()).isCloseTo(75 - 317.65, org.assertj.core.data.Offset.offset(0.1));
        assertThat(shipped.pctHigh()).isCloseTo(75 + 317.65, org.assertj.core.data.Offset.offset(0.1));
        assertThat(shipped.f1RestMean()).isCloseTo((0.4 + 0.8) / 2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rep.markdown()).contains("macro-F1 without B").contains("95 % CI (paired)");
    }

    @Test
    void metricsAreCorrectOnAKnownConfusion() {
        int[] truth = {0, 0, 1, 1, 2, 2};
        int[] pred = {0, 1, 1, 1, 2, 0};
        Metrics.Scores s = Metrics.score(truth, pred, 4);
        assertThat(s.accuracy()).isEqualTo(4.0 / 6);
        // F1: class0 2*1/(2+1+1)=0.5, class1 2*2/(4+1+0)=0.8, class2 2*1/(2+0+1)=0.667; class 3 absent
        assertThat(s.macroF1()).isCloseTo((0.5 + 0.8 + 2.0 / 3) / 3, org.assertj.core.data.Offset.offset(1e-12));
    }
}
