package io.edgedistill.updater.service;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.updater.signing.UpdateSigner;

/**
 * Turns an accepted student into a signed {@link ModelUpdate} and hands it to the {@link ModelPublisher}. Edges
 * verify the Ed25519 signature over {@link SignedPayload} (model id, version, format, SHA-256 of the weights,
 * synthetic-set version) before they load anything, so the weights, their hash and the signature are made here
 * together.
 */
final class SignedPublication {
    /** Weight encoding name: {@link ModelFormat} version 1. */
    static final String FORMAT = "edgedistill-mlp-v" + ModelFormat.VERSION;

    private final UpdateSigner signer;
    private final ModelPublisher publisher;

    SignedPublication(UpdateSigner signer, ModelPublisher publisher) {
        this.signer = signer;
        this.publisher = publisher;
    }

    /**
     * Signs and publishes {@code student} as version {@code attempt.version()} of {@code attempt.modelId()};
     * returns once the publisher has it durably (or throws).
     *
     * @param preprocessingJson the spec JSON the edges preprocess with, as registered (its hash must match)
     * @param metrics           the scores the gate accepted
     * @param previousMacroF1   the score it was compared with, or null
     */
    ModelUpdate publish(HistoryEntry.Attempt attempt, String taskId, MlpModel student, SyntheticSet set,
                        String preprocessingJson, ClassificationMetrics metrics, Double previousMacroF1,
                        Collection<String> audience) {
        byte[] weights = ModelFormat.write(student);
        String sha = ModelFormat.sha256Hex(weights);
        SignedPayload payload = new SignedPayload(attempt.modelId(), attempt.version(), FORMAT, sha, set.getVersion(),
                List.copyOf(audience));
        byte[] sig = signer.sign(payload);
        ModelUpdate update = ModelUpdate.newBuilder()
                .setModelId(attempt.modelId())
                .setTaskId(taskId)
                .setCohort(attempt.cohort())
                .setVersion(attempt.version())
                .setFormat(FORMAT)
                .setArchitecture(architecture(student))
                .setWeights(ByteBuffer.wrap(weights))
                .setSha256(sha)
                .setSignatureAlgorithm(SignedPayload.ALGORITHM)
                .setSigningKeyId(signer.keyId())
                .setSignature(ByteBuffer.wrap(sig))
                .setSyntheticSetVersion(set.getVersion())
                .setPreprocessing(preprocessingJson)
                .setClasses(new ArrayList<>(set.getClasses()))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(metrics.accuracy()).setMacroF1(metrics.macroF1())
                        .setSamples(metrics.samples()).setPreviousMacroF1(previousMacroF1).build())
                .setCreatedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setAudience(new ArrayList<>(payload.audience()))
                .build();
        publisher.publish(update);
        return update;
    }

    /**
     * Publishes the model of {@code source} again, as {@code version} for {@code audience} (empty: every edge), signed
     * anew: a canary promoted to the fleet, or the canaries' return to the fleet's model. Weights, metrics and the
     * synthetic-set version stay those of {@code source}.
     */
    ModelUpdate republish(ModelUpdate source, long version, Collection<String> audience) {
        SignedPayload payload = new SignedPayload(source.getModelId(), version, source.getFormat(), source.getSha256(),
                source.getSyntheticSetVersion(), List.copyOf(audience));
        ModelUpdate update = ModelUpdate.newBuilder(source)
                .setVersion(version)
                .setSigningKeyId(signer.keyId())
                .setSignature(ByteBuffer.wrap(signer.sign(payload)))
                .setAudience(new ArrayList<>(payload.audience()))
                .setCreatedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        publisher.publish(update);
        return update;
    }

    /** "mlp 64-32-9": the layer widths, input first. */
    static String architecture(MlpModel model) {
        StringBuilder sb = new StringBuilder("mlp ");
        int[] sizes = model.layerSizes();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.toString();
    }
}
