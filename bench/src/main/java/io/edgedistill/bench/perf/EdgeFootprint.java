package io.edgedistill.bench.perf;

import java.util.Arrays;
import java.util.Locale;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.TrainConfig;

/**
 * What the model an edge runs costs the edge: its size in the update (the {@link ModelFormat} bytes), the Java heap it
 * holds, and the time to score flows in batches of 1, 64 and 512 (the edge's default {@code edge.score-batch}), per
 * flow, median of {@code repeats}. The architecture is the updater's default student, {@code dim} → 32 → 9.
 *
 * <pre>java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.edgedistill.bench.perf.EdgeFootprint [dim=75] [repeats=200]</pre>
 */
public final class EdgeFootprint {
    private EdgeFootprint() {
    }

    public static void main(String[] args) {
        int d = args.length > 0 ? Integer.parseInt(args[0]) : 75;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int c = 9;
        Dataset rows = Sampling.classBlobs(4096, d, c, 3);
        MlpModel model = MlpTrainer.train(new int[] {32}, rows.x(), rows.size(), rows.y(), null, c,
                new TrainConfig(2, 128, 3e-3f, 1e-5f, 1f, 0f, 1));
        byte[] bytes = ModelFormat.write(model);
        long params = 0;
        for (int l = 0; l < model.numLayers(); l++) {
            params += model.weights(l).length + model.biases(l).length;
        }
        System.out.printf(Locale.ROOT, "student %d-32-%d: %d parameters, %d bytes in the update, about %d bytes of heap "
                + "(weights and biases as float arrays)%n", d, c, params, bytes.length, params * 4);
        for (int batch : new int[] {1, 64, 512}) {
            float[] x = Arrays.copyOf(rows.x(), batch * d);
            for (int w = 0; w < 50; w++) {
                model.predictProba(x, batch);
            }
            double[] t = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                model.predictProba(x, batch);
                t[r] = (System.nanoTime() - t0) / 1e3;
            }
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "batch %3d: median %.1f µs per batch, %.2f µs per flow (p90 %.1f µs per batch)%n",
                    batch, t[repeats / 2], t[repeats / 2] / batch, t[(int) (repeats * 0.9)]);
        }
    }
}
