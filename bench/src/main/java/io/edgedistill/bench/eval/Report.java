package io.edgedistill.bench.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Aggregates runs over repetitions (mean ± sample std) and renders Markdown tables. The ratio to pooled also gets
 * a 95 % confidence interval: per repetition the method's macro-F1 over pooled's of the same repetition (same
 * partition and test rows), then the t interval of those ratios. With classes left out ({@code --f1-without}), a
 * column gives the macro-F1 over the other classes.
 */
public final class Report {

    /** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};

    /**
     * Mean ± std of one method under one configuration.
     *
     * @param pctLow      lower end of the 95 % interval of the per-repetition ratio to pooled, in % (NaN without one)
     * @param pctHigh     upper end
     * @param f1RestMean  mean macro-F1 over the classes not left out (NaN when none are left out)
     */
    public record Row(String config, String method, int reps, double f1Mean, double f1Std, double accMean,
                      double accStd, double bytesPerEdge, double seconds, double pctOfPooled, String note,
                      double pctLow, double pctHigh, double f1RestMean) {
    }

    private final Map<String, List<Harness.Run>> runs = new LinkedHashMap<>();
    private final Set<Integer> f1Without;
    private final String f1WithoutLabel;

    public Report() {
        this(Set.of(), "");
    }

    /**
     * @param f1Without classes left out of the extra macro-F1 column
     * @param label     their names, for the column header
     */
    public Report(Set<Integer> f1Without, String label) {
        this.f1Without = Set.copyOf(f1Without);
        this.f1WithoutLabel = label;
    }

    public void add(String config, Harness.Run run) {
        runs.computeIfAbsent(config + "\u0000" + run.method(), k -> new ArrayList<>()).add(run);
    }

    public List<Row> rows() {
        Map<String, List<Harness.Run>> pooledRuns = new LinkedHashMap<>();
        for (Map.Entry<String, List<Harness.Run>> e : runs.entrySet()) {
            String[] k = e.getKey().split("\u0000", 2);
            if (k[1].equals(Harness.POOLED)) {
                pooledRuns.put(k[0], e.getValue());
            }
        }
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Harness.Run>> e : runs.entrySet()) {
            String[] k = e.getKey().split("\u0000", 2);
            List<Harness.Run> rs = e.getValue();
            double[] f1 = rs.stream().mapToDouble(Harness.Run::macroF1).toArray();
            double[] acc = rs.stream().mapToDouble(Harness.Run::accuracy).toArray();
            List<Harness.Run> pooled = pooledRuns.get(k[0]);
            double pooledMean = pooled == null ? Double.NaN : mean(pooled.stream().mapToDouble(Harness.Run::macroF1).toArray());
            double[] ratios = pooled == null ? new double[0] : pairedRatios(rs, pooled);
            double half = ratios.length < 2 ? Double.NaN
                    : T975[Math.min(ratios.length - 1, T975.length) - 1] * std(ratios) / Math.sqrt(ratios.length);
            double ratioMean = mean(ratios);
            double rest = f1Without.isEmpty() ? Double.NaN
                    : mean(rs.stream().mapToDouble(r -> r.macroF1Without(f1Without)).toArray());
            out.add(new Row(k[0], k[1], rs.size(), mean(f1), std(f1), mean(acc), std(acc),
                    rs.stream().mapToDouble(Harness.Run::bytesPerEdge).average().orElse(0),
                    rs.stream().mapToDouble(Harness.Run::seconds).average().orElse(0),
                    Double.isNaN(pooledMean) || pooledMean == 0 ? Double.NaN : 100 * mean(f1) / pooledMean,
                    rs.get(rs.size() - 1).note(), 100 * (ratioMean - half), 100 * (ratioMean + half), rest));
        }
        return out;
    }

    /** Method over pooled, repetition by repetition (the runs of both are in repetition order). */
    private static double[] pairedRatios(List<Harness.Run> method, List<Harness.Run> pooled) {
        Map<Integer, Double> byRep = new LinkedHashMap<>();
        for (Harness.Run p : pooled) {
            byRep.put(p.rep(), p.macroF1());
        }
        return method.stream().filter(r -> byRep.containsKey(r.rep()) && byRep.get(r.rep()) > 0)
                .mapToDouble(r -> r.macroF1() / byRep.get(r.rep())).toArray();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        String cur = null;
        for (Row r : rows()) {
            if (!r.config().equals(cur)) {
                cur = r.config();
                sb.append("\n#### ").append(cur).append("\n\n");
                sb.append("| method | macro-F1 (mean ± std) | accuracy (mean ± std) | % of pooled F1 | 95 % CI (paired) "
                        + "| bytes sent per edge | s per rep |" + (f1Without.isEmpty() ? "" : " macro-F1 without "
                        + f1WithoutLabel + " |") + "\n");
                sb.append("|---|---|---|---|---|---|---|" + (f1Without.isEmpty() ? "" : "---|") + "\n");
            }
            sb.append(String.format(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f ± %.4f | %s | %s | %s | %.1f |%s%n",
                    r.method(), r.f1Mean(), r.f1Std(), r.accMean(), r.accStd(),
                    Double.isNaN(r.pctOfPooled()) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", r.pctOfPooled()),
                    Double.isNaN(r.pctLow()) ? "n/a" : String.format(Locale.ROOT, "%.1f–%.1f %%", r.pctLow(), r.pctHigh()),
                    bytes(r.bytesPerEdge()), r.seconds(),
                    f1Without.isEmpty() ? "" : String.format(Locale.ROOT, " %.4f |", r.f1RestMean())));
        }
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder("config,method,reps,f1_mean,f1_std,acc_mean,acc_std,pct_of_pooled,"
                + "pct_ci_low,pct_ci_high,bytes_per_edge,seconds,f1_without\n");
        for (Row r : rows()) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%.5f,%.5f,%.5f,%.5f,%.2f,%.2f,%.2f,%.0f,%.2f,%.5f%n",
                    r.config(), r.method(), r.reps(), r.f1Mean(), r.f1Std(), r.accMean(), r.accStd(), r.pctOfPooled(),
                    r.pctLow(), r.pctHigh(), r.bytesPerEdge(), r.seconds(), r.f1RestMean()));
        }
        return sb.toString();
    }

    static String bytes(double b) {
        if (b >= 1 << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        }
        if (b >= 1 << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
