package io.edgedistill.core.data;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

/**
 * One flow record of {@link FiveGNiddGenerator} under construction, and its cells in
 * {@link FiveGNiddSchema#ALL_COLUMNS} order: the profiles ({@link BenignFlows}, {@link AttackFlows}) set the
 * flow's fields, {@link #toCells} derives the rest of the Argus columns (totals, loads, rates, status-record
 * statistics) and leaves empty what Argus leaves empty. Null fields become empty cells.
 */
final class FlowRecord {
    private static final java.util.Map<String, Integer> COL_INDEX = new java.util.HashMap<>();

    static {
        for (int i = 0; i < FiveGNiddSchema.ALL_COLUMNS.size(); i++) {
            COL_INDEX.put(FiveGNiddSchema.ALL_COLUMNS.get(i), i);
        }
    }

    /** Plain decimal with at most 6 fractional digits; integers without a fraction. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    String toolHint;
    String proto;
    boolean l2;
    boolean hasHandshake;
    boolean dstTcpBaseMissing;
    boolean srcTcpBaseMissing;
    double dur;
    Integer sTtl;
    Integer dTtl;
    Integer sHops;
    Integer dHops;
    long srcPkts;
    long dstPkts;
    long srcBytes;
    long dstBytes;
    long srcLoss;
    long dstLoss;
    String state;
    Double srcWin;
    Double dstWin;
    Double tcpRtt;
    Double synAck;
    Double ackDat;

    long totPkts() {
        return srcPkts + dstPkts;
    }

    void tcpLoss(SplittableRandom r, double p) {
        if (r.nextDouble() < p) {
            srcLoss = Sampling.poisson(r, 0.02 * srcPkts + 0.5);
            dstLoss = Sampling.poisson(r, 0.02 * dstPkts + 0.5);
        }
    }

    /** Flow already running when the capture started: no SYN seen. */
    void noHandshakeFields() {
        srcWin = null;
        dstWin = null;
        srcTcpBaseMissing = true;
        dstTcpBaseMissing = true;
        tcpRtt = 0.0;
        synAck = 0.0;
        ackDat = 0.0;
    }

    /**
     * The same attack from another tool: flows {@code slower} times longer (a lower packet rate) whose source packets
     * carry {@code larger} times the payload bytes, and a TTL one hop further (another launch host).
     */
    void variant(double slower, double larger) {
        dur *= slower;
        srcBytes = Math.round(srcBytes * larger);
        if (sTtl != null) {
            sTtl = Math.max(1, sTtl - 1);
        }
    }

    void partial(SplittableRandom r) {
        noHandshakeFields();
        // mid-stream packets are plain ACK-sized segments
        srcBytes = Math.max(srcPkts * 54, srcBytes - 20L * Math.min(srcPkts, 1));
    }

