package io.edgedistill.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every schema must be BACKWARD compatible (a consumer on the new schema reads data written with any
 * earlier one) with every version of it committed to git. The first incompatible evolution fails here.
 */
class SchemaCompatibilityTest {

    @Test
    void everySchemaIsBackwardCompatibleWithItsCommittedHistory() throws Exception {
        Path gitRoot = gitRoot();
        int compared = 0;
        List<String> failures = new ArrayList<>();
        for (Path file : SchemaRoundTripTest.avscFiles()) {
            String current = Files.readString(file, StandardCharsets.UTF_8);
            Schema reader = new Schema.Parser().parse(current);
            String relative = gitRoot.relativize(file.toAbsolutePath().normalize()).toString();
            for (String previous : committedVersions(gitRoot, relative)) {
                if (previous.equals(current)) {
                    continue;
                }
                compared++;
                Schema writer = new Schema.Parser().parse(previous);
                SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    failures.add(relative + ": " + result.getResult().getIncompatibilities());
                }
            }
        }
        assertThat(failures).as("schemas that break BACKWARD compatibility (%d earlier versions compared)", compared).isEmpty();
    }

    @Test
    void theCheckRejectsAnIncompatibleChange() throws IOException {
        Schema old = new Schema.Parser().parse(Files.readString(Path.of("src/main/avro/edge-summary.avsc")));
        String broken = Files.readString(Path.of("src/main/avro/edge-summary.avsc"))
                .replace("{\"name\": \"edgeId\", \"type\": \"string\",",
                        "{\"name\": \"site\", \"type\": \"string\", \"doc\": \"new required field\"},\n    {\"name\": \"edgeId\", \"type\": \"string\",");
        assertThat(broken).contains("\"site\"");
        Schema evolvedWithoutDefault = new Schema.Parser().parse(broken);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolvedWithoutDefault, old).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        Schema evolvedWithDefault = new Schema.Parser().parse(broken.replace("\"doc\": \"new required field\"}",
                "\"doc\": \"new optional field\", \"default\": \"unknown\"}"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolvedWithDefault, old).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Path gitRoot() throws Exception {
        String out = git(Path.of("."), "rev-parse", "--show-toplevel");
        Assumptions.assumeTrue(out != null && !out.isBlank(), "not inside a git work tree: no committed history to compare with");
        return Path.of(out.trim()).toRealPath();
    }

    /** Contents of every committed version of the file, newest first. */
    private static Set<String> committedVersions(Path root, String relative) throws Exception {
        Set<String> versions = new LinkedHashSet<>();
        String commits = git(root, "log", "--format=%H", "--", relative);
        if (commits == null) {
            return versions;
        }
        for (String sha : commits.strip().split("\\s+")) {
            String content = sha.isEmpty() ? null : git(root, "show", sha + ":" + relative);
            if (content != null) {
                versions.add(content);
            }
        }
        return versions;
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return null;
        }
        return stdout;
    }
}
