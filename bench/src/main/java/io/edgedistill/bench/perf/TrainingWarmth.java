package io.edgedistill.bench.perf;

import java.util.Locale;

import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.Sampling;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;

/**
 * How much of the updater's training time is first-use cost: trains the updater's first-model recipe (teacher 128-64,
 * student 32, the default epochs, on {@code rows} rows of {@code dim} features and 9 classes) {@code repeats} times in
 * one JVM and prints each repetition's teacher and student seconds. Run it with
 * {@code -Dai.djl.pytorch.num_threads=1} for the demo's setting.
 *
 * <pre>java -Dai.djl.offline=true -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     io.edgedistill.bench.perf.TrainingWarmth [repeats=5] [rows=9000] [dim=75]</pre>
 */
public final class TrainingWarmth {
    private TrainingWarmth() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 9000;
        int d = args.length > 2 ? Integer.parseInt(args[2]) : 75;
        int c = 9;
        Dataset rows = Sampling.classBlobs(n, d, c, 1);
        float[] x = rows.x();
        int[] y = rows.y();
        GeneratedTraining.Settings s = GeneratedTraining.Settings.defaults(4f, 0.7f);
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            MlpModel teacher = MlpTrainer.train(new int[] {128, 64}, x, n, y, null, c, s.teacherConfig(rep));
            long t1 = System.nanoTime();
            MlpTrainer.distill(teacher, new int[] {32}, x, n, y, s.studentConfig(rep));
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "repetition %d: teacher %.2f s, student %.2f s%n", rep, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }
}
