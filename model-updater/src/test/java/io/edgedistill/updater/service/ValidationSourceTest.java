package io.edgedistill.updater.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import io.edgedistill.core.data.DataDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The updater's validation file is read and checked through its data description when the updater starts. */
class ValidationSourceTest {

    @Test
    void aMatchingFileIsReadInTheDescriptionsClassOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("validation.csv");
        Files.writeString(f, "bytes,proto,Label\n10,tcp,ok\n20,udp,bad\n30,tcp,bad\n");
        Path yaml = dir.resolve("mine.yaml");
        Files.writeString(yaml, "name: mine\nlabel: Label\nfeatures: [bytes, proto]\ncategorical: [proto]\nclasses: [ok, bad]\nbenign: ok\n");
        ValidationSource v = ValidationSource.csv(f, 0, DataDescription.resolve(yaml.toString()));
        assertThat(v.load().classNames()).containsExactly("ok", "bad");
        assertThat(v.load().classCounts()).containsExactly(1, 2);
        assertThat(v.describe()).contains("mine", "3 rows");
    }

    @Test
    void aFileThatDoesNotMatchFailsWhenTheSourceIsMadeNotOnFirstUse(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("validation.csv");
        Files.writeString(f, "bytes,proto,Label\n10,tcp,ok\n");
        assertThatThrownBy(() -> ValidationSource.csv(f, 0, DataDescription.preset("cic-ids2017")))
                .isInstanceOf(DataDescription.Mismatch.class)
                .hasMessageContaining("missing columns [Flow Duration")
                .hasMessageContaining("extra columns [bytes, proto]");
    }
}
