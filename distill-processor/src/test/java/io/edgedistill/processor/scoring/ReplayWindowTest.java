package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void everyNumberIsAcceptedOnceInAnyOrderWithinTheWindow() {
        ReplayWindow w = new ReplayWindow(128);
        // every number arrives out of order, but never after a number more than 60 above it
        SplittableRandom r = new SplittableRandom(3);
        double[] key = new double[1000];
        for (int i = 0; i < key.length; i++) {
            key[i] = i + r.nextDouble() * 60;
        }
        int[] order = java.util.stream.IntStream.range(0, key.length).boxed()
                .sorted(java.util.Comparator.comparingDouble(i -> key[i])).mapToInt(Integer::intValue).toArray();
        for (int n : order) {
            assertThat(w.offer(7, n)).as("first time %d", n).isEmpty();
        }
        for (int n = 900; n < 1000; n++) {
            assertThat(w.offer(7, n)).as("again %d", n).get().asString().startsWith("replay");
        }
        assertThat(w.offer(7, 10)).get().asString().startsWith("too old");
    }

    @Test
    void theStateSurvivesEncodingAndANewEpochStartsAfresh() {
        ReplayWindow w = new ReplayWindow(64);
        w.offer(1, 5);
        w.offer(1, 200);
        ReplayWindow back = ReplayWindow.decode(w.encode(), 64);
        assertThat(back.offer(1, 200)).isPresent();
        assertThat(back.offer(1, 199)).isEmpty();
        assertThat(back.offer(0, 999)).get().asString().contains("older than");
        assertThat(back.offer(2, 0)).isEmpty();
        assertThat(back.offer(2, 0)).isPresent();
        assertThat(ReplayWindow.decode(null, 64).offer(9, 0)).isEmpty();
        assertThatThrownBy(() -> new ReplayWindow(100)).hasMessageContaining("multiple of 64");
    }
}
