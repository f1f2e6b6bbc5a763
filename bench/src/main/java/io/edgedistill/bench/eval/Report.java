package io.edgedistill.bench.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Aggregates runs over repetitions (mean ± sample std) and renders Markdown tables. */
public final class Report {

    /** Mean ± std of one method under one configuration. */
    public record Row(String config, String method, int reps, double f1Mean, double f1Std, double accMean,
                      double accStd, double bytesPerEdge, double seconds, double pctOfPooled, String note) {
    }

    private final Map<String, List<Harness.Run>> runs = new LinkedHashMap<>();

    public void add(String config, Harness.Run run) {
        runs.computeIfAbsent(config + "\u0000" + run.method(), k -> new ArrayList<>()).add(run);
    }

    public List<Row> rows() {
        Map<String, Double> pooledF1 = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Harness.Run>> e : runs.entrySet()) {
            String[] k = e.getKey().split("\u0000", 2);
            List<Harness.Run> rs = e.getValue();
            double[] f1 = rs.stream().mapToDouble(Harness.Run::macroF1).toArray();
            double[] acc = rs.stream().mapToDouble(Harness.Run::accuracy).toArray();
            Row row = new Row(k[0], k[1], rs.size(), mean(f1), std(f1), mean(acc), std(acc),
                    rs.stream().mapToDouble(Harness.Run::bytesPerEdge).average().orElse(0),
                    rs.stream().mapToDouble(Harness.Run::seconds).average().orElse(0), Double.NaN,
                    rs.get(rs.size() - 1).note());
            if (k[1].equals(Harness.POOLED)) {
                pooledF1.put(k[0], row.f1Mean());
            }
            rows.add(row);
        }
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Double p = pooledF1.get(r.config());
            out.add(new Row(r.config(), r.method(), r.reps(), r.f1Mean(), r.f1Std(), r.accMean(), r.accStd(),
                    r.bytesPerEdge(), r.seconds(), p == null || p == 0 ? Double.NaN : 100 * r.f1Mean() / p, r.note()));
        }
        return out;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        String cur = null;
        for (Row r : rows()) {
            if (!r.config().equals(cur)) {
                cur = r.config();
                sb.append("\n#### ").append(cur).append("\n\n");
                sb.append("| method | macro-F1 (mean ± std) | accuracy (mean ± std) | % of pooled F1 | bytes sent per edge | s per rep |\n");
                sb.append("|---|---|---|---|---|---|\n");
            }
            sb.append(String.format(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f ± %.4f | %s | %s | %.1f |%n",
                    r.method(), r.f1Mean(), r.f1Std(), r.accMean(), r.accStd(),
                    Double.isNaN(r.pctOfPooled()) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", r.pctOfPooled()),
                    bytes(r.bytesPerEdge()), r.seconds()));
        }
        return sb.toString();
    }

    public String csv() {
        StringBuilder sb = new StringBuilder("config,method,reps,f1_mean,f1_std,acc_mean,acc_std,pct_of_pooled,bytes_per_edge,seconds\n");
        for (Row r : rows()) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%.5f,%.5f,%.5f,%.5f,%.2f,%.0f,%.2f%n", r.config(),
                    r.method(), r.reps(), r.f1Mean(), r.f1Std(), r.accMean(), r.accStd(), r.pctOfPooled(),
                    r.bytesPerEdge(), r.seconds()));
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
