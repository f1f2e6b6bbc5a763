package io.edgedistill.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgedistill.core.data.RawDataset;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The sub-cluster methods run in the harness on tiny generated data (sizes far below the real evaluation). */
class SubclusterMethodsTest {

    @Test
    void theSubClusterMethodsAndTheShippedModelRunOnTheHarnessPartitionWithSaneNumbers() {
        RawDataset raw = DataLoading.generate5gNidd(2500, 3, 40);
        DataLoading.Prepared p = DataLoading.split(raw, 0.25, 1, "smoke");
        Harness h = new Harness(p.train(), p.test(), p.spec(), new SubclusterSettings(4, 10, 100, 0, true, false,
                SubclusterSettings.shippedDefaults()));
        Harness.Settings s = new Harness.Settings(3, 1.0, 2, 5, 2, 16, 8, 10, 0.03f, 0.5f, 16, 1, true, true, 3f, 3f, true);

        List<Harness.Run> runs = h.runRep(s, 0, List.of(Harness.POOLED, Harness.SUBCLUSTER, Harness.SUBCLUSTER_TEACHER,
                Harness.SHIPPED, Harness.SHIPPED_REFINED));

        assertThat(runs).extracting(Harness.Run::method).containsExactly(Harness.POOLED, Harness.SUBCLUSTER,
                Harness.SUBCLUSTER_TEACHER, Harness.SHIPPED, Harness.SHIPPED_REFINED);
        for (Harness.Run r : runs) {
            assertThat(r.macroF1()).as(r.method()).isBetween(0.0, 1.0);
        }
        assertThat(runs.get(1).macroF1()).isGreaterThan(0.3); // well above chance (about 0.11 for 9 classes)
        assertThat(runs.get(1).bytesPerEdge()).isPositive().isLessThan(runs.get(0).bytesPerEdge());
        assertThat(runs.get(1).bytesPerEdge()).isEqualTo(runs.get(2).bytesPerEdge()).isEqualTo(runs.get(3).bytesPerEdge());
        assertThat(runs.get(3).macroF1()).as("the shipped student").isGreaterThan(0.3);
        assertThat(runs.get(4).macroF1()).as("the refined shipped student").isGreaterThan(0.3);
        assertThat(h.privacyRows()).hasSize(1);
    }

    @Test
    void cliRejectsAnUnknownMethodAndReportsThePrivacyCheck() {
        EvaluateMain bad = new EvaluateMain();
        assertThat(new CommandLine(bad).execute("--generate", "1500", "--min-per-class", "40", "--methods", "pooled,nope"))
                .isNotZero();
        EvaluateMain main = new EvaluateMain();
        int rc = new CommandLine(main).execute("--generate", "3000", "--min-per-class", "40", "--edges", "4",
                "--beta", "0.5", "--ipc", "3", "--reps", "1", "--k", "2", "--hidden", "16", "--embed", "8",
                "--mlp-hidden", "16", "--methods", "pooled,subcluster-prior", "--subclusters", "4",
                "--generated-per-class", "100", "--privacy-check", "--float16");
        assertThat(rc).isZero();
        assertThat(main.lastReport).contains("| subcluster-prior |").contains("Nearest real row");
    }
}
