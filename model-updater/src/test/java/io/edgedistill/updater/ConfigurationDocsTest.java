package io.edgedistill.updater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.schemas.config.ConfigurationKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's configuration table documents exactly the declared keys, with their declared types and defaults. */
class ConfigurationDocsTest {
    private static final Path README = Path.of("README.md");

    private static Map<String, ConfigurationKeys.Key> documented;
    private static Map<String, ConfigurationKeys.Key> declared;

    @BeforeAll
    static void read() throws IOException {
        documented = byName(table(Files.readString(README)));
        declared = byName(ModelUpdaterApplication.keys());
    }

    @Test
    void everyDeclaredKeyIsDocumented() {
        assertThat(documented.keySet()).as("keys missing from the README table; expected rows:%n%s",
                ConfigurationKeys.markdownTable(ModelUpdaterApplication.keys())).containsAll(declared.keySet());
    }

    @Test
    void everyDocumentedKeyIsDeclared() {
        assertThat(declared.keySet()).as("README documents keys no record declares").containsAll(documented.keySet());
    }

    @Test
    void documentedDefaultsAndTypesAreTheDeclaredOnes() {
        for (ConfigurationKeys.Key key : declared.values()) {
            ConfigurationKeys.Key doc = documented.get(key.name());
            if (doc != null) {
                assertThat(doc.defaultValue()).as("default of %s", key.name()).isEqualTo(key.defaultValue());
                assertThat(doc.type()).as("type of %s", key.name()).isEqualTo(key.type());
            }
        }
    }

    @Test
    void documentedKeysAreInDeclarationOrder() {
        assertThat(new ArrayList<>(documented.keySet())).isEqualTo(new ArrayList<>(declared.keySet()));
    }

    /** The rows {@code | `key` | type | `default` | meaning |} of the README's "## Configuration" section. */
    static List<ConfigurationKeys.Key> table(String readme) {
        int start = readme.indexOf("\n## Configuration");
        assertThat(start).as("README has a ## Configuration section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<ConfigurationKeys.Key> rows = new ArrayList<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            rows.add(new ConfigurationKeys.Key(unquote(cells[1]), cells[2].trim(), unquote(cells[3])));
        }
        return rows;
    }

    private static String unquote(String cell) {
        String s = cell.trim();
        return s.length() >= 2 && s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
    }

    private static Map<String, ConfigurationKeys.Key> byName(List<ConfigurationKeys.Key> keys) {
        Map<String, ConfigurationKeys.Key> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(k.name(), k));
        return m;
    }
}
