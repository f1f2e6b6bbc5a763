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

    /**
     * Knowledge v2 (hard samples' sub-clusters, confusion matrix) both ways against every committed earlier version of
     * edge-knowledge: an old reader reads a v2 record (the new fields dropped), and a record an old edge writes reads
     * under the new schema with the defaults (no sub-clusters, an empty confusion matrix).
     */
    @Test
    void knowledgeV2AndEarlierKnowledgeReadEachOther() throws Exception {
        Path gitRoot = gitRoot();
        Path file = Path.of("src/main/avro/edge-knowledge.avsc").toAbsolutePath().normalize();
        String current = Files.readString(file, StandardCharsets.UTF_8);
        Schema now = new Schema.Parser().parse(current);
        EdgeKnowledge v2 = EdgeKnowledge.newBuilder().setEdgeId("edge-1").setTaskId("t").setRoundId(3).setModelId("t")
                .setModelVersion(2).setWindowStart(java.time.Instant.EPOCH).setWindowEnd(java.time.Instant.EPOCH)
                .setNumNetworks(1).setEmbedDim(1).setLocalAccuracy(0.5).setLocalMacroF1(0.4)
                .setProducedAt(java.time.Instant.EPOCH).setConfusion(List.of(List.of(3L, 1L), List.of(0L, 4L)))
                .setClasses(List.of(KnowledgeClass.newBuilder().setClassIndex(0).setCount(12).setTotal(20)
                        .setMeans(List.of(0.5f)).setSubClusters(List.of(HardSubCluster.newBuilder().setCount(12)
                                .setMean(List.of(1f, 2f)).setVariance(List.of(0.1f, 0.2f)).build())).build()))
                .build();
        byte[] written = write(now, v2);
        int compared = 0;
        for (String previous : committedVersions(gitRoot, gitRoot.relativize(file).toString())) {
            Schema old = new Schema.Parser().parse(previous);
            if (old.getField("confusion") != null) {
                continue; // a v2 version
            }
            compared++;
            org.apache.avro.generic.GenericRecord asOld = read(now, old, written);
            assertThat(asOld.get("edgeId").toString()).isEqualTo("edge-1");
            assertThat(((List<?>) asOld.get("classes"))).hasSize(1);
            org.apache.avro.generic.GenericRecord back = read(old, now, write(old, asOld));
            assertThat((List<?>) back.get("confusion")).isEmpty();
            org.apache.avro.generic.GenericRecord cls = (org.apache.avro.generic.GenericRecord) ((List<?>) back.get("classes")).get(0);
            assertThat(cls.get("subClusters")).isNull();
            assertThat(cls.get("count")).isEqualTo(12L);
        }
        assertThat(compared).as("earlier versions of edge-knowledge in git").isPositive();
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<Object>(schema, org.apache.avro.specific.SpecificData.get())
                .write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    private static org.apache.avro.generic.GenericRecord read(Schema writer, Schema reader, byte[] bytes) throws IOException {
        return new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(writer, reader)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
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
