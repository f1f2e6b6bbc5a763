package io.edgedistill.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fits a {@link FeatureSpec} on training rows only. Rules, per raw column, in this order:
 * <ol>
 *   <li><b>Leaky / identifier columns are dropped</b>: any name in {@link Options#leakyColumns}
 *       (case-insensitive; default: row index, {@code Seq}, {@code Offset}, ids, addresses, ports,
 *       timestamps).</li>
 *   <li><b>Type</b>: categorical when the mapping says so, or when fewer than
 *       {@link Options#numericFraction} of the non-missing cells parse as numbers; else numeric (the cells
 *       that do not parse count as missing).</li>
 *   <li><b>Categorical</b>: one-hot over the vocabulary of training values, most frequent first (ties by
 *       name), at most {@link Options#maxCategories}; unknown or missing values encode as all zeros. A column
 *       with a single value is dropped ("constant").</li>
 *   <li><b>Numeric</b>: missing → training median (of the raw values); <b>log1p</b> when every training value
 *       is ≥ 0 and the sample skewness of the raw values exceeds {@link Options#skewThreshold} (default 2:
 *       heavy right tail, as in packet/byte counts, rates, loads; or exactly the columns of
 *       {@link Options#logColumns} when set); then standardised with the mean and
 *       (population) standard deviation of the transformed training values; |z| clipped at
 *       {@link Options#clip}. A column with no value or zero spread is dropped. A 0/1 missing-indicator
 *       feature is added when between {@link Options#minMissingForIndicator} and 1−that fraction of the
 *       training cells are missing (missingness is informative in flow data: no reply, no handshake).</li>
 * </ol>
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /** Defaults as documented on the class. */
    public static final class Options {
        public Set<String> leakyColumns = new LinkedHashSet<>(Arrays.asList(
                "", "unnamed: 0", "seq", "offset", "id", "row_id", "rowid", "index", "flow_id", "flowid",
                "srcaddr", "dstaddr", "saddr", "daddr", "src_ip", "dst_ip", "sport", "dport", "src_port", "dst_port",
                "srcmac", "dstmac", "starttime", "lasttime", "stime", "ltime", "timestamp"));
        public double skewThreshold = 2.0;
        public int maxCategories = 100;
        public double numericFraction = 0.99;
        public double clip = 10.0;
        public boolean missingIndicators = true;
        public double minMissingForIndicator = 0.01;
        /**
         * Columns to log1p-transform (a data description's {@code heavy-tailed}); null = decide per column by the
         * skewness rule. A listed column with negative values is not transformed.
         */
        public Set<String> logColumns;
        /** The class that is not an attack ({@link FeatureSpec#benignClass()}); null = none declared. */
        public String benignClass;

        public static Options defaults() {
            return new Options();
        }
    }

    public static FeatureSpec fit(RawDataset train) {
        return fit(train, Options.defaults());
    }

    public static FeatureSpec fit(RawDataset train, Options opt) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("cannot fit on an empty data set");
        }
        Set<String> leaky = new LinkedHashSet<>();
        for (String s : opt.leakyColumns) {
            leaky.add(s.toLowerCase(Locale.ROOT));
        }
        List<FeatureSpec.ColumnSpec> cols = new ArrayList<>();
        for (int j = 0; j < train.columnNames().size(); j++) {
            String name = train.columnNames().get(j);
            if (leaky.contains(name.toLowerCase(Locale.ROOT))) {
                cols.add(FeatureSpec.ColumnSpec.dropped(name, "leaky"));
                continue;
            }
            String[] cells = train.column(j);
            boolean categorical = train.categoricalHint().contains(name) || !mostlyNumeric(cells, train, opt);
            cols.add(categorical ? fitCategorical(name, cells, train, opt) : fitNumeric(name, cells, train, opt));
        }
        return new FeatureSpec(cols, train.classNames(), opt.clip, new ArrayList<>(train.missingTokens()), opt.benignClass);
    }

    private static boolean mostlyNumeric(String[] cells, RawDataset t, Options opt) {
        int present = 0;
        int numeric = 0;
        for (String c : cells) {
            if (t.isMissing(c)) {
                continue;
            }
            present++;
            if (!Double.isNaN(FeatureSpec.parseNumber(c))) {
                numeric++;
            }
        }
        return present == 0 || numeric >= opt.numericFraction * present;
    }

    private static FeatureSpec.ColumnSpec fitCategorical(String name, String[] cells, RawDataset t, Options opt) {
        Map<String, Integer> freq = new HashMap<>();
        for (String c : cells) {
            if (!t.isMissing(c)) {
                freq.merge(c.trim(), 1, Integer::sum);
            }
        }
        if (freq.size() <= 1 && countMissing(cells, t) == 0) {
            return FeatureSpec.ColumnSpec.dropped(name, "constant");
        }
        if (freq.isEmpty()) {
            return FeatureSpec.ColumnSpec.dropped(name, "all-missing");
        }
        List<Map.Entry<String, Integer>> e = new ArrayList<>(freq.entrySet());
        e.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        List<String> vocab = new ArrayList<>();
        for (int k = 0; k < Math.min(opt.maxCategories, e.size()); k++) {
            vocab.add(e.get(k).getKey());
        }
        return FeatureSpec.ColumnSpec.categorical(name, vocab);
    }

    private static int countMissing(String[] cells, RawDataset t) {
        int m = 0;
        for (String c : cells) {
            if (t.isMissing(c)) {
                m++;
            }
        }
        return m;
    }

    private static FeatureSpec.ColumnSpec fitNumeric(String name, String[] cells, RawDataset t, Options opt) {
        int n = cells.length;
        double[] v = new double[n];
        int present = 0;
        for (int i = 0; i < n; i++) {
            double x = t.isMissing(cells[i]) ? Double.NaN : FeatureSpec.parseNumber(cells[i]);
            if (!Double.isNaN(x)) {
                v[present++] = x;
            }
        }
        if (present == 0) {
            return FeatureSpec.ColumnSpec.dropped(name, "all-missing");
        }
        double[] vals = Arrays.copyOf(v, present);
        double[] sorted = vals.clone();
        Arrays.sort(sorted);
        double median = present % 2 == 1 ? sorted[present / 2]
                : 0.5 * (sorted[present / 2 - 1] + sorted[present / 2]);
        double min = sorted[0];
        boolean log = min >= 0 && (opt.logColumns != null ? opt.logColumns.contains(name) : skewness(vals) > opt.skewThreshold);
        // statistics of the transformed, median-filled training column
        double sum = 0;
        double fill = log ? Math.log1p(median) : median;
        for (double x : vals) {
            sum += log ? Math.log1p(x) : x;
        }
        int missing = n - present;
        sum += missing * fill;
        double mean = sum / n;
        double ss = 0;
        for (double x : vals) {
            double tx = (log ? Math.log1p(x) : x) - mean;
            ss += tx * tx;
        }
        ss += missing * (fill - mean) * (fill - mean);
        double std = Math.sqrt(ss / n);
        double missFrac = (double) missing / n;
        boolean indicator = opt.missingIndicators && missFrac >= opt.minMissingForIndicator
                && missFrac <= 1 - opt.minMissingForIndicator;
        if (!(std > 1e-12)) {
            if (indicator) {
                // the value never varies but its presence does: keep only the information that exists
                return FeatureSpec.ColumnSpec.numeric(name, false, median, median, 1.0, true);
            }
            return FeatureSpec.ColumnSpec.dropped(name, "constant");
        }
        return FeatureSpec.ColumnSpec.numeric(name, log, median, mean, std, indicator);
    }

    /** Sample skewness (Fisher–Pearson, biased); 0 for constant data. */
    static double skewness(double[] x) {
        int n = x.length;
        if (n < 3) {
            return 0;
        }
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= n;
        double m2 = 0;
        double m3 = 0;
        for (double v : x) {
            double d = v - m;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= n;
        m3 /= n;
        if (m2 <= 0) {
            return 0;
        }
        return m3 / Math.pow(m2, 1.5);
    }
}
