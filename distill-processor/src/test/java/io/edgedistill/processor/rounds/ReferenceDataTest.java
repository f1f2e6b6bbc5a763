package io.edgedistill.processor.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.schemas.RoundSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor fits its rounds' spec on the reference file through its data description, or refuses to start. */
class ReferenceDataTest {

    static final String NSL_ROW = "0,tcp,http,SF,232,8153,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,5,5,0.20,0.20,0.00,0.00,1.00,0.00,0.00,"
            + "30,255,1.00,0.00,0.03,0.04,0.03,0.01,0.00,0.01,";

    /** A few NSL-KDD-layout rows of three categories, with varying numbers so that no column is constant. */
    static Path nslFile(Path dir) throws Exception {
        StringBuilder b = new StringBuilder();
        String[] labels = {"normal", "neptune", "satan"};
        String[] proto = {"tcp", "udp", "icmp"};
        for (int i = 0; i < 60; i++) {
            b.append(i).append(',').append(proto[i % 3]).append(NSL_ROW.substring(NSL_ROW.indexOf(",http")))
                    .append(labels[i % 3]).append(",20\n");
        }
        Path f = dir.resolve("reference.txt");
        Files.writeString(f, b.toString());
        return f;
    }

    @Test
    void roundsCarryTheDescriptionsClassesAndBenignClass(@TempDir Path dir) throws Exception {
        var cfg = Fixtures.config(Map.of("processor.rounds.dataset", nslFile(dir).toString(),
                "processor.rounds.data-format", "nsl-kdd"));
        RoundSpec round = new RoundFactory(cfg.rounds()).round(1);
        assertThat(round.getClasses()).containsExactly("normal", "DoS", "Probe", "R2L", "U2R");
        FeatureSpec spec = FeatureSpec.fromJson(round.getPreprocessing().getJson());
        assertThat(spec.benignClass()).isEqualTo("normal");
        assertThat(round.getFeatureNames()).contains("protocol_type=tcp", "duration");
    }

    @Test
    void aReferenceFileOfAnotherFormatStopsTheStartNamingTheColumns(@TempDir Path dir) throws Exception {
        var cfg = Fixtures.config(Map.of("processor.rounds.dataset", nslFile(dir).toString(),
                "processor.rounds.data-format", "5g-nidd"));
        assertThatThrownBy(() -> new RoundFactory(cfg.rounds()).featureSpec())
                .isInstanceOf(DataDescription.Mismatch.class)
                .hasMessageContaining("missing columns [Attack Type, Dur, RunTime");
    }

    @Test
    void generatedRowsNeedTheFiveGNiddFormat() {
        var cfg = Fixtures.config(Map.of("processor.rounds.data-format", "nsl-kdd"));
        assertThatThrownBy(() -> new RoundFactory(cfg.rounds()).featureSpec())
                .hasMessageContaining("processor.rounds.dataset=generated makes 5G-NIDD-schema rows");
    }
}
