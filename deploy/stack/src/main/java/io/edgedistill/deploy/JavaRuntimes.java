package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds an installed Java runtime of at least a given feature version (the registry needs 21+ while the
 * project itself builds and runs on 17). Looks, in order, at {@code EDGEDISTILL_REGISTRY_JAVA_HOME},
 * {@code JAVA_HOME}, the running JVM, and the usual JDK folders of Linux, macOS and SDKMAN.
 */
public final class JavaRuntimes {

    /** A Java installation and its feature version. */
    public record Runtime(Path home, int featureVersion) {
        public Path javaExecutable() {
            return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        }
    }

    private JavaRuntimes() {
    }

    /** The newest runtime with feature version {@code >= minimum}, or a clear error naming what to install. */
    public static Runtime require(int minimum, String purpose) {
        return find(minimum).orElseThrow(() -> new StackException(
                purpose + " needs Java " + minimum + " or newer, and none was found (looked at "
                        + "EDGEDISTILL_REGISTRY_JAVA_HOME, JAVA_HOME, the running JVM and " + String.join(", ", searchRoots())
                        + "). Install a JDK " + minimum + "+ (for example Debian's openjdk-" + minimum
                        + "-jdk-headless or Eclipse Temurin " + minimum + ") or point EDGEDISTILL_REGISTRY_JAVA_HOME at one."));
    }

    public static Optional<Runtime> find(int minimum) {
        List<Path> candidates = new ArrayList<>();
        addEnv(candidates, "EDGEDISTILL_REGISTRY_JAVA_HOME");
        addEnv(candidates, "JAVA_HOME");
        candidates.add(Path.of(System.getProperty("java.home")));
        for (String root : searchRoots()) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(dir)) {
                children.forEach(child -> {
                    candidates.add(child);
                    candidates.add(child.resolve("Contents").resolve("Home"));
                });
            } catch (IOException ignored) {
                // unreadable folder: skip it
            }
        }
        // an explicit override wins if it qualifies; otherwise the newest qualifying runtime
        Optional<Runtime> explicit = inspect(envPath("EDGEDISTILL_REGISTRY_JAVA_HOME")).filter(r -> r.featureVersion() >= minimum);
        if (explicit.isPresent()) {
            return explicit;
        }
        return candidates.stream()
                .map(JavaRuntimes::inspect)
                .flatMap(Optional::stream)
                .filter(r -> r.featureVersion() >= minimum)
                .max(Comparator.comparingInt(Runtime::featureVersion));
    }

    /** Reads the {@code release} file of a Java home; empty if the folder is not a runnable Java. */
    static Optional<Runtime> inspect(Path home) {
        if (home == null) {
            return Optional.empty();
        }
        Path release = home.resolve("release");
        Path java = home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        if (!Files.isRegularFile(release) || !Files.isExecutable(java)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (var in = Files.newInputStream(release)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String version = props.getProperty("JAVA_VERSION", "").replace("\"", "").trim();
        int feature = featureVersion(version);
        if (feature <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Runtime(home.toRealPath(), feature));
        } catch (IOException e) {
            return Optional.of(new Runtime(home, feature));
        }
    }

    static int featureVersion(String version) {
        if (version.isEmpty()) {
            return -1;
        }
        String[] parts = version.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> searchRoots() {
        String home = System.getProperty("user.home");
        return List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt", "/Library/Java/JavaVirtualMachines",
                home + "/.sdkman/candidates/java", home + "/.jdks");
    }

    private static void addEnv(List<Path> candidates, String name) {
        Path p = envPath(name);
        if (p != null) {
            candidates.add(p);
        }
    }

    private static Path envPath(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }
}
