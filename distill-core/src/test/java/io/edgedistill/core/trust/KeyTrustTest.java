package io.edgedistill.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import org.junit.jupiter.api.Test;

class KeyTrustTest {
    private final KeyPair root = Ed25519Keys.generate();
    private final KeyPair oldKey = Ed25519Keys.generate();
    private final KeyPair newKey = Ed25519Keys.generate();
    private final KeyPair edgeKey = Ed25519Keys.generate();
    private final Map<String, java.security.PublicKey> roots = Map.of(Ed25519Keys.keyId(root.getPublic()), root.getPublic());

    private static String id(KeyPair k) {
        return Ed25519Keys.keyId(k.getPublic());
    }

    private static TrustList.UpdaterKey updater(KeyPair k, TrustList.State s, Map<String, Long> cut) {
        return new TrustList.UpdaterKey(id(k), Ed25519Keys.encodePublic(k.getPublic()), s, cut);
    }

    @Test
    void aSignedListRoundTripsAndAForgedOrForeignOneIsRefused() throws Exception {
        TrustList l = TrustList.first(Instant.now(), "first", List.of(updater(oldKey, TrustList.State.ACTIVE, null)), List.of());
        SignedTrustList signed = SignedTrustList.sign(l, root);
        assertThat(signed.verify(roots)).isEqualTo(l);
        assertThat(TrustList.fromJson(l.toJson())).isEqualTo(l);

        String widened = signed.payload().replace("ACTIVE", "REVOKED");
        assertThatThrownBy(() -> new SignedTrustList(widened, signed.rootKeyId(), signed.signature()).verify(roots))
                .isInstanceOf(SignedTrustList.Refused.class).hasMessageContaining("does not verify");
        SignedTrustList foreign = SignedTrustList.sign(l, Ed25519Keys.generate());
        assertThatThrownBy(() -> foreign.verify(roots)).hasMessageContaining("not a trusted root");
    }

    @Test
    void anEntryMustCarryTheIdOfItsOwnKey() {
        assertThatThrownBy(() -> TrustList.first(Instant.now(), "", List.of(new TrustList.UpdaterKey(id(oldKey),
                Ed25519Keys.encodePublic(newKey.getPublic()), TrustList.State.ACTIVE, null)), List.of()))
                .hasMessageContaining("does not match its public key");
    }

    @Test
    void rotationRetirementAndRevocationOfTheUpdatersKey() {
        KeyTrust trust = KeyTrust.ofUpdaterKeys(Map.of(id(oldKey), oldKey.getPublic()));
        assertThat(trust.refusal(id(oldKey), "task", 7)).isEmpty();
        assertThat(trust.refusal(id(newKey), "task", 7)).get().extracting(KeyTrust.Refused::refusal)
                .isEqualTo(KeyTrust.Refusal.UNTRUSTED);

        // rotation: both keys sign during the overlap
        TrustList l1 = TrustList.first(Instant.now(), "rotate", List.of(updater(newKey, TrustList.State.ACTIVE, null)), List.of());
        assertThat(trust.apply(l1)).isTrue();
        assertThat(trust.refusal(id(oldKey), "task", 8)).isEmpty();
        assertThat(trust.refusal(id(newKey), "task", 8)).isEmpty();

        // retirement: the old key keeps what it signed below the cut-over, of the model ids it signed, and nothing else
        TrustList l2 = l1.next(Instant.now(), "retire", List.of(updater(newKey, TrustList.State.ACTIVE, null),
                updater(oldKey, TrustList.State.RETIRED, Map.of("task", 8L))), List.of());
        assertThat(trust.apply(l2)).isTrue();
        assertThat(trust.refusal(id(oldKey), "task", 7)).isEmpty();
        assertThat(trust.refusal(id(oldKey), "task", 8)).get().extracting(KeyTrust.Refused::refusal)
                .isEqualTo(KeyTrust.Refusal.RETIRED);
        assertThat(trust.refusal(id(oldKey), "task/cohort-a", 1)).get().extracting(KeyTrust.Refused::refusal)
                .isEqualTo(KeyTrust.Refusal.RETIRED);

        // an older list cannot be replayed
        assertThat(trust.apply(l1)).isFalse();
        assertThat(trust.sequence()).isEqualTo(2);

        // revocation: of any version, configured or listed
        TrustList l3 = l2.next(Instant.now(), "revoke", List.of(updater(newKey, TrustList.State.ACTIVE, null),
                updater(oldKey, TrustList.State.REVOKED, null)), List.of());
        trust.apply(l3);
        assertThat(trust.refusal(id(oldKey), "task", 1)).get().extracting(KeyTrust.Refused::refusal)
                .isEqualTo(KeyTrust.Refusal.REVOKED);
        assertThat(trust.updaterKeys()).containsOnlyKeys(id(newKey));
    }

    @Test
    void edgeKeysAreAddedAndWithdrawnByTheList() {
        KeyTrust trust = KeyTrust.of(Map.of(), Map.of());
        String pub = Ed25519Keys.encodePublic(edgeKey.getPublic());
        trust.apply(TrustList.first(Instant.now(), "", List.of(),
                List.of(new TrustList.EdgeKey("edge-1", id(edgeKey), pub, TrustList.State.ACTIVE))));
        assertThat(trust.edgeKeys()).containsOnlyKeys(id(edgeKey));
        assertThat(trust.edgeKeys().get(id(edgeKey))).isEqualTo(new ContributionSignature.EdgeKey("edge-1", edgeKey.getPublic()));
        trust.apply(trust.list().orElseThrow().next(Instant.now(), "", List.of(),
                List.of(new TrustList.EdgeKey("edge-1", id(edgeKey), pub, TrustList.State.REVOKED))));
        assertThat(trust.edgeKeys()).isEmpty();
        assertThat(trust.edgeSignaturesRequired()).as("revoking the last key does not end the signature checks").isTrue();
        assertThat(KeyTrust.of(Map.of(), Map.of()).edgeSignaturesRequired()).isFalse();
    }
}
