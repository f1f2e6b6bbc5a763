package io.edgedistill.schemas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpUsersTest {

    @Test
    void usersAuthenticateWithTheirOwnPasswordOnlyAndTheFileHoldsNoPassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("http-users.properties");
        HttpUsers.write(file, Map.of("admin", HttpUsers.OPERATOR, "console", HttpUsers.OBSERVER),
                Map.of("admin", "s3cret-admin", "console", "s3cret-console"));
        HttpUsers.write(file, Map.of("op2", HttpUsers.OPERATOR), Map.of("op2", "third")); // adds, keeps the others

        HttpUsers users = HttpUsers.read(file);

        assertThat(users.size()).isEqualTo(3);
        assertThat(users.authenticate("admin", "s3cret-admin")).contains(HttpUsers.OPERATOR);
        assertThat(users.authenticate("admin", "s3cret-admin")).as("again, from the verified cache").contains(HttpUsers.OPERATOR);
        assertThat(users.authenticate("console", "s3cret-console")).contains(HttpUsers.OBSERVER);
        assertThat(users.authenticate("op2", "third")).contains(HttpUsers.OPERATOR);
        assertThat(users.authenticate("admin", "s3cret-console")).isEmpty();
        assertThat(users.authenticate("console", "s3cret-admin")).isEmpty();
        assertThat(users.authenticate("nobody", "s3cret-admin")).isEmpty();
        assertThat(users.authenticate(null, null)).isEmpty();
        assertThat(Files.readString(file)).doesNotContain("s3cret").contains("pbkdf2-sha256$");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aSaltedHashDiffersEachTimeAndAMalformedLineIsRefusedByName(@TempDir Path dir) throws Exception {
        assertThat(HttpUsers.hash("x")).isNotEqualTo(HttpUsers.hash("x"));
        assertThat(HttpUsers.matches("x", HttpUsers.hash("x"))).isTrue();
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "eve = root:" + HttpUsers.hash("x").replace("$", "\\$") + "\n");
        assertThatThrownBy(() -> HttpUsers.read(bad)).hasMessageContaining("user eve");
        Files.writeString(bad, "eve = observer:hunter2\n");
        assertThatThrownBy(() -> HttpUsers.read(bad)).hasMessageContaining("user eve").hasMessageNotContaining("hunter2");
        Files.writeString(bad, "eve = observer:pbkdf2-sha256$1000$AA==$AA==\n");
        assertThatThrownBy(() -> HttpUsers.read(bad)).as("too cheap to guess against").hasMessageContaining("user eve");
    }
}
