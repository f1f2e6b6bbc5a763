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
        description = "Rotate, retire and revoke the updater's signing key and the edges' contribution and traffic keys, and "
                + "distrust edges, through the root-signed trust list.",
        subcommands = {KeysMain.Root.class, KeysMain.Show.class, KeysMain.Trust.class, KeysMain.Rotate.class,
                KeysMain.Retire.class, KeysMain.Revoke.class, KeysMain.Distrust.class})
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
            return publish(root, current == null ? TrustList.first(Instant.now(), note, updater, edge)
                    : current.next(Instant.now(), note, updater, edge));
        }

        /** Signs and publishes {@code next} (numbered above every list on the topic). */
        int publish(KeyPair root, TrustList next) throws Exception {
            TrustList published = channel().publish(next, root);
            System.out.println("published trust list " + published.sequence() + ": " + published.note());
            return 0;
        }
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** A new key pair's file name: {@code prefix} and the hex of its key id, so that no two pairs share one. */
    static String keyFileName(String prefix, KeyPair kp) {
        String id = Ed25519Keys.keyId(kp.getPublic());
        return prefix + id.substring(id.indexOf(':') + 1);
    }

    /** Writes a key pair as {@code <name>.key} (owner-only) and {@code <name>.pub}. */
    static void writeKeyPair(Path dir, String name, KeyPair kp) throws java.io.IOException {
        Files.createDirectories(dir);
        Secrets.ownerOnly(dir);
        Path priv = dir.resolve(name + ".key");
        if (Files.exists(priv)) {
            throw new IllegalStateException(priv + " exists: refusing to overwrite a key");
        }
        Secrets.writeOwnerOnly(priv, Ed25519Keys.encodePrivate(kp.getPrivate()) + "\n");
        Files.writeString(dir.resolve(name + ".pub"), Ed25519Keys.encodePublic(kp.getPublic()) + "\n");
    }

    /** The list after {@code cur} (the first when null) with the same keys. */
    static TrustList successor(TrustList cur, String note) {
        return cur == null ? TrustList.first(Instant.now(), note, List.of(), List.of())
                : cur.next(Instant.now(), note, cur.updaterKeys(), cur.edgeKeys());
    }

    /** Moves an edge's traffic key to its next generation and writes the edge's new key; returns the new entry. */
    static TrustList.TrafficKey nextTrafficKey(TrustList cur, String edgeId, Path masterKey, Path out, boolean overlap)
            throws java.io.IOException {
        int gen = (cur == null ? new TrustList.TrafficKey(edgeId, 0, false) : cur.trafficKey(edgeId)).generation() + 1;
        byte[] master = io.edgedistill.core.signing.TrafficMac.decodeKey(
                Files.readString(masterKey, StandardCharsets.UTF_8).trim(), masterKey.toString());
        byte[] key = io.edgedistill.core.signing.TrafficMac.edgeKey(master, edgeId, gen);
        Files.createDirectories(out);
        Path file = out.resolve(edgeId + "-traffic-" + gen + ".key");
        Secrets.writeOwnerOnly(file, java.util.Base64.getEncoder().encodeToString(key) + "\n");
        System.out.printf("traffic key generation %d of %s in %s: give it to the edge (edge.signing.traffic-key)%n", gen, edgeId,
                file);
        return new TrustList.TrafficKey(edgeId, gen, overlap);
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
            KeyPair kp = Ed25519Keys.generate();
            writeKeyPair(dir, "root", kp);
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
            boolean revoked = cur != null && (cur.updaterKey(id).map(e -> e.state() == TrustList.State.REVOKED).orElse(false)
                    || cur.edgeKeys().stream().anyMatch(e -> e.keyId().equals(id) && e.state() == TrustList.State.REVOKED));
            if (revoked) {
                throw new IllegalArgumentException("key " + id + " is revoked: a revoked key is never trusted again");
            }
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

        @Option(names = "--traffic", description = "With --edge-id: rotate the edge's traffic key (its next generation, the "
                + "previous one accepted until `retire --traffic`).")
        boolean traffic;

        @Option(names = "--master-key", description = "With --traffic: the file holding the traffic master key (Base64).")
        Path masterKey;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            if (traffic) {
                requireTraffic(edgeId, masterKey);
                TrustList.TrafficKey k = nextTrafficKey(cur, edgeId, masterKey, out, true);
                return conn.publish(root, successor(cur, "traffic key of " + edgeId + " rotated to generation "
                        + k.generation()).withTrafficKey(k));
            }
            KeyPair kp = Ed25519Keys.generate();
            String name = keyFileName(edgeId == null ? "updater-signing-" : edgeId + "-signing-", kp);
            writeKeyPair(out, name, kp);
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

        @Option(names = "--key-id", description = "The key to retire (listed).")
        String keyId;

        @Option(names = "--traffic", paramLabel = "EDGE_ID",
                description = "End the overlap of this edge's traffic key rotation: only its newest generation is accepted.")
        String trafficEdge;

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
            if (trafficEdge != null) {
                TrustList.TrafficKey k = cur.trafficKey(trafficEdge);
                return conn.publish(root, successor(cur, "traffic key generation " + (k.generation() - 1) + " of "
                        + trafficEdge + " retired").withTrafficKey(new TrustList.TrafficKey(trafficEdge, k.generation(), false)));
            }
            if (keyId == null) {
                throw new IllegalArgumentException("give --key-id, or --traffic EDGE_ID");
            }
            var updater = cur.updaterKey(keyId);
            if (updater.isPresent()) {
                if (updater.get().state() != TrustList.State.ACTIVE) {
                    throw new IllegalArgumentException("updater key " + keyId + " is " + updater.get().state()
                            + ": only an ACTIVE key is retired (its cut-over is set once)");
                }
                Map<String, java.security.PublicKey> listed = new LinkedHashMap<>();
                cur.updaterKeys().stream().filter(k -> k.state() != TrustList.State.REVOKED)
                        .forEach(k -> listed.put(k.keyId(), Ed25519Keys.decodePublic(k.publicKey())));
                Map<String, Long> cut = cutOver.isEmpty() ? conn.channel().cutOverOf(keyId, listed) : cutOver;
                if (cur.updaterKeys().stream().noneMatch(k -> !k.keyId().equals(keyId) && k.state() == TrustList.State.ACTIVE)) {
                    throw new IllegalArgumentException("no other ACTIVE updater key: rotate first (`keys rotate`)");
                }
                System.out.println("cut-over of " + keyId + ": " + cut);
                return conn.publish(root, cur, "updater key " + keyId + " retired", with(cur.updaterKeys(),
                        new TrustList.UpdaterKey(keyId, updater.get().publicKey(), TrustList.State.RETIRED, cut)), cur.edgeKeys());
            }
            TrustList.EdgeKey e = cur.edgeKeys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("key " + keyId + " is not listed (a key only the "
                            + "configuration holds: `keys trust` it first, or `keys revoke --public-key`)"));
            if (e.state() != TrustList.State.ACTIVE) {
                throw new IllegalArgumentException("key " + keyId + " of " + e.edgeId() + " is " + e.state() + " already");
            }
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

        @Option(names = "--edge-id", description = "With --public-key: the edge it signs for; absent = an updater key. "
                + "With --traffic: the edge whose traffic key is revoked.")
        String edgeId;

        @Option(names = "--traffic", description = "With --edge-id: revoke the edge's traffic key (a new generation, the "
                + "revoked one refused at once; the new key is written for the edge).")
        boolean traffic;

        @Option(names = "--master-key", description = "With --traffic: the file holding the traffic master key (Base64).")
        Path masterKey;

        @Option(names = "--out", defaultValue = "keys", description = "With --traffic: where the edge's new key goes (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            if (traffic) {
                requireTraffic(edgeId, masterKey);
                TrustList.TrafficKey k = nextTrafficKey(cur, edgeId, masterKey, out, false);
                return conn.publish(root, successor(cur, "traffic key generation " + (k.generation() - 1) + " of " + edgeId
                        + " revoked").withTrafficKey(k));
            }
            if (keyId == null && publicKey == null) {
                throw new IllegalArgumentException("give --key-id, --public-key, or --edge-id with --traffic");
            }
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

    @Command(name = "distrust", mixinStandardHelpOptions = true,
            description = "Decommission or distrust an edge without a restart: the processor refuses its contributions and "
                    + "flows, and its past contributions leave the current round's targets (--undo trusts it again).")
    static final class Distrust implements Callable<Integer> {
        @Mixin
        Connection conn;

        @Option(names = "--edge-id", required = true, split = ",", description = "The edge(s).")
        List<String> edges;

        @Option(names = "--undo", description = "Trust the edge(s) again.")
        boolean undo;

        @Override
        public Integer call() throws Exception {
            KeyPair root = conn.root();
            TrustList cur = conn.current(root);
            java.util.Set<String> all = new java.util.TreeSet<>(cur == null ? List.of() : cur.distrustedEdges());
            if (undo) {
                edges.forEach(all::remove);
            } else {
                all.addAll(edges);
            }
            return conn.publish(root, successor(cur, (undo ? "trusted again: " : "distrusted: ") + String.join(",", edges))
                    .withDistrustedEdges(List.copyOf(all)));
        }
    }

    static void requireTraffic(String edgeId, Path masterKey) {
        if (edgeId == null || masterKey == null) {
            throw new IllegalArgumentException("--traffic needs --edge-id and --master-key");
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
