package io.edgedistill.bench.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One tiny round of the speed harness: every figure it reports is printed (sizes far below the real ones). */
class PerfBenchSmokeTest {

    @Test
    void reportsEveryMeasure() {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            PerfBench.main(new String[] {"--n", "64", "--d", "8", "--k", "2", "--hidden", "16", "--embed", "8",
                    "--classes", "3", "--ipc", "2,4", "--rounds", "1", "--matmul", "64", "--steps", "3"});
        } finally {
            System.setOut(out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("(a) DJL matmul 64^3").contains("(b) batched embedding kernel")
                .contains("(c) optimiser step IPC=2 (m=6)").contains("the step's four matmuls alone (m=6)")
                .contains("(c) optimiser step IPC=4 (m=12)").contains("the step's four matmuls alone (m=12)")
                .contains("(d) edge summary (64 rows)").contains("(e) student MLP").contains("summary size");
        assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
    }
}
