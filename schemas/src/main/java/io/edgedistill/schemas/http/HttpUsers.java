package io.edgedistill.schemas.http;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may use the services' HTTP APIs, and as what: a properties file of {@code <user> = <role>:<password hash>},
 * the hash PBKDF2-HMAC-SHA256 ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, Base64). The services hold hashes
 * only; each user keeps its password (on a stack, the principal's own SCRAM password, in its
 * {@code <principal>.properties}). Roles: {@link #OPERATOR} reads and changes (opens rounds, rolls a model back),
 * {@link #OBSERVER} reads; any other user, or none, gets nothing but {@code /health}.
 *
 * <p>{@code main}: {@code add <file> <user> <role>} reads the password from standard input and writes its hash.
 */
public final class HttpUsers {

    public static final String OPERATOR = "operator";
    public static final String OBSERVER = "observer";

    private static final int ITERATIONS = 210_000;
    /** A file whose hashes are cheaper than this is refused: it would make guessing cheap. */
    private static final int MIN_ITERATIONS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Hashed for unknown users too, so that a refusal takes as long whether the user exists or not. */
    private static final String DUMMY = hash("not a password of anyone");

    private record Entry(String role, String hash) {
    }

    private final Map<String, Entry> users;
    /**
     * Passwords already verified, as an HMAC-SHA256 of the user and password under a key made for this process: PBKDF2
     * is slow on purpose, a request should not be. Read once: changing the file needs a restart of the service.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];

    private HttpUsers(Map<String, Entry> users) {
        this.users = Map.copyOf(users);
        RANDOM.nextBytes(cacheKey);
    }

    /** Reads a users file; a line that is not {@code role:hash} with a known role fails, naming the user. */
    public static HttpUsers read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, Entry> users = new LinkedHashMap<>();
        for (String name : new TreeMap<>(p).keySet().stream().map(String::valueOf).toList()) {
            String v = p.getProperty(name).strip();
            int colon = v.indexOf(':');
            String role = colon < 0 ? "" : v.substring(0, colon);
            String hash = colon < 0 ? "" : v.substring(colon + 1);
            if (!role.equals(OPERATOR) && !role.equals(OBSERVER) || iterations(hash) < MIN_ITERATIONS) {
                // the value is not repeated: a password written there by mistake must not reach a log
                throw new IllegalArgumentException(file + ": user " + name + " needs '" + OPERATOR + "|" + OBSERVER
                        + ":pbkdf2-sha256$<iterations ≥ " + MIN_ITERATIONS + ">$<salt>$<hash>' (./edgedistill http-user add)");
            }
            users.put(name, new Entry(role, hash));
        }
        return new HttpUsers(users);
    }

    /** The role of {@code user} if {@code password} is theirs. */
    public Optional<String> authenticate(String user, String password) {
        if (user == null || password == null) {
            return Optional.empty();
        }
        Entry e = users.get(user);
        if (e == null) {
            matches(password, DUMMY); // as slow as a known user's refusal
            return Optional.empty();
        }
        byte[] token = hmac(user + "\u0000" + password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, token)) {
            return Optional.of(e.role());
        }
        if (!matches(password, e.hash())) {
            return Optional.empty();
        }
        verified.put(user, token);
        return Optional.of(e.role());
    }

    public int size() {
        return users.size();
    }

    /** A new hash of {@code password} (random salt). */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + b64(salt) + "$" + b64(pbkdf2(password, salt, ITERATIONS));
    }

    /** The iteration count of a hash, or 0 when it is not one of ours. */
    static int iterations(String hash) {
        String[] parts = hash.split("\\$");
        try {
            return parts.length == 4 && parts[0].equals("pbkdf2-sha256") ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean matches(String password, String hash) {
        String[] parts = hash.split("\\$");
        if (parts.length != 4) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = pbkdf2(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    /** Writes (or adds to) a users file, owner-only: {@code roles} user → role, {@code passwords} user → password. */
    public static void write(Path file, Map<String, String> roles, Map<String, String> passwords) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        roles.forEach((user, role) -> p.setProperty(user, role + ":" + hash(passwords.get(user))));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "HTTP users of the EdgeDistill services: user = role:PBKDF2 hash (operator: read and change; "
                    + "observer: read)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] hmac(String s) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            return mac.doFinal(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("add") || !(args[3].equals(OPERATOR) || args[3].equals(OBSERVER))) {
            System.err.println("usage: add <users file> <user> operator|observer   (the password is read from standard input)");
            System.exit(2);
        }
        String password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\R$", "");
        if (password.isEmpty() || args[2].isEmpty() || args[2].contains(":")) {
            System.err.println("a user name without ':' and a non-empty password are required");
            System.exit(2);
        }
        write(Path.of(args[1]), Map.of(args[2], args[3]), Map.of(args[2], password));
        System.out.println("wrote " + args[2] + " (" + args[3] + ") to " + args[1]);
    }
}
