package io.edgedistill.core.util;

import java.util.Locale;

/**
 * Prints the machine's 2048³ matmul GFLOP/s ({@link Engines#matmulGflops}) with the engine's default threads: the
 * figure timings are reported beside. A process of its own, so that a caller whose engine runs one thread (the demo's
 * edges) still measures what {@code bench.perf.PerfBench} measures.
 */
public final class MatmulProbe {
    private MatmulProbe() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf(Locale.ROOT, "%.1f%n", Engines.matmulGflops(size, repeats));
    }

    /** Runs the probe in a child JVM on this JVM's class path; NaN when it fails. */
    public static double inChildJvm() {
        try {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Dai.djl.offline=true",
                    "-cp", System.getProperty("java.class.path"), MatmulProbe.class.getName())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return Double.NaN;
            }
            String[] lines = out.split("\\R");
            return Double.parseDouble(lines[lines.length - 1]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
