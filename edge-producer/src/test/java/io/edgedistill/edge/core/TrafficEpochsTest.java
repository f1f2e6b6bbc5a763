package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficEpochsTest {

    @Test
    void everyEpochIsAboveThePersistedOneEvenWhenTheClockIsBehindIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge-1").resolve("traffic-epoch");
        long first = TrafficEpochs.next(file);
        assertThat(Long.parseLong(Files.readString(file).trim())).isEqualTo(first);
        assertThat(TrafficEpochs.next(file)).isGreaterThan(first);

        long future = System.currentTimeMillis() + 3_600_000L; // as if the clock went back an hour since the last start
        Files.writeString(file, Long.toString(future));
        long next = TrafficEpochs.next(file);
        assertThat(next).isEqualTo(future + 1);
        assertThat(TrafficEpochs.next(null)).as("this JVM's epochs only grow too").isGreaterThan(next);
    }
}
