package io.edgedistill.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The TLS material of a secured local stack, made with the JDK's own {@code keytool} at the first start and kept in
 * the stack's security folder: the broker's, the registry's and the services' keys, each with a certificate for 127.0.0.1
 * and localhost ({@code broker.p12}, {@code registry.p12}, {@code services.p12}, PKCS12, their password known to those
 * servers only), signed by
 * a CA made for this stack alone whose certificate every client trusts ({@code ca.crt}, PEM: no password to share). The CA's private key is deleted once it has signed, so
 * no one can mint another certificate this stack's clients trust. Valid 365 days; a start with a certificate that
 * expires within 30 days, or a key store that no longer opens with the kept password, makes all of it anew.
 * Production brings its own certificates (deploy/production).
 *
 * @param password the broker key store's password (kept with the principals' passwords)
 */
public record StackTls(Path dir, String password) {

    private static final int VALID_DAYS = 365;
    private static final java.time.Duration RENEW_BEFORE = java.time.Duration.ofDays(30);

    /** The servers that get a key and a certificate, each its own {@code <name>.p12} under the alias {@code <name>}. */
    static final List<String> SERVERS = List.of("broker", "registry", "services");

    public Path keyStore() {
        return keyStore("broker");
    }

    /** The registry's key store (HTTPS). */
    public Path registryKeyStore() {
        return keyStore("registry");
    }

    /** The key store the services' HTTPS shares on this machine (processor, updater, console). */
    public Path servicesKeyStore() {
        return keyStore("services");
    }

    private Path keyStore(String server) {
        return dir.resolve(server + ".p12");
    }

    /** The CA's certificate, PEM: what every client trusts. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The material in {@code dir}: made now if it is not there, no longer opens, or expires within 30 days. */
    public static StackTls in(Path dir, String password) {
        StackTls tls = new StackTls(dir, password);
        if (!Files.isRegularFile(tls.caCertificate()) || !tls.usable()) {
            tls.make();
        }
        return tls;
    }

    private boolean usable() {
        for (String server : SERVERS) {
            try (var in = Files.newInputStream(keyStore(server))) {
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                ks.load(in, password.toCharArray());
                var cert = (java.security.cert.X509Certificate) ks.getCertificate(server);
                if (cert == null || !cert.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(RENEW_BEFORE))) {
                    return false;
                }
            } catch (IOException | java.security.GeneralSecurityException e) {
                return false; // missing, another password, or damaged: made anew
            }
        }
        return true;
    }

    /** What a client of the broker adds to its SASL settings: trust the stack's CA (a PEM file, no password). */
    public Map<String, String> clientSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ssl.truststore.location", caCertificate().toString());
        m.put("ssl.truststore.type", "PEM");
        return m;
    }

    /** The broker's listener {@code listener} serving TLS with its key, and its own client (inter-broker) trusting the CA. */
    public Map<String, String> brokerSettings(String listener) {
        String prefix = "listener.name." + listener + ".";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "ssl.keystore.location", keyStore().toString());
        m.put(prefix + "ssl.keystore.type", "PKCS12");
        m.put(prefix + "ssl.keystore.password", password);
        m.put(prefix + "ssl.key.password", password);
        m.putAll(clientSettings());
        m.put("ssl.protocol", "TLSv1.3");
        m.put("ssl.enabled.protocols", "TLSv1.3");
        return m;
    }

    private void make() {
        try {
            Files.createDirectories(dir);
            for (String f : List.of("ca.p12", "ca.crt", "server.csr", "server.crt")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            for (String server : SERVERS) {
                Files.deleteIfExists(keyStore(server));
            }
        } catch (IOException e) {
            throw new StackException("Cannot prepare " + dir + " for the stack's certificates: " + e.getMessage(), e);
        }
        String ca = dir.resolve("ca.p12").toString();
        String csr = dir.resolve("server.csr").toString();
        String crt = dir.resolve("server.crt").toString();
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=EdgeDistill local stack CA",
                "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", String.valueOf(VALID_DAYS),
                "-keystore", ca, "-storetype", "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caCertificate().toString());
        for (String server : SERVERS) {
            String store = keyStore(server).toString();
            keytool("-genkeypair", "-alias", server, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-validity", String.valueOf(VALID_DAYS), "-keystore", store, "-storetype", "PKCS12");
            keytool("-certreq", "-alias", server, "-keystore", store, "-file", csr);
            keytool("-gencert", "-alias", "ca", "-keystore", ca, "-infile", csr, "-outfile", crt, "-rfc",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth", "-ext", "ku=digitalSignature",
                    "-validity", String.valueOf(VALID_DAYS));
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(), "-keystore", store);
            keytool("-importcert", "-noprompt", "-alias", server, "-file", crt, "-keystore", store);
        }
        try {
            Files.deleteIfExists(dir.resolve("server.csr"));
            Files.deleteIfExists(dir.resolve("server.crt"));
            Files.deleteIfExists(dir.resolve("ca.p12")); // the CA has signed all it will: its key goes
        } catch (IOException e) {
            throw new StackException("Cannot remove the CA's key after signing: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "StackTls[" + dir + "]";
    }

    /** One keytool call with the store password passed through its environment, never on the command line. */
    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass:env", "EDGEDISTILL_TLS_STORE_PASSWORD"));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass:env", "EDGEDISTILL_TLS_STORE_PASSWORD"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("EDGEDISTILL_TLS_STORE_PASSWORD", password);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new StackException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new StackException("Cannot run keytool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while making the stack's certificates", e);
        }
    }
}
