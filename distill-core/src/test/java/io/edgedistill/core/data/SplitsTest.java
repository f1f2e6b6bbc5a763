package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void stratifiedSplitKeepsClassProportionsAndIsDisjoint() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 900 ? 0 : (i < 990 ? 1 : 2);
        }
        Splits.TrainTest tt = Splits.stratified(y, 3, 0.2, 5);
        assertThat(tt.train().length + tt.test().length).isEqualTo(1000);
        int[] tc = new int[3];
        for (int i : tt.test()) {
            tc[y[i]]++;
        }
        assertThat(tc).containsExactly(180, 18, 2);
        int[] all = new int[1000];
        System.arraycopy(tt.train(), 0, all, 0, tt.train().length);
        System.arraycopy(tt.test(), 0, all, tt.train().length, tt.test().length);
        Arrays.sort(all);
        for (int i = 0; i < 1000; i++) {
            assertThat(all[i]).isEqualTo(i);
        }
        assertThat(Splits.stratified(y, 3, 0.2, 5).test()).containsExactly(tt.test());
        assertThat(Splits.stratified(y, 3, 0.2, 6).test()).isNotEqualTo(tt.test());
    }

    @Test
    void randomPerClassTakesAtMostKOfEach() {
        int[] y = {0, 0, 0, 0, 1, 1, 2, 0, 1, 0};
        int[] pick = Splits.randomPerClass(y, 3, 2, 1);
        int[] c = new int[3];
        for (int i : pick) {
            c[y[i]]++;
        }
        assertThat(c).containsExactly(2, 2, 1);
    }
}
