package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process with its output in a log file: started, awaited until ready, stopped cleanly
 * (SIGTERM, then SIGKILL after a grace period) or killed. A JVM shutdown hook stops it if the parent
 * exits without doing so.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    private final String name;
    private final Path logFile;
    private final Process process;
    private final Thread shutdownHook;

    private ChildProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
        this.shutdownHook = new Thread(this::destroyQuietly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code logFile}. */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path logFile, Map<String, String> env) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().putAll(env);
            LOG.debug("starting {}: {}", name, String.join(" ", command));
            return new ChildProcess(name, logFile, pb.start());
        } catch (IOException e) {
            throw new StackException("Could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Runs a command to completion (e.g. storage formatting); fails with its output when it exits non-zero. */
    public static void runToCompletion(String name, List<String> command, Path workDir, Path logFile, Duration timeout) {
        ChildProcess child = start(name, command, workDir, logFile, Map.of());
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyQuietly();
                throw new StackException(name + " did not finish within " + timeout.toSeconds() + " s; see " + logFile);
            }
            if (child.process.exitValue() != 0) {
                throw new StackException(name + " failed with exit code " + child.process.exitValue() + ":\n" + child.tail(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while running " + name, e);
        } finally {
            child.removeHook();
        }
    }

    /**
     * Polls {@code ready} until it is true; fails early with the tail of the log when the process dies,
     * and after {@code timeout} otherwise.
     */
    public void awaitReady(BooleanSupplier ready, Duration timeout) {
        try {
            Awaitility.await(name + " ready").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .pollInSameThread().failFast(name + " exited", () -> !process.isAlive())
                    .until(ready::getAsBoolean);
        } catch (TerminalFailureException e) {
            throw new StackException(name + " exited with code " + process.exitValue() + " before it was ready. Last lines of "
                    + logFile + ":\n" + tail(40));
        } catch (ConditionTimeoutException e) {
            throw new StackException(name + " was not ready within " + timeout.toSeconds() + " s. Last lines of "
                    + logFile + ":\n" + tail(40));
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** Clean stop: SIGTERM, then SIGKILL if the process has not exited after {@code grace}. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} did not stop within {} s, killing it", name, grace.toSeconds());
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        removeHook();
    }

    /** Crash: SIGKILL, no shutdown hooks in the child. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeHook();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /** The last {@code lines} lines of the log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private void destroyQuietly() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
