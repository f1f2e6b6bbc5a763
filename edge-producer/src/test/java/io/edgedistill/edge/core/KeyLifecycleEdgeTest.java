package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.core.trust.TrustList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The updater's key life-cycle on an edge, without Kafka: rotation with an overlap and a cut-over version, then
 * revocation with a fallback to the last model of a trusted key.
 */
class KeyLifecycleEdgeTest {
    private static EdgeFixtures fx;
    private final KeyPair root = Ed25519Keys.generate();
    private final KeyPair next = Ed25519Keys.generate();

    @BeforeAll
    static void data() {
        fx = new EdgeFixtures(5, 1500);
    }

    private static TrustList.UpdaterKey entry(KeyPair k, TrustList.State s, Map<String, Long> cut) {
        return new TrustList.UpdaterKey(Ed25519Keys.keyId(k.getPublic()), Ed25519Keys.encodePublic(k.getPublic()), s, cut);
    }

    @Test
    void rotationLosesNoLegitimateUpdateAndRevocationFallsBackToATrustedModel() throws Exception {
        EdgeNode n = fx.node(EdgeSettings.defaults("edge-1", EdgeFixtures.TASK), new EdgeFixtures.Captured(), root);
        String nextId = Ed25519Keys.keyId(next.getPublic());
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(1))).swapped()).isTrue();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2))).swapped()).isTrue();

        // 1. the new key is listed beside the configured one: both sign (the overlap)
        TrustList l1 = TrustList.first(Instant.now(), "rotate", List.of(entry(next, TrustList.State.ACTIVE, null)), List.of());
        assertThat(n.onTrustList(SignedTrustList.sign(l1, root))).isTrue();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 3, fx.randomModel(3), next, nextId)).swapped()).isTrue();

        // 2. the old key is retired at cut-over v3 of the task: what it signed below stays, nothing newer is taken
        TrustList l2 = l1.next(Instant.now(), "retire", List.of(entry(next, TrustList.State.ACTIVE, null),
                new TrustList.UpdaterKey(fx.keyId, Ed25519Keys.encodePublic(fx.key.getPublic()), TrustList.State.RETIRED,
                        Map.of(EdgeFixtures.TASK, 3L))), List.of());
        assertThat(n.onTrustList(SignedTrustList.sign(l2, root))).isTrue();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 4, fx.randomModel(5))).reason())
                .isEqualTo(ModelVerifier.Reason.RETIRED_KEY);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK + "/edge-1", 2, fx.randomModel(6))).reason())
                .as("a model id the old key had no cut-over for").isEqualTo(ModelVerifier.Reason.RETIRED_KEY);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 4, fx.randomModel(7), next, nextId)).accepted()).isTrue();
        assertThat(n.slot().rejectedCount(ModelVerifier.Reason.UNTRUSTED_KEY)).as("legitimate updates refused").isZero();

        // 3. a replayed older list changes nothing; a forged one is refused
        assertThat(n.onTrustList(SignedTrustList.sign(l1, root))).isFalse();
        assertThatThrownBy(() -> n.onTrustList(SignedTrustList.sign(l2.next(Instant.now(), "forged", List.of(), List.of()),
                Ed25519Keys.generate()))).isInstanceOf(SignedTrustList.Refused.class);

        // 4. the new key is revoked: the edge leaves the models it signed for the newest model of a still-trusted key
        DeployedModel running = n.slot().live();
        assertThat(running.signingKeyId()).isEqualTo(nextId);
        TrustList l3 = l2.next(Instant.now(), "revoke", List.of(entry(next, TrustList.State.REVOKED, null),
                new TrustList.UpdaterKey(fx.keyId, Ed25519Keys.encodePublic(fx.key.getPublic()), TrustList.State.RETIRED,
                        Map.of(EdgeFixtures.TASK, 3L))), List.of());
        assertThat(n.onTrustList(SignedTrustList.sign(l3, root))).isTrue();
        DeployedModel fallback = n.slot().live();
        assertThat(fallback.signingKeyId()).isEqualTo(fx.keyId);
        assertThat(fallback.version()).isEqualTo(2);
        assertThat(n.slot().trustFallbacks()).isEqualTo(1);
        // every update the revoked key signs is refused from now on
        for (long v = 5; v < 10; v++) {
            assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, v, fx.randomModel(v), next, nextId)).reason())
                    .isEqualTo(ModelVerifier.Reason.REVOKED_KEY);
        }
        assertThat(n.slot().rejectedCount(ModelVerifier.Reason.REVOKED_KEY)).isEqualTo(5);
        assertThat(n.statusRecord().getTrustListSequence()).isEqualTo(3);
        assertThat(n.statusRecord().getSigningKeyId()).isEqualTo(fx.keyId);
    }

    @Test
    void withNoModelOfATrustedKeyLeftTheEdgeRunsNone() throws Exception {
        EdgeNode n = fx.node(EdgeSettings.defaults("edge-2", EdgeFixtures.TASK), new EdgeFixtures.Captured(), root);
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(1))).swapped()).isTrue();
        TrustList revoke = TrustList.first(Instant.now(), "revoke", List.of(new TrustList.UpdaterKey(fx.keyId,
                Ed25519Keys.encodePublic(fx.key.getPublic()), TrustList.State.REVOKED, null)), List.of());
        n.onTrustList(SignedTrustList.sign(revoke, root));
        assertThat(n.slot().live()).isNull();
        assertThat(n.runningVersion()).isEqualTo("none");
    }

    @Test
    void aRolledBackModelIsNoFallback() throws Exception {
        EdgeNode n = fx.node(EdgeSettings.defaults("edge-3", EdgeFixtures.TASK), new EdgeFixtures.Captured(), root);
        String nextId = Ed25519Keys.keyId(next.getPublic());
        TrustList l1 = TrustList.first(Instant.now(), "rotate", List.of(entry(next, TrustList.State.ACTIVE, null)), List.of());
        n.onTrustList(SignedTrustList.sign(l1, root));
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 1, fx.randomModel(1), next, nextId)).swapped()).isTrue();
        assertThat(n.onModelUpdate(fx.update(EdgeFixtures.TASK, 2, fx.randomModel(2))).swapped()).isTrue();
        assertThat(n.slot().rollback()).get().extracting(DeployedModel::version).isEqualTo(1L);
        // the key of v1 is revoked: v2 was rolled back by the operator, so it is not taken as the fallback
        n.onTrustList(SignedTrustList.sign(l1.next(Instant.now(), "revoke", List.of(entry(next, TrustList.State.REVOKED, null)),
                List.of()), root));
        assertThat(n.slot().live()).isNull();
    }
}
