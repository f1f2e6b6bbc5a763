package io.edgedistill.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.trust.TrustList;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgedistill keys}: the life-cycle of the fleet's signing keys through the operator's trust list on
 * {@code keys.trust}, signed with an offline root key (docs/operations.md, "Keys"). Edges follow it with
 * {@code edge.trust.root-keys}, the processor with {@code processor.trust.root-keys}; no restart is needed.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Rotate, retire and revoke the updater's and the edges' signing keys through the root-signed trust list.",
        subcommands = {KeysMain.Root.class, KeysMain.Show.class, KeysMain.Trust.class, KeysMain.Rotate.class,
                KeysMain.Retire.class, KeysMain.Revoke.class})
public final class KeysMain implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    /** Where the trust list lives and the operator's root key. */
    static final class Connection {
        @Option(names = "--bootstrap-server", defaultValue = KafkaClientSettings.DEFAULT_BOOTSTRAP_SERVERS,
                description = "Kafka (default: ${DEFAULT-VALUE}, the local stack).")
        String bootstrap;

        @Option(names = "--registry-url", defaultValue = KafkaClientSettings.DEFAULT_REGISTRY_URL,
                description = "The schema registry's v3 API (default: ${DEFAULT-VALUE}).")
        String registryUrl;

        @Option(names = "--command-config",
                description = "Client properties of a super user (security.protocol, sasl.*, ssl.*, apicurio.registry.*): only admin writes keys.trust.")
        Path commandConfig;

        @Option(names = "--root-key", required = true,
                description = "The root private key file (from `keys root`): signs every trust list. Keep it offline.")
        Path rootKey;

        KafkaClientSettings kafka() throws java.io.IOException {
            KafkaClientSettings s = KafkaClientSettings.of(bootstrap, registryUrl);
            return commandConfig == null ? s : s.withSecurity(KafkaClientSecurity.fromFile(commandConfig));
        }

        KeyPair root() throws java.io.IOException {
            PrivateKey priv = Ed25519Keys.decodePrivate(Files.readString(rootKey, StandardCharsets.UTF_8).trim());
            Path pubFile = rootKey.resolveSibling(stem(rootKey) + ".pub");
            PublicKey pub = Ed25519Keys.decodePublic(Files.readString(pubFile, StandardCharsets.UTF_8).trim());
            if (!Ed25519Keys.matches(priv, pub)) {
                throw new IllegalArgumentException(rootKey + " and " + pubFile + " are not one key pair");
            }
            return new KeyPair(pub, priv);
        }

        TrustListChannel channel() throws java.io.IOException {
            return new TrustListChannel(kafka());
        }

        /** The current list, or an empty one to build the first from. */
        TrustList current(KeyPair root) throws java.io.IOException {
            return channel().current(root.getPublic()).orElse(null);
        }

        /** Publishes the list after {@code current} (the first when null) and prints it. */
        int publish(KeyPair root, TrustList current, String note, List<TrustList.UpdaterKey> updater,
                    List<TrustList.EdgeKey> edge) throws Exception {
            TrustList next = current == null ? TrustList.first(Instant.now(), note, updater, edge)
                    : current.next(Instant.now(), note, updater, edge);
            channel().publish(next, root);
            System.out.println("published trust list " + next.sequence() + ": " + note);
            return 0;
        }
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Writes a key pair as {@code <name>.key} (owner-only) and {@code <name>.pub}; returns the pair. */
    static KeyPair writeKeyPair(Path dir, String name) throws java.io.IOException {
        Files.createDirectories(dir);
        Secrets.ownerOnly(dir);
        KeyPair kp = Ed25519Keys.generate();
        Path priv = dir.resolve(name + ".key");
        if (Files.exists(priv)) {
            throw new IllegalStateException(priv + " exists: refusing to overwrite a key");
        }
        Secrets.writeOwnerOnly(priv, Ed25519Keys.encodePrivate(kp.getPrivate()) + "\n");
        Files.writeString(dir.resolve(name + ".pub"), Ed25519Keys.encodePublic(kp.getPublic()) + "\n");
        return kp;
    }

    static List<TrustList.UpdaterKey> updaterKeys(TrustList l) {
        return l == null ? List.of() : l.updaterKeys();
    }

    static List<TrustList.EdgeKey> edgeKeys(TrustList l) {
        return l == null ? List.of() : l.edgeKeys();
    }

    @Command(name = "root", mixinStandardHelpOptions = true, description = "Create the operator's root key pair (offline).")
    static final class Root implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "keys", description = "Where root.key (owner-only) and root.pub go (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            KeyPair kp = writeKeyPair(dir, "root");
            String entry = Ed25519Keys.keyId(kp.getPublic()) + "=" + Ed25519Keys.encodePublic(kp.getPublic());
            System.out.println("root key " + dir.resolve("root.key") + " (keep it offline); give every edge and the processor:");
            System.out.println("  edge.trust.root-keys=" + entry);
            System.out.println("  processor.trust.root-keys=" + entry);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the current trust list.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Override
        public Integer call() throws Exception {
            TrustList l = conn.current(conn.root());
            System.out.println(l == null ? "no trust list signed by this root yet" : l.toJson());
            return 0;
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = "List a key as ACTIVE: the updater's (e.g. the one running now, before a first rotation) or an edge's.")
    static final class Trust implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Option(names = "--public-key", required = true, description = "Base64 X.509 Ed25519 public key.")
        String publicKey;

        @Option(names = "--edge-id", description = "The edge the key signs for; absent = an updater key.")
        String edgeId;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            PublicKey k = Ed25519Keys.decodePublic(publicKey);
            String id = Ed25519Keys.keyId(k);
            if (edgeId == null) {
                List<TrustList.UpdaterKey> u = with(updaterKeys(cur), new TrustList.UpdaterKey(id, publicKey.trim(),
                        TrustList.State.ACTIVE, Map.of()));
                return conn.publish(root, cur, "updater key " + id + " trusted", u, edgeKeys(cur));
            }
            List<TrustList.EdgeKey> e = withEdge(edgeKeys(cur), new TrustList.EdgeKey(edgeId, id, publicKey.trim(),
                    TrustList.State.ACTIVE));
            return conn.publish(root, cur, "key " + id + " of " + edgeId + " trusted", updaterKeys(cur), e);
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Make a new key pair for the updater (or --edge-id) and list it as ACTIVE beside the current ones "
                    + "(the overlap); then give it to its owner, and retire the old key.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Option(names = "--edge-id", description = "Rotate this edge's contribution key; absent = the updater's signing key.")
        String edgeId;

        @Option(names = "--out", defaultValue = "keys", description = "Where the new key pair goes (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            String name = (edgeId == null ? "updater-signing-" : edgeId + "-signing-") + Instant.now().getEpochSecond();
            KeyPair kp = writeKeyPair(out, name);
            String id = Ed25519Keys.keyId(kp.getPublic());
            String pub = Ed25519Keys.encodePublic(kp.getPublic());
            int rc;
            if (edgeId == null) {
                rc = conn.publish(root, cur, "updater key " + id + " added (rotation)",
                        with(updaterKeys(cur), new TrustList.UpdaterKey(id, pub, TrustList.State.ACTIVE, Map.of())), edgeKeys(cur));
                System.out.printf("new updater key %s in %s; restart the updater with%n  UPDATER_SIGNING_PRIVATE_KEY=$(cat %s)"
                        + "%n  UPDATER_SIGNING_PUBLIC_KEY=$(cat %s)%nthen `keys retire --key-id <old key id>`.%n", id,
                        out.resolve(name + ".key"), out.resolve(name + ".key"), out.resolve(name + ".pub"));
            } else {
                rc = conn.publish(root, cur, "key " + id + " of " + edgeId + " added (rotation)", updaterKeys(cur),
                        withEdge(edgeKeys(cur), new TrustList.EdgeKey(edgeId, id, pub, TrustList.State.ACTIVE)));
                System.out.printf("new key %s of %s in %s; give it to the edge (edge.signing.private-key, public-key), "
                        + "then `keys retire --key-id <old key id>`.%n", id, edgeId, out.resolve(name + ".key"));
            }
            return rc;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "End a rotation: an updater key keeps signing only the versions it signed already (cut-over per "
                    + "model id, read from models.updates); an edge key is no longer trusted.")
    static final class Retire implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Option(names = "--key-id", required = true, description = "The key to retire (listed).")
        String keyId;

        @Option(names = "--cut-over", split = ",", paramLabel = "MODEL_ID=VERSION",
                description = "Cut-over versions instead of those read from models.updates (the first version the key no longer signs).")
        Map<String, Long> cutOver = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            if (cur == null) {
                throw new IllegalArgumentException("no trust list yet: list the key first (`keys trust`)");
            }
            var updater = cur.updaterKey(keyId);
            if (updater.isPresent()) {
                Map<String, Long> cut = cutOver.isEmpty() ? conn.channel().cutOverOf(keyId) : cutOver;
                if (cur.updaterKeys().stream().noneMatch(k -> !k.keyId().equals(keyId) && k.state() == TrustList.State.ACTIVE)) {
                    throw new IllegalArgumentException("no other ACTIVE updater key: rotate first (`keys rotate`)");
                }
                System.out.println("cut-over of " + keyId + ": " + cut);
                return conn.publish(root, cur, "updater key " + keyId + " retired", with(cur.updaterKeys(),
                        new TrustList.UpdaterKey(keyId, updater.get().publicKey(), TrustList.State.RETIRED, cut)), cur.edgeKeys());
            }
            TrustList.EdgeKey e = cur.edgeKeys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("key " + keyId + " is not listed"));
            return conn.publish(root, cur, "key " + keyId + " of " + e.edgeId() + " retired", cur.updaterKeys(),
                    withEdge(cur.edgeKeys(), new TrustList.EdgeKey(e.edgeId(), keyId, e.publicKey(), TrustList.State.RETIRED)));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key at once: updates it signed are refused and models it signed are taken out of service "
                    + "(edges fall back to the last model of a trusted key); an edge key's contributions are refused.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Option(names = "--key-id", description = "A listed key.")
        String keyId;

        @Option(names = "--public-key", description = "A key that is not listed (configured only): its Base64 X.509 public key.")
        String publicKey;

        @Option(names = "--edge-id", description = "With --public-key: the edge it signs for; absent = an updater key.")
        String edgeId;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            String id = keyId != null ? keyId : Ed25519Keys.keyId(Ed25519Keys.decodePublic(publicKey));
            List<TrustList.UpdaterKey> updater = new ArrayList<>(updaterKeys(cur));
            List<TrustList.EdgeKey> edge = new ArrayList<>(edgeKeys(cur));
            var listedUpdater = updater.stream().filter(k -> k.keyId().equals(id)).findFirst();
            var listedEdge = edge.stream().filter(k -> k.keyId().equals(id)).findFirst();
            if (listedUpdater.isPresent() || (listedEdge.isEmpty() && publicKey != null && edgeId == null)) {
                String pub = listedUpdater.map(TrustList.UpdaterKey::publicKey).orElse(publicKey == null ? null : publicKey.trim());
                return conn.publish(root, cur, "updater key " + id + " revoked",
                        with(updater, new TrustList.UpdaterKey(id, pub, TrustList.State.REVOKED, Map.of())), edge);
            }
            if (listedEdge.isEmpty() && (publicKey == null || edgeId == null)) {
                throw new IllegalArgumentException("key " + id + " is not listed: give --public-key (and --edge-id for an edge key)");
            }
            String owner = listedEdge.map(TrustList.EdgeKey::edgeId).orElse(edgeId);
            String pub = listedEdge.map(TrustList.EdgeKey::publicKey).orElse(publicKey == null ? null : publicKey.trim());
            return conn.publish(root, cur, "key " + id + " of " + owner + " revoked", updater,
                    withEdge(edge, new TrustList.EdgeKey(owner, id, pub, TrustList.State.REVOKED)));
        }
    }

    static List<TrustList.UpdaterKey> with(List<TrustList.UpdaterKey> keys, TrustList.UpdaterKey k) {
        List<TrustList.UpdaterKey> out = new ArrayList<>(keys.stream().filter(e -> !e.keyId().equals(k.keyId())).toList());
        out.add(k);
        return out;
    }

    static List<TrustList.EdgeKey> withEdge(List<TrustList.EdgeKey> keys, TrustList.EdgeKey k) {
        List<TrustList.EdgeKey> out = new ArrayList<>(keys.stream().filter(e -> !e.keyId().equals(k.keyId())).toList());
        out.add(k);
        return out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new KeysMain()).execute(args));
    }
}
