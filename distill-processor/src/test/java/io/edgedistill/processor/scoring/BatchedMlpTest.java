package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import io.edgedistill.core.model.MlpModel;
import org.junit.jupiter.api.Test;

class BatchedMlpTest {

    @Test
    void javaPathAgreesWithTheDjlForwardPass() {
        SplittableRandom r = new SplittableRandom(5);
        int[] sizes = {20, 32, 16, 9};
        float[][] w = new float[3][];
        float[][] b = new float[3][];
        for (int l = 0; l < 3; l++) {
            w[l] = new float[sizes[l] * sizes[l + 1]];
            b[l] = new float[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = (float) (r.nextDouble() - 0.5);
            }
            for (int i = 0; i < b[l].length; i++) {
                b[l][i] = (float) (r.nextDouble() - 0.5);
            }
        }
        MlpModel m = new MlpModel(sizes, w, b);
        int n = 300;
        float[] x = new float[n * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7 == 0 ? 0f : (float) (r.nextDouble() * 4 - 2);
        }
        float[] java = new BatchedMlp(m, true).probabilities(x, n);
        float[] djl = new BatchedMlp(m, false).probabilities(x, n);
        assertThat(new BatchedMlp(m).usesJava()).isTrue();
        assertThat(java).hasSize(n * 9);
        for (int i = 0; i < java.length; i++) {
            assertThat(java[i]).isCloseTo(djl[i], within(1e-5f));
        }
    }
}
