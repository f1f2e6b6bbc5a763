package io.edgedistill.schemas.http;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

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

    private static final int ITERATIONS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String role, String hash) {
    }

    private final Map<String, Entry> users;
    /** Passwords already verified (their SHA-256 with the user): PBKDF2 is slow on purpose, a request should not be. */
    private final Map<String, String> verified = new ConcurrentHashMap<>();

    private HttpUsers(Map<String, Entry> users) {
        this.users = Map.copyOf(users);
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
            if (!role.equals(OPERATOR) && !role.equals(OBSERVER) || !v.substring(colon + 1).startsWith("pbkdf2-sha256$")) {
                throw new IllegalArgumentException(file + ": user " + name + " needs '" + OPERATOR + "|" + OBSERVER
                        + ":pbkdf2-sha256$...', not '" + v.replaceAll("\\$.*", "\\$…") + "'");
            }
            users.put(name, new Entry(role, v.substring(colon + 1)));
        }
        return new HttpUsers(users);
    }

    /** The role of {@code user} if {@code password} is theirs. */
    public Optional<String> authenticate(String user, String password) {
        Entry e = user == null || password == null ? null : users.get(user);
        if (e == null) {
            return Optional.empty();
        }
        String token = sha256(user + "\u0000" + password);
        if (token.equals(verified.get(user))) {
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
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "HTTP users of the EdgeDistill services: user = role:PBKDF2 hash (operator: read and change; "
                    + "observer: read)");
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own permissions apply
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

    private static String sha256(String s) {
        try {
            return b64(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
        String password = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        write(Path.of(args[1]), Map.of(args[2], args[3]), Map.of(args[2], password));
        System.out.println("wrote " + args[2] + " (" + args[3] + ") to " + args[1]);
    }
}
