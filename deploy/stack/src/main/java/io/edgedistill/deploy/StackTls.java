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
 * the stack's security folder: a CA for this stack only ({@code ca.p12}, its certificate {@code ca.crt}), the broker's
 * key and certificate signed by it for 127.0.0.1 and localhost ({@code broker.p12}), and the trust store every client
 * takes ({@code truststore.p12}, the CA alone). All PKCS12 with one generated store password, valid 365 days; delete
 * the files (or the data directory) to make new ones. Production brings its own certificates (deploy/production).
 *
 * @param password the stores' password (kept with the principals' passwords)
 */
public record StackTls(Path dir, String password) {

    private static final int VALID_DAYS = 365;

    public Path keyStore() {
        return dir.resolve("broker.p12");
    }

    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The material in {@code dir}, made now if it is not there yet. */
    public static StackTls in(Path dir, String password) {
        StackTls tls = new StackTls(dir, password);
        if (!Files.isRegularFile(tls.keyStore()) || !Files.isRegularFile(tls.trustStore())) {
            tls.make();
        }
        return tls;
    }

    /** What a client of the broker adds to its SASL settings: trust the stack's CA. */
    public Map<String, String> clientSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ssl.truststore.location", trustStore().toString());
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.password", password);
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
            for (String f : List.of("ca.p12", "broker.p12", "truststore.p12", "ca.crt", "broker.csr", "broker.crt")) {
                Files.deleteIfExists(dir.resolve(f));
            }
        } catch (IOException e) {
            throw new StackException("Cannot prepare " + dir + " for the stack's certificates: " + e.getMessage(), e);
        }
        String ca = dir.resolve("ca.p12").toString();
        String broker = keyStore().toString();
        String csr = dir.resolve("broker.csr").toString();
        String crt = dir.resolve("broker.crt").toString();
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=EdgeDistill local stack CA",
                "-ext", "bc:c", "-validity", String.valueOf(VALID_DAYS), "-keystore", ca, "-storetype", "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caCertificate().toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", String.valueOf(VALID_DAYS), "-keystore", broker, "-storetype", "PKCS12");
        keytool("-certreq", "-alias", "broker", "-keystore", broker, "-file", csr);
        keytool("-gencert", "-alias", "ca", "-keystore", ca, "-infile", csr, "-outfile", crt, "-rfc",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth,clientAuth", "-validity", String.valueOf(VALID_DAYS));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(), "-keystore", broker);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", crt, "-keystore", broker);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(), "-keystore",
                trustStore().toString(), "-storetype", "PKCS12");
        try {
            Files.deleteIfExists(dir.resolve("broker.csr"));
            Files.deleteIfExists(dir.resolve("broker.crt"));
        } catch (IOException e) {
            // leftovers of the signing request: harmless
        }
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
