package io.edgedistill.processor.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.core.signing.UpdateVerifier;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.trust.TrustList;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.schemas.ModelUpdate;
import org.junit.jupiter.api.Test;

/** The processor's scoring models follow the trust: a model whose key is revoked stops scoring, and stays out. */
class LiveModelsTrustTest {

    private static ModelUpdate signed(long version, KeyPair key) {
        ModelUpdate u = Fixtures.modelUpdate(version, false);
        String id = Ed25519Keys.keyId(key.getPublic());
        byte[] sig = new SignedPayload(u.getModelId(), version, u.getFormat(), u.getSha256(), u.getSyntheticSetVersion())
                .sign(key.getPrivate());
        u.setSigningKeyId(id);
        u.setSignature(ByteBuffer.wrap(sig));
        return u;
    }

    @Test
    void aModelWhoseKeyIsRevokedStopsScoringAndIsNotLoadedAgain() {
        KeyPair key = Ed25519Keys.generate();
        String id = Ed25519Keys.keyId(key.getPublic());
        KeyTrust trust = KeyTrust.ofUpdaterKeys(Map.of(id, key.getPublic()));
        ProcessorMetrics metrics = ProcessorMetrics.inMemory();
        LiveModels models = new LiveModels(metrics, UpdateVerifier.signedBy(trust));
        ModelUpdate v1 = signed(1, key);
        assertThat(models.offer(v1)).isPresent();

        trust.apply(TrustList.first(Instant.now(), "revoke", List.of(new TrustList.UpdaterKey(id,
                Ed25519Keys.encodePublic(key.getPublic()), TrustList.State.REVOKED, null)), List.of()));
        assertThat(models.reviewTrust()).containsExactly(Fixtures.TASK);
        assertThat(models.get(Fixtures.TASK)).isEmpty();
        assertThat(models.withdrawn(Fixtures.TASK)).as("the scoring path skips the stored record").isTrue();
        int rejections = models.rejections().size();
        // the scoring path reloads the stored record when no model is live: it stays out, and is not reported again
        for (int i = 0; i < 3; i++) {
            assertThat(models.offer(v1)).isEmpty();
        }
        assertThat(models.rejections()).hasSize(rejections);
        assertThat(models.offer(signed(2, key))).as("a newer update of the revoked key").isEmpty();
        assertThat(models.rejections().get(0).reason()).contains("revoked");
    }
}
