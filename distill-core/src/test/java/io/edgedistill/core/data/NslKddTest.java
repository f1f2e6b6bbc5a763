package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NslKddTest {

    @Test
    void attackNamesMapToTheFiveCategories() {
        assertThat(NslKdd.category("normal")).isEqualTo("normal");
        assertThat(NslKdd.category("neptune")).isEqualTo("DoS");
        assertThat(NslKdd.category("smurf.")).isEqualTo("DoS");
        assertThat(NslKdd.category("portsweep")).isEqualTo("Probe");
        assertThat(NslKdd.category("guess_passwd")).isEqualTo("R2L");
        assertThat(NslKdd.category("buffer_overflow")).isEqualTo("U2R");
        assertThat(NslKdd.category("no_such_attack")).isNull();
        assertThat(NslKdd.COLUMNS).hasSize(43);
    }

    @Test
    void readsTheRealTwentyPercentFile() throws Exception {
        Optional<Path> file = NslKdd.locateTrain20();
        assumeTrue(file.isPresent(),
                "NSL-KDD file ../shared/datasets/nsl-kdd/KDDTrain+_20Percent.txt not found beside the repository: skipped");
        RawDataset raw = NslKdd.load(file.get());
        assertThat(raw.size()).isEqualTo(25_192);
        assertThat(raw.skippedRows()).isZero();
        assertThat(raw.columnNames()).hasSize(41).doesNotContain("difficulty", "label");
        assertThat(raw.classNames()).containsExactly("normal", "DoS", "Probe", "R2L", "U2R");
        int[] counts = raw.classCounts();
        assertThat(counts[0]).isBetween(13_000, 14_000); // normal 13,449
        assertThat(counts[1]).isBetween(9_000, 9_500);   // DoS 9,234
        assertThat(counts[4]).isBetween(5, 20);          // U2R 11
        FeatureSpec spec = Preprocessor.fit(raw);
        // protocol_type, service, flag one-hot encoded
        assertThat(spec.featureNames()).contains("protocol_type=tcp", "flag=SF", "service=http");
        Dataset d = spec.transform(raw);
        assertThat(d.size()).isEqualTo(25_192);
        FeatureSpec back = FeatureSpec.fromJson(spec.toJson());
        assertThat(back.transform(raw).x()).isEqualTo(d.x());
    }
}
