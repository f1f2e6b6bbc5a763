package io.edgedistill.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The figures only this simulation knows, for the console's page: each model's held-out macro-F1 and the pooled
 * reference. Written to the file the console reads ({@code console.references-file}; the format is the one its
 * {@code io.edgedistill.console.view.References} reads), atomically, after every change.
 */
final class ConsoleReferences {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Double> heldOut = new LinkedHashMap<>();
    private Double pooled;
    private String pooledWhat = "";

    ConsoleReferences(Path file) {
        this.file = file;
        write();
    }

    Path file() {
        return file;
    }

    synchronized void heldOut(String model, double macroF1) {
        if (!Double.isNaN(macroF1)) {
            heldOut.put(model, macroF1);
            write();
        }
    }

    synchronized void pooled(double macroF1, String what) {
        pooled = macroF1;
        pooledWhat = what;
        write();
    }

    private void write() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("macroF1", pooled);
        p.put("what", pooledWhat);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("pooled", p);
        root.put("heldOut", heldOut);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the console's reference file " + file, e);
        }
    }
}
