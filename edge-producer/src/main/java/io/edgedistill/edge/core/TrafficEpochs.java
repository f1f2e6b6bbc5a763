package io.edgedistill.edge.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The epochs of an edge's flow numbers ({@code edgedistill-seq}): each start of the traffic streamer takes one above
 * every epoch before, so a restarted edge never reuses a number the processor has seen (its replay window would
 * refuse the flows). An epoch is the wall-clock time in milliseconds, raised above the last one this JVM used and, with
 * a state file, the last one persisted there: an edge whose clock goes back across a restart still moves forward.
 */
final class TrafficEpochs {
    private static long last;

    private TrafficEpochs() {
    }

    /** The next epoch; {@code stateFile} (null = none) is read first and holds the new epoch afterwards. */
    static synchronized long next(Path stateFile) {
        long persisted = Long.MIN_VALUE;
        if (stateFile != null && Files.isRegularFile(stateFile)) {
            try {
                persisted = Long.parseLong(Files.readString(stateFile, StandardCharsets.UTF_8).trim());
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read the traffic epoch from " + stateFile + ": " + e.getMessage(), e);
            }
        }
        long epoch = Math.max(System.currentTimeMillis(), Math.max(last, persisted) + 1);
        last = epoch;
        if (stateFile != null) {
            try {
                Files.createDirectories(stateFile.toAbsolutePath().getParent());
                Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
                Files.writeString(tmp, Long.toString(epoch), StandardCharsets.UTF_8);
                Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the traffic epoch to " + stateFile, e);
            }
        }
        return epoch;
    }
}
