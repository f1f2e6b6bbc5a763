package io.edgedistill.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** Figures of a fault test, appended to {@code target/reliability-report.txt} (the source of docs/reliability.md). */
final class Report {
    private static final Path FILE = Path.of("target", "reliability-report.txt");

    private Report() {
    }

    static synchronized void write(String test, String line) {
        String entry = Instant.now() + " " + test + ": " + line + System.lineSeparator();
        System.out.print(entry);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
