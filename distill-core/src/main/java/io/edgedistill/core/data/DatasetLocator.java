package io.edgedistill.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds data files that live beside the repository ({@code <repo>/../shared/...}) regardless of the working
 * directory (repository root, a module directory, a test fork): walks up from the working directory (at
 * most 8 levels) and at each level tries {@code <level>/shared/<relative>}, so {@code ../shared} of the
 * repository root is found from the root and from every module. The system property
 * {@code edgedistill.shared} (a directory) takes precedence.
 */
public final class DatasetLocator {
    private DatasetLocator() {
    }

    public static Optional<Path> findShared(String relative) {
        String prop = System.getProperty("edgedistill.shared");
        if (prop != null) {
            Path p = Path.of(prop).resolve(relative);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int depth = 0; dir != null && depth < 8; depth++, dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve(relative);
            if (Files.isRegularFile(p)) {
                return Optional.of(p.normalize());
            }
        }
        return Optional.empty();
    }
}
