package io.edgedistill.processor.contributions;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.edgedistill.core.aggregate.Quarantine;
import io.edgedistill.core.summary.SummaryKind;

/**
 * A quarantined contribution as kept in the processor's quarantine store and shown on {@code /quarantine}.
 *
 * @param taskId      task
 * @param roundId     round
 * @param edgeId      edge
 * @param kind        data summary or knowledge
 * @param classIndex  most anomalous class
 * @param score       outlier score z
 * @param threshold   threshold z exceeded
 * @param normRatio   norm ratio to the median of the peers' class-mean norms
 * @param reason      human-readable reason
 * @param detectedAt  epoch millis of the decision
 */
public record QuarantineEntry(String taskId, long roundId, String edgeId, SummaryKind kind, int classIndex,
                              double score, double threshold, double normRatio, String reason, long detectedAt) {

    public static QuarantineEntry of(String taskId, SummaryKind kind, Quarantine q, long now) {
        return new QuarantineEntry(taskId, q.roundId(), q.edgeId(), kind, q.classIndex(), q.score(), q.threshold(),
                q.normRatio(), q.reason(), now);
    }

    /** Store key: task|round|kind|edge (same as the submissions store). */
    public String key() {
        return AggregationState.key(taskId, roundId, kind, edgeId);
    }

    /** Line encoding for the state store. */
    public String encode() {
        return String.join("\t", b64(taskId), Long.toString(roundId), b64(edgeId), kind.name(),
                Integer.toString(classIndex), Double.toString(score), Double.toString(threshold),
                Double.toString(normRatio), b64(reason), Long.toString(detectedAt));
    }

    public static QuarantineEntry decode(String s) {
        String[] f = s.split("\t", -1);
        return new QuarantineEntry(unb64(f[0]), Long.parseLong(f[1]), unb64(f[2]), SummaryKind.valueOf(f[3]),
                Integer.parseInt(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                Double.parseDouble(f[7]), unb64(f[8]), Long.parseLong(f[9]));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
