package io.edgedistill.schemas.mapping;

import java.util.ArrayList;
import java.util.List;

/** Avro float arrays ({@code List<Float>}) to and from the core's {@code float[]}. */
public final class FloatLists {

    private FloatLists() {
    }

    /** The values as an Avro float array. */
    public static List<Float> of(float[] a) {
        List<Float> out = new ArrayList<>(a.length);
        for (float f : a) {
            out.add(f);
        }
        return out;
    }

    /** An Avro float array as values. */
    public static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }
}
