package io.edgedistill.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

import io.edgedistill.processor.TestConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.edgedistill.schemas.config.ConfigurationKeys.Key;
import org.junit.jupiter.api.Test;

/**
 * Every key that {@code --help} and the README list (read from the records' declarations) is the key Micronaut binds,
 * with the declared default, and each group is a bean a component can take on its own.
 */
class ProcessorConfigTest {
    private static final List<Key> KEYS = ConfigurationKeys.of(ProcessorConfig.class);

    @Test
    void theGroupsAndTheirKeys() {
        assertThat(KEYS).extracting(k -> k.name().split("\\.")[1]).containsOnly("streams", "rounds", "contributions",
                "synthesis", "scoring", "trust");
        assertThat(KEYS).contains(new Key("processor.rounds.task-id", "String", "5g-nidd-attacks"),
                new Key("processor.rounds.networks.count", "int", "8"),
                new Key("processor.contributions.poison.z-threshold", "double", "8.0"),
                new Key("processor.scoring.trusted-keys", "List<String>", ""));
    }

    @Test
    void withNothingSetEveryKeyHasItsDeclaredDefault() {
        ProcessorConfig defaults = TestConfig.defaults();
        for (Key k : KEYS) {
            Object bound = valueAt(defaults, k.name());
            String expected = bound instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(bound);
            assertThat(expected).as(k.name()).isEqualTo(k.defaultValue());
        }
    }

    @Test
    void everyListedKeyIsTheKeyThatBinds() {
        for (Key k : KEYS) {
            String value = switch (k.type()) {
                case "int", "long" -> "7";
                case "double", "float" -> "0.25";
                case "boolean" -> String.valueOf(!Boolean.parseBoolean(k.defaultValue()));
                case "String" -> "set-by-test";
                case "List<String>" -> "a=1,b=2";
                default -> throw new AssertionError("no test value for type " + k.type() + " of " + k.name());
            };
            Object bound = valueAt(TestConfig.processor(Map.of(k.name(), value)), k.name());
            Object expected = switch (k.type()) {
                case "int" -> 7;
                case "long" -> 7L;
                case "double" -> 0.25;
                case "float" -> 0.25f;
                case "boolean" -> Boolean.parseBoolean(value);
                case "List<String>" -> List.of("a=1", "b=2");
                default -> value;
            };
            assertThat(bound).as(k.name()).isEqualTo(expected);
        }
    }

    @Test
    void theScoredModelIsTheTaskModelUnlessNamed() {
        assertThat(TestConfig.processor(Map.of("processor.rounds.task-id", "t")).scoringModelId()).isEqualTo("t");
        assertThat(TestConfig.processor(Map.of("processor.rounds.task-id", "t", "processor.scoring.model-id", "m"))
                .scoringModelId()).isEqualTo("m");
    }

    @Test
    void theTrafficMasterKeyNeverPrints() {
        ProcessorConfig cfg = TestConfig.processor(Map.of("processor.scoring.traffic-master-key", "c2VjcmV0LWtleQ=="));
        assertThat(cfg.scoring().trafficMasterKey()).isEqualTo("c2VjcmV0LWtleQ==");
        assertThat(cfg.toString()).contains("trafficMasterKey=****").doesNotContain("c2VjcmV0LWtleQ==");
    }

    /** The value of {@code processor.a.b-c} in the bound records: component {@code a}, then {@code bC}. */
    private static Object valueAt(Object root, String key) {
        Object current = root;
        for (String part : key.substring("processor.".length()).split("\\.")) {
            current = component(current, part);
        }
        return current;
    }

    private static Object component(Object record, String kebab) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (ConfigurationKeys.kebab(c.getName()).equals(kebab)) {
                try {
                    return c.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("no component " + kebab + " in " + record.getClass().getSimpleName());
    }
}
