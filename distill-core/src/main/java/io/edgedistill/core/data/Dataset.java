package io.edgedistill.core.data;

import java.util.Arrays;
import java.util.List;

/**
 * A numeric, labelled data set: row-major features {@code x} (n × d floats), class ids {@code y}, class and
 * feature names. Immutable by convention (accessors return the backing arrays for speed; do not modify).
 */
public final class Dataset {
    private final float[] x;
    private final int[] y;
    private final int n;
    private final int d;
    private final List<String> classNames;
    private final List<String> featureNames;

    public Dataset(float[] x, int[] y, int d, List<String> classNames, List<String> featureNames) {
        if (d <= 0 && y.length > 0) {
            throw new IllegalArgumentException("d must be > 0");
        }
        if ((long) y.length * d != x.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected " + y.length + "×" + d);
        }
        if (featureNames.size() != d) {
            throw new IllegalArgumentException("featureNames has " + featureNames.size() + " names, d=" + d);
        }
        for (int v : y) {
            if (v < 0 || v >= classNames.size()) {
                throw new IllegalArgumentException("label " + v + " outside [0," + classNames.size() + ")");
            }
        }
        this.x = x;
        this.y = y;
        this.n = y.length;
        this.d = d;
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
    }

    /** Builds from a row array (copied). */
    public static Dataset of(float[][] rows, int[] y, List<String> classNames, List<String> featureNames) {
        int d = featureNames.size();
        float[] x = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, x, i * d, d);
        }
        return new Dataset(x, y.clone(), d, classNames, featureNames);
    }

    public int size() {
        return n;
    }

    public int dim() {
        return d;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Row-major n×d feature matrix (backing array). */
    public float[] x() {
        return x;
    }

    /** Class ids (backing array). */
    public int[] y() {
        return y;
    }

    public List<String> classNames() {
        return classNames;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public float get(int i, int j) {
        return x[i * d + j];
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        return Arrays.copyOfRange(x, i * d, (i + 1) * d);
    }

    public int[] classCounts() {
        int[] c = new int[classNames.size()];
        for (int v : y) {
            c[v]++;
        }
        return c;
    }

    /** The rows at {@code idx}, in that order. */
    public Dataset subset(int[] idx) {
        float[] xx = new float[idx.length * d];
        int[] yy = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(x, idx[k] * d, xx, k * d, d);
            yy[k] = y[idx[k]];
        }
        return new Dataset(xx, yy, d, classNames, featureNames);
    }

    /** Indices of the rows of class {@code c}. */
    public int[] indicesOf(int c) {
        int cnt = 0;
        for (int v : y) {
            if (v == c) {
                cnt++;
            }
        }
        int[] out = new int[cnt];
        int p = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == c) {
                out[p++] = i;
            }
        }
        return out;
    }

    /** Concatenates data sets with the same classes and features. */
    public static Dataset concat(List<Dataset> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        Dataset first = parts.get(0);
        int total = 0;
        for (Dataset p : parts) {
            if (p.d != first.d || !p.classNames.equals(first.classNames)) {
                throw new IllegalArgumentException("incompatible parts");
            }
            total += p.n;
        }
        float[] xx = new float[total * first.d];
        int[] yy = new int[total];
        int off = 0;
        for (Dataset p : parts) {
            System.arraycopy(p.x, 0, xx, off * first.d, p.x.length);
            System.arraycopy(p.y, 0, yy, off, p.n);
            off += p.n;
        }
        return new Dataset(xx, yy, first.d, first.classNames, first.featureNames);
    }

    @Override
    public String toString() {
        return "Dataset{n=" + n + ", d=" + d + ", classes=" + classNames + ", counts="
                + Arrays.toString(classCounts()) + "}";
    }
}
