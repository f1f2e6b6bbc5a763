package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgedistill.schemas.config.ConfigurationKeys;
import org.junit.jupiter.api.Test;

/**
 * The module README's configuration table is the declared configuration: one row per key of
 * {@link EdgeApplication#keys()}, with its type and declared default.
 */
class ConfigurationDocsTest {
    private static final Path README = Path.of("README.md");
    /** {@code | `key` | type | `default` | meaning |}; a blank default is an empty cell. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\| ([^|]+) \\| (?:`([^`]*)`)? *\\|.*\\|$");

    @Test
    void everyDeclaredKeyIsDocumentedWithItsTypeAndDefaultAndNothingElseIs() throws IOException {
        Map<String, ConfigurationKeys.Key> documented = documented();
        Map<String, ConfigurationKeys.Key> declared = new LinkedHashMap<>();
        EdgeApplication.keys().forEach(k -> declared.put(k.name(), k));

        assertThat(documented.keySet()).as("documented keys that are not declared")
                .isSubsetOf(declared.keySet());
        assertThat(declared.keySet()).as("declared keys missing from the README table (expected rows:%n%s)",
                ConfigurationKeys.markdownTable(EdgeApplication.keys())).isSubsetOf(documented.keySet());
        assertThat(documented).as("type and default of each key").containsExactlyEntriesOf(declared);
    }

    private static Map<String, ConfigurationKeys.Key> documented() throws IOException {
        String readme = Files.readString(README);
        String section = readme.substring(readme.indexOf("## Configuration"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Map<String, ConfigurationKeys.Key> keys = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            keys.put(m.group(1), new ConfigurationKeys.Key(m.group(1), m.group(2).trim(),
                    m.group(3) == null ? "" : m.group(3)));
        }
        assertThat(keys).as("rows of the configuration table in " + README.toAbsolutePath()).isNotEmpty();
        return keys;
    }
}