    String[] toCells(int rowIndex, long seq, long offset, int cls, SplittableRandom r) {
        String[] c = new String[52];
        java.util.Arrays.fill(c, "");
        c[0] = Long.toString(rowIndex);
        double d = Math.max(0, dur);
        // Argus merges long flows from several status records (-M): Mean/Min/Max of record durations
        int records = d > 5 ? (int) Math.min(20, 1 + Math.floor(d / 5.0)) : 1;
        double mean = d / records;
        double min = records > 1 ? mean * Sampling.uniform(r, 0.2, 0.95) : d;
        double max = records > 1 ? Math.min(d, mean * Sampling.uniform(r, 1.05, 1.8)) : d;
        put(c, "Seq", seq);
        put(c, "Dur", d);
        put(c, "RunTime", d);
        put(c, "Mean", mean);
        put(c, "Sum", d);
        put(c, "Min", min);
        put(c, "Max", max);
        c[col("Proto")] = proto;
        boolean reply = dstPkts > 0;
        if (!l2) {
            put(c, "sTos", r.nextDouble() < 0.97 ? 0 : 4 * (1 + r.nextInt(2)));
            c[col("sDSb")] = r.nextDouble() < 0.985 ? "cs0" : (r.nextBoolean() ? "ef" : "af11");
            if (sTtl != null) {
                put(c, "sTtl", sTtl);
                put(c, "sHops", sHops);
            }
            if (reply && dTtl != null) {
                put(c, "dTos", 0);
                c[col("dDSb")] = "cs0";
                put(c, "dTtl", dTtl);
                put(c, "dHops", dHops);
            }
        }
        double u = r.nextDouble();
        c[col("Cause")] = records > 1 ? "Status" : (u < 0.8 ? "Start" : (u < 0.97 ? "Status" : "Stop"));
        put(c, "TotPkts", srcPkts + dstPkts);
        put(c, "SrcPkts", srcPkts);
        put(c, "DstPkts", dstPkts);
        put(c, "TotBytes", srcBytes + dstBytes);
        put(c, "SrcBytes", srcBytes);
        put(c, "DstBytes", dstBytes);
        put(c, "Offset", offset);
        put(c, "sMeanPktSz", srcPkts > 0 ? (double) srcBytes / srcPkts : 0);
        put(c, "dMeanPktSz", dstPkts > 0 ? (double) dstBytes / dstPkts : 0);
        boolean timed = d > 0;
        put(c, "Load", timed ? 8.0 * (srcBytes + dstBytes) / d : 0);
        put(c, "SrcLoad", timed ? 8.0 * srcBytes / d : 0);
        put(c, "DstLoad", timed ? 8.0 * dstBytes / d : 0);
        long loss = srcLoss + dstLoss;
        put(c, "Loss", loss);
        put(c, "SrcLoss", srcLoss);
        put(c, "DstLoss", dstLoss);
        put(c, "pLoss", srcPkts + dstPkts > 0 ? 100.0 * loss / (srcPkts + dstPkts + loss) : 0);
        boolean tcp = "tcp".equals(proto);
        if (tcp) {
            put(c, "SrcGap", srcLoss > 0 ? srcLoss * 1448 : 0);
            put(c, "DstGap", dstLoss > 0 ? dstLoss * 1448 : 0);
        }
        put(c, "Rate", timed ? (srcPkts + dstPkts - 1) / d : 0);
        put(c, "SrcRate", timed && srcPkts > 1 ? (srcPkts - 1) / d : 0);
        put(c, "DstRate", timed && dstPkts > 1 ? (dstPkts - 1) / d : 0);
        c[col("State")] = state;
        if (tcp) {
            if (srcWin != null) {
                put(c, "SrcWin", srcWin);
            }
            if (dstWin != null && reply) {
                put(c, "DstWin", dstWin);
            }
            if (!srcTcpBaseMissing) {
                put(c, "SrcTCPBase", (double) (r.nextLong() >>> 32));
            }
            if (!dstTcpBaseMissing && reply) {
                put(c, "DstTCPBase", (double) (r.nextLong() >>> 32));
            }
            put(c, "TcpRtt", tcpRtt == null ? 0.0 : tcpRtt);
            put(c, "SynAck", synAck == null ? 0.0 : synAck);
            put(c, "AckDat", ackDat == null ? 0.0 : ackDat);
        } else {
            put(c, "TcpRtt", 0);
            put(c, "SynAck", 0);
            put(c, "AckDat", 0);
        }
        if (r.nextDouble() < 0.003) {
            put(c, "sVid", 100 + r.nextInt(4));
        }
        String type = FiveGNiddSchema.CLASSES.get(cls);
        c[49] = cls == 0 ? "Benign" : "Malicious";
        c[50] = type;
        c[51] = tool(type, toolHint);
        return c;
    }

    private static String tool(String type, String hint) {
        switch (type) {
            case "Benign":
                return "Benign";
            case "UDPFlood":
            case "SYNFlood":
            case "ICMPFlood":
                return "Hping3";
            case "HTTPFlood":
                return "Goldeneye";
            case "SlowrateDoS":
                return "Torshammer".equals(hint) ? "Torshammer" : "Slowloris";
            default:
                return "Nmap";
        }
    }

    private static int col(String name) {
        return COL_INDEX.get(name);
    }

    private static void put(String[] c, String name, double v) {
        c[col(name)] = num(v);
    }
}
