package io.edgedistill.bench.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reverse-distillation tables of the evaluation report ({@code EvaluateMain --drift}): per scenario and β, the
 * trials of a {@link DriftExperiment} summed into what the drifted edge gets, whether it notices the drift, and (for a
 * new class) what the global model's adoption does to the fleet.
 */
final class DriftReport {
    private DriftReport() {
    }

    /**
     * Runs {@code trials} trials of every scenario at every β and renders the tables.
     *
     * @param scenarios scenario names ({@link DriftExperiment.Scenario}, any case)
     */
    static String tables(DriftExperiment x, Harness.Settings base, int edges, List<Double> betas, List<String> scenarios,
                         int trials) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | beta | trials | hold-out F1: global | personalised | gain | offered / taken | of which the "
                + "global model on the edge's mix | the edge runs | gain | fleet mixture in the edge's mix only | local "
                + "fine-tune | local gain | share of the local gain | knowledge bytes (max) | hard rows of labelled | cloud "
                + "fine-tune s | validation F1: global / offer before the mix adaptation |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<Double, double[]> adoptions = new HashMap<>();
        StringBuilder detections = new StringBuilder();
        for (String v : scenarios) {
            DriftExperiment.Scenario sc = DriftExperiment.Scenario.valueOf(v.toUpperCase(Locale.ROOT));
            for (double b : betas) {
                Harness.Settings s = base.with(edges, b, base.ipc());
                double[] sum = new double[10];
                int offered = 0;
                int taken = 0;
                int globalOnMix = 0;
                Map<String, Integer> detectedBy = new TreeMap<>();
                int falseAlarms = 0;
                int honestChecks = 0;
                long maxBytes = 0;
                for (int t = 0; t < trials; t++) {
                    DriftExperiment.Trial r = x.trial(s, 4000 + t, sc);
                    sum[0] += r.globalF1();
                    sum[1] += r.personalisedF1();
                    sum[2] += r.mixOnlyF1();
                    sum[3] += r.localF1();
                    sum[4] += r.fleetF1();
                    sum[5] += r.hardRows();
                    sum[6] += r.labelledRows();
                    sum[7] += r.cloudSeconds();
                    sum[8] += r.runsF1();
                    sum[9] += r.personalisedFleetF1();
                    offered += r.offered() ? 1 : 0;
                    taken += r.accepted() ? 1 : 0;
                    globalOnMix += r.offered() && r.offerIsGlobalOnMix() ? 1 : 0;
                    detectedBy.merge(r.detection().by(), 1, Integer::sum);
                    falseAlarms += r.detection().falseAlarms();
                    honestChecks += r.detection().honestChecks();
                    maxBytes = Math.max(maxBytes, r.knowledgeBytes());
                    if (r.adoption() != null) {
                        double[] a = adoptions.computeIfAbsent(b, b0 -> new double[5]);
                        a[0] += r.adoption().othersBefore();
                        a[1] += r.adoption().othersAfter();
                        a[2] += r.adoption().allBefore();
                        a[3] += r.adoption().allAfter();
                        a[4] += r.adoption().driftedHoldOut();
                    }
                    EvaluateMain.log(String.format(Locale.ROOT, "drift %s beta %s trial %d (%s): global %.4f, personalised %.4f, "
                                    + "offer %.4f (%s), mix only %.4f, local %.4f; validation %.4f / %.4f, offered %s, taken %s; "
                                    + "%d B, %d/%d hard, %d knowledge rows, %.1f s", v, EvaluateMain.trim(b), t,
                            r.what(), r.globalF1(), r.personalisedF1(), r.offerF1(),
                            r.offerIsGlobalOnMix() ? "global on the mix" : "personalised", r.mixOnlyF1(), r.localF1(),
                            r.fleetF1(), r.personalisedFleetF1(), r.offered(), r.accepted(), r.knowledgeBytes(),
                            r.hardRows(), r.labelledRows(), r.knowledgeRows(), r.cloudSeconds()));
                }
                int n = trials;
                int missed = detectedBy.getOrDefault("-", 0);
                detections.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d / %d / %d | %d of %d |%n", v, EvaluateMain.trim(b), n,
                        n - missed, detectedBy.getOrDefault("macro-F1", 0), detectedBy.getOrDefault("confidence", 0),
                        detectedBy.getOrDefault("class recall", 0), falseAlarms, honestChecks));
                double gain = (sum[1] - sum[0]) / n;
                double localGain = (sum[3] - sum[0]) / n;
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.4f | %.4f | %+.2f | %d / %d | %d | %.4f | %+.2f | "
                                + "%.4f | %.4f | %+.2f | %s | %d | %.0f / %.0f | %.1f | %.4f / %.4f |%n", v, EvaluateMain.trim(b), n,
                        sum[0] / n, sum[1] / n, 100 * gain, offered, taken, globalOnMix, sum[8] / n, 100 * (sum[8] - sum[0]) / n, sum[2] / n,
                        sum[3] / n, 100 * localGain,
                        localGain > 0 ? String.format(Locale.ROOT, "%.0f %%", 100 * gain / localGain) : "-", maxBytes,
                        sum[5] / n, sum[6] / n, sum[7] / n, sum[4] / n, sum[9] / n));
            }
        }
        sb.append("\n| does the edge notice? | beta | trials | drift detected | by macro-F1 / confidence / class recall | "
                + "honest fleet edges flagged between two halves of their rows |\n|---|---|---|---|---|---|\n");
        sb.append(detections);
        if (scenarios.stream().anyMatch(v -> v.equalsIgnoreCase("novel"))) {
            sb.append("\n| novel class adopted by the global model | beta | trials | other classes' test F1: before | after "
                    + "| change | all test rows: before | after | drifted edge's hold-out under the adopted global model |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|\n");
            for (double b : betas) {
                double[] a = adoptions.get(b);
                int n = trials;
                sb.append(String.format(Locale.ROOT, "| novel | %s | %d | %.4f | %.4f | %+.2f | %.4f | %.4f | %.4f |%n",
                        EvaluateMain.trim(b), n, a[0] / n, a[1] / n, 100 * (a[1] - a[0]) / n, a[2] / n, a[3] / n, a[4] / n));
            }
        }
        sb.append("\nMeans over trials; gains in macro-F1 points on the drifted edge's hold-out (macro over the classes it "
                + "holds, as the edge's gate computes it). 'Personalised': the cohort fine-tune adapted to the edge's class "
                + "mix, as the updater offers it. 'Offered': the updater's rule (CohortOffer, within the tolerance of the "
                + "global model on the validation (test) rows reweighted to the edge's mix, and, before the adaptation, on "
                + "the rows as they are) lets the personalised model through, or else the global model adapted to the "
                + "edge's mix; 'taken': the edge's gate accepts the offer on its hold-out; 'the edge runs': the offer where "
                + "taken, else the global model. The fleet's edges keep the global model: a single edge's knowledge does not "
                + "change it. 'Does the edge notice?': the edge's drift rule (DriftRule, default trigger, no floor) between "
                + "the global model's reading on the edge's traffic before the drift (reserve rows in the data's own mix) and "
                + "after it; 'honest fleet edges flagged': the same rule between two halves of each fleet edge's rows.\n");
        return sb.toString();
    }
}
