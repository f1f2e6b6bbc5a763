package io.edgedistill.processor.contributions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.mixture.ClassSubClusters;
import io.edgedistill.core.mixture.SubCluster;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary encoding of a validated core {@link SummaryStats} for the processor's internal topics and
 * state stores (repartition topic, submissions store). Internal only: never on a public topic. Privacy
 * reports are not carried (the processor does not use them).
 */
public final class CoreSummaryCodec {
    /** 1: summary v1; 2: followed by the sub-cluster statistics (or none). Both are read. */
    private static final int VERSION = 2;

    private CoreSummaryCodec() {
    }

    public static Serde<SummaryStats> serde() {
        return Serdes.serdeFrom((t, s) -> s == null ? null : encode(s), (t, b) -> b == null ? null : decode(b));
    }

    public static byte[] encode(SummaryStats s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * s.means().length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(s.edgeId());
            out.writeLong(s.roundId());
            out.writeByte(s.kind().ordinal());
            out.writeInt(s.k());
            out.writeInt(s.numClasses());
            out.writeInt(s.embedDim());
            out.writeInt(s.dIn());
            for (long c : s.counts()) {
                out.writeLong(c);
            }
            floats(out, s.means());
            floats(out, s.secondMoments());
            floats(out, s.inputMeans());
            floats(out, s.inputSecondMoments());
            subClusters(out, s.subClusters());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SummaryStats decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int v = in.readByte();
            if (v != 1 && v != VERSION) {
                throw new IllegalArgumentException("unknown internal summary encoding " + v);
            }
            String edge = in.readUTF();
            long round = in.readLong();
            SummaryKind kind = SummaryKind.values()[in.readByte()];
            int k = in.readInt();
            int c = in.readInt();
            int e = in.readInt();
            int d = in.readInt();
            long[] counts = new long[c];
            for (int i = 0; i < c; i++) {
                counts[i] = in.readLong();
            }
            return new SummaryStats(edge, round, kind, k, c, e, d, counts, readFloats(in), readFloats(in),
                    readFloats(in), readFloats(in), null, v == 1 ? null : readSubClusters(in, edge, c, d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void subClusters(DataOutputStream out, SubClusterSummary s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(s.kMin());
        for (ClassSubClusters cc : s.classes()) {
            out.writeLong(cc.count());
            out.writeInt(cc.clusters().size());
            for (SubCluster m : cc.clusters()) {
                out.writeLong(m.count());
                floats(out, m.mean());
                floats(out, m.variance());
            }
        }
    }

    private static SubClusterSummary readSubClusters(DataInputStream in, String edge, int numClasses, int dIn)
            throws IOException {
        int kMin = in.readInt();
        if (kMin < 0) {
            return null;
        }
        List<ClassSubClusters> classes = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            long count = in.readLong();
            int m = in.readInt();
            List<SubCluster> clusters = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                clusters.add(new SubCluster(in.readLong(), readFloats(in), readFloats(in)));
            }
            classes.add(new ClassSubClusters(c, count, clusters));
        }
        return new SubClusterSummary(edge, numClasses, dIn, kMin, classes);
    }

    private static void floats(DataOutputStream out, float[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (float f : a) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }
}
