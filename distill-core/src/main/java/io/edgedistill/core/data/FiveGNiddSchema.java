package io.edgedistill.core.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The column layout and class list of the 5G-NIDD data set (Samarakoon et al., "5G-NIDD: A Comprehensive
 * Network Intrusion Detection Dataset Generated over 5G Wireless Network", 2022), file {@code Combined.csv}.
 *
 * <p>Layout (52 columns): an unnamed leading row-index column (written by pandas, header cell empty), the
 * 48 Argus flow features {@link #FEATURE_COLUMNS} in file order, then the three label columns {@code Label}
 * (Benign / Malicious), {@code Attack Type} and {@code Attack Tool}. The column list and order were
 * confirmed against public code that reads Combined.csv (expected-columns lists in several 5G-NIDD
 * projects); the class counts are the published ones as recalled from the paper and public notebooks
 * (1,215,890 rows in all) and could not be re-verified against the file itself here.
 */
public final class FiveGNiddSchema {
    private FiveGNiddSchema() {
    }

    /** The 48 Argus feature columns of Combined.csv, in file order. */
    public static final List<String> FEATURE_COLUMNS = List.of(
            "Seq", "Dur", "RunTime", "Mean", "Sum", "Min", "Max", "Proto",
            "sTos", "dTos", "sDSb", "dDSb", "sTtl", "dTtl", "sHops", "dHops",
            "Cause", "TotPkts", "SrcPkts", "DstPkts", "TotBytes", "SrcBytes", "DstBytes", "Offset",
            "sMeanPktSz", "dMeanPktSz", "Load", "SrcLoad", "DstLoad", "Loss", "SrcLoss", "DstLoss",
            "pLoss", "SrcGap", "DstGap", "Rate", "SrcRate", "DstRate", "State", "SrcWin",
            "DstWin", "sVid", "dVid", "SrcTCPBase", "DstTCPBase", "TcpRtt", "SynAck", "AckDat");

    public static final String LABEL = "Label";
    public static final String ATTACK_TYPE = "Attack Type";
    public static final String ATTACK_TOOL = "Attack Tool";
    /** Header cell of the leading pandas row-index column (empty in the file). */
    public static final String ROW_INDEX = "";

    /** All 52 columns of Combined.csv, in file order. */
    public static final List<String> ALL_COLUMNS;

    static {
        String[] all = new String[52];
        all[0] = ROW_INDEX;
        for (int i = 0; i < 48; i++) {
            all[i + 1] = FEATURE_COLUMNS.get(i);
        }
        all[49] = LABEL;
        all[50] = ATTACK_TYPE;
        all[51] = ATTACK_TOOL;
        ALL_COLUMNS = List.of(all);
    }

    /** Classes (values of {@code Attack Type}) in the order used for class ids. */
    public static final List<String> CLASSES = List.of(
            "Benign", "UDPFlood", "HTTPFlood", "SlowrateDoS", "TCPConnectScan", "SYNScan", "UDPScan",
            "SYNFlood", "ICMPFlood");

    /** Published row count per class (same order as {@link #CLASSES}); total 1,215,890. */
    public static final long[] PUBLISHED_COUNTS = {
        477_737, 457_340, 140_812, 73_124, 20_052, 20_043, 15_906, 9_721, 1_155};

    /** Categorical feature columns (text values in the file). */
    public static final Set<String> CATEGORICAL = Collections.unmodifiableSet(new LinkedHashSet<>(
            Arrays.asList("Proto", "sDSb", "dDSb", "Cause", "State")));

    /**
     * Columns never used as features: the row index, capture order ({@code Seq}, {@code Offset}, which leak
     * the capture session and hence the class) and the two label columns that are not the target.
     */
    public static final Set<String> NON_FEATURES = Collections.unmodifiableSet(new LinkedHashSet<>(
            Arrays.asList(ROW_INDEX, "Unnamed: 0", "Seq", "Offset", LABEL, ATTACK_TOOL,
                    "SrcAddr", "DstAddr", "Sport", "Dport", "StartTime", "LastTime")));

    /**
     * Column mapping that reads a real (or generated) Combined.csv: target {@code Attack Type}, classes in
     * {@link #CLASSES} order, categoricals {@link #CATEGORICAL}, and {@link #NON_FEATURES} dropped when present.
     */
    public static ColumnMapping mapping() {
        return DataDescription.preset("5g-nidd").mapping();
    }

    /** Probability that a row is of class {@code c} under the published mix. */
    public static double[] publishedMix() {
        double total = 0;
        for (long n : PUBLISHED_COUNTS) {
            total += n;
        }
        double[] p = new double[PUBLISHED_COUNTS.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = PUBLISHED_COUNTS[i] / total;
        }
        return p;
    }
}
