package io.edgedistill.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the build put what the stack runs: the broker's class path and the registry archive. */
final class StackArtifacts {

    private StackArtifacts() {
    }

    /** Class path of the broker JVM: the runtime dependencies of this module, written by the build. */
    static String brokerClasspath() {
        String cp = resource("edgedistill/broker.classpath").trim();
        String own = ownLocation();
        return own == null ? cp : cp + java.io.File.pathSeparator + own;
    }

    static Path apicurioArchive() {
        Properties props = properties();
        Path archive = Path.of(props.getProperty("apicurio.archive"));
        if (!Files.isRegularFile(archive)) {
            throw new StackException("The Apicurio Registry distribution is missing at " + archive
                    + ". Run the build once (./mvnw -pl deploy -am package) so that Maven downloads it.");
        }
        return archive;
    }

    static String apicurioVersion() {
        return properties().getProperty("apicurio.version");
    }

    private static Properties properties() {
        Properties props = new Properties();
        try (InputStream in = StackArtifacts.class.getClassLoader().getResourceAsStream("edgedistill/stack-artifacts.properties")) {
            if (in == null) {
                throw new StackException("edgedistill/stack-artifacts.properties is not on the class path: build the deploy module first");
            }
            props.load(in);
        } catch (IOException e) {
            throw new StackException("Cannot read stack-artifacts.properties", e);
        }
        return props;
    }

    private static String resource(String name) {
        try (InputStream in = StackArtifacts.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new StackException(name + " is not on the class path: build the deploy module first (./mvnw -pl deploy -am package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("Cannot read " + name, e);
        }
    }

    private static String ownLocation() {
        try {
            return Path.of(StackArtifacts.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return null;
        }
    }
}
