package io.edgedistill.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.edgedistill.core.util.GaussianMixture;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelTest {
    static final GaussianMixture GM = new GaussianMixture(3, 6, 1.2, 1.0, 12L);

    static double accuracy(MlpModel m, GaussianMixture.Data d) {
        int[] p = m.predict(d.x(), d.n());
        int ok = 0;
        for (int i = 0; i < d.n(); i++) {
            ok += p[i] == d.y()[i] ? 1 : 0;
        }
        return ok / (double) d.n();
    }

    @Test
    void kdLossMatchesHandComputedValue() {
        // student [1,2,0], teacher [2,1,0], label 0, T=2, α=0.7:
        // KL(p_t^T || p_s^T) = 0.0996422527, CE = 1.4076059644 -> 0.7·4·KL + 0.3·CE = 0.7012800968
        float[] s = {1f, 2f, 0f};
        float[] t = {2f, 1f, 0f};
        assertThat(DistillationLoss.value(s, t, 0, 2f, 0.7f)).isCloseTo(0.7012800968, within(1e-7));
        double[] pt = DistillationLoss.softmax(t, 2f);
        float[] ptf = {(float) pt[0], (float) pt[1], (float) pt[2]};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loss = DistillationLoss.loss(m.create(s, new Shape(1, 3)), m.create(ptf, new Shape(1, 3)),
                    m.create(new float[] {1f, 0f, 0f}, new Shape(1, 3)), 2f, 0.7f);
            assertThat(loss.getFloat()).isCloseTo(0.70128f, within(1e-4f));
        }
    }

    @Test
    void teacherAndDistilledStudentLearnTheTask() {
        GaussianMixture.Data train = GM.balanced(600, 1L);
        GaussianMixture.Data test = GM.balanced(600, 2L);
        MlpModel teacher = MlpTrainer.train(new int[] {64, 32}, train.x(), train.n(), train.y(), null, 3,
                new TrainConfig(40, 128, 5e-3f, 1e-4f, 1f, 0f, 1L));
        assertThat(accuracy(teacher, test)).isGreaterThan(0.8);
        MlpModel student = MlpTrainer.distill(teacher, new int[] {16}, train.x(), train.n(), train.y(),
                new TrainConfig(40, 128, 5e-3f, 1e-4f, 4f, 0.7f, 2L));
        assertThat(student.parameterCount()).isLessThan(teacher.parameterCount());
        assertThat(accuracy(student, test)).isGreaterThan(accuracy(teacher, test) - 0.05);
        float[] p = student.predictProba(Arrays.copyOf(test.x(), 5 * 6), 5);
        for (int i = 0; i < 5; i++) {
            assertThat(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).isCloseTo(1f, within(1e-5f));
        }
    }

    /**
     * Garbage collection during training must not change the model: the loss's scalar operands live until the backward
     * pass (with DJL's mul(Number)/div(Number) their memory could be freed by a collection between the forward and the
     * backward pass, and the student then trained on garbage gradients).
     */
    @Test
    void aStudentDistilledWhileTheGarbageCollectorRunsIsTheSameStudent() throws Exception {
        GaussianMixture.Data train = GM.balanced(600, 1L);
        MlpModel teacher = MlpTrainer.train(new int[] {32}, train.x(), train.n(), train.y(), null, 3,
                new TrainConfig(10, 128, 5e-3f, 1e-4f, 1f, 0f, 1L));
        TrainConfig cfg = new TrainConfig(20, 64, 5e-3f, 1e-4f, 4f, 0.7f, 2L);
        float[] quiet = MlpTrainer.distill(teacher, new int[] {16}, train.x(), train.n(), train.y(), cfg).weights(0);
        java.util.concurrent.atomic.AtomicBoolean run = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread collector = new Thread(() -> {
            while (run.get()) {
                System.gc();
                Thread.onSpinWait();
            }
        });
        collector.setDaemon(true);
        collector.start();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(MlpTrainer.distill(teacher, new int[] {16}, train.x(), train.n(), train.y(), cfg).weights(0))
                        .containsExactly(quiet);
            }
        } finally {
            run.set(false);
            collector.join();
        }
    }

    @Test
    void validationMetricsAndPublicationGate() {
        Validation v = Validation.of(new int[] {0, 0, 1, 2, 2, 1}, new int[] {0, 1, 1, 2, 2, 2}, 3);
        assertThat(v.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
        // F1: class0 2/3, class1 2*1/(2+1+1)=0.5, class2 2*2/(4+0+1)=0.8
        assertThat(v.macroF1()).isCloseTo((2 / 3.0 + 0.5 + 0.8) / 3, within(1e-12));
        GaussianMixture.Data train = GM.balanced(300, 1L);
        MlpModel good = MlpTrainer.train(new int[] {32}, train.x(), train.n(), train.y(), null, 3,
                new TrainConfig(30, 64, 5e-3f, 0f, 1f, 0f, 1L));
        MlpModel bad = MlpTrainer.train(new int[] {32}, train.x(), train.n(), train.y(), null, 3,
                new TrainConfig(0, 64, 5e-3f, 0f, 1f, 0f, 1L));
        GaussianMixture.Data val = GM.balanced(300, 9L);
        assertThat(Validation.publishIfNotWorse(good, bad, val.x(), val.n(), val.y(), 0.0)).contains(good);
        assertThat(Validation.publishIfNotWorse(bad, good, val.x(), val.n(), val.y(), 0.0)).isEmpty();
    }

    @Test
    void modelFormatRoundtripsAndRejectsCorruption() throws Exception {
        GaussianMixture.Data train = GM.balanced(90, 1L);
        MlpModel m = MlpTrainer.train(new int[] {8}, train.x(), train.n(), train.y(), null, 3,
                new TrainConfig(2, 32, 1e-3f, 0f, 1f, 0f, 1L));
        byte[] bytes = ModelFormat.write(m);
        assertThat(bytes).hasSize(4 + 2 + 2 + 4 + 3 * 4 + (int) m.sizeBytes() + 32);
        MlpModel back = ModelFormat.read(bytes);
        assertThat(back.layerSizes()).containsExactly(6, 8, 3);
        for (int i = 0; i < m.numLayers(); i++) {
            assertThat(back.weights(i)).containsExactly(m.weights(i));
            assertThat(back.biases(i)).containsExactly(m.biases(i));
        }
        assertThat(ModelFormat.sha256Hex(bytes)).hasSize(64).isEqualTo(ModelFormat.sha256Hex(ModelFormat.write(back)));

        byte[] flipped = bytes.clone();
        flipped[40] ^= 0x01;
        assertThatThrownBy(() -> ModelFormat.read(flipped)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("checksum");
        assertThatThrownBy(() -> ModelFormat.read(Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(ModelFormatException.class);
        assertThatThrownBy(() -> ModelFormat.read(new byte[10])).isInstanceOf(ModelFormatException.class);
        // a valid checksum over a wrong magic / version is still rejected
        byte[] body = Arrays.copyOf(bytes, bytes.length - 32);
        body[0] = 'X';
        assertThatThrownBy(() -> ModelFormat.read(withHash(body))).hasMessageContaining("magic");
        byte[] v2 = Arrays.copyOf(bytes, bytes.length - 32);
        ByteBuffer.wrap(v2).putShort(4, (short) 2);
        assertThatThrownBy(() -> ModelFormat.read(withHash(v2))).hasMessageContaining("version");
    }

    private static byte[] withHash(byte[] body) {
        byte[] h = ModelFormat.sha256(body);
        byte[] all = Arrays.copyOf(body, body.length + 32);
        System.arraycopy(h, 0, all, body.length, 32);
        return all;
    }
}
