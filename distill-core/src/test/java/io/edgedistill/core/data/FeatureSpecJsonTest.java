package io.edgedistill.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec's JSON is hashed (SHA-256) where it travels, so its bytes are pinned here: the format written by the
 * hand-written writer that Jackson replaced (integral numbers without a fraction, Double.toString otherwise,
 * control characters as lower-case \\u00xx, non-ASCII as is).
 */
class FeatureSpecJsonTest {
    private static final FeatureSpec SPEC = new FeatureSpec(List.of(
            FeatureSpec.ColumnSpec.dropped("Seq", "leaky \"capture\" order\n\ttab\u0001\u001f\b\f/\\ é ☃ 😀"),
            FeatureSpec.ColumnSpec.numeric("a,b", true, 0.1, -0.0, 1e15, true),
            FeatureSpec.ColumnSpec.numeric("n2", false, 123456789012345.0, 1e-7, Double.MIN_VALUE, false),
            FeatureSpec.ColumnSpec.categorical("Proto", List.of("tcp", "", " sp ", "ü\u2028x"))),
            List.of("Benign", "A\"tt"), 0, List.of("", "-"));

    private static final String JSON = "{\"version\":1,\"clip\":0,\"classNames\":[\"Benign\",\"A\\\"tt\"],"
            + "\"missingTokens\":[\"\",\"-\"],\"columns\":[{\"name\":\"Seq\",\"kind\":\"DROPPED\",\"reason\":"
            + "\"leaky \\\"capture\\\" order\\n\\ttab\\u0001\\u001f\\u0008\\u000c/\\\\ é ☃ 😀\"},"
            + "{\"name\":\"a,b\",\"kind\":\"NUMERIC\",\"log1p\":true,\"median\":0.1,\"mean\":-0.0,\"std\":1.0E15,"
            + "\"missingIndicator\":true},{\"name\":\"n2\",\"kind\":\"NUMERIC\",\"log1p\":false,"
            + "\"median\":123456789012345,\"mean\":1.0E-7,\"std\":4.9E-324,\"missingIndicator\":false},"
            + "{\"name\":\"Proto\",\"kind\":\"CATEGORICAL\",\"vocab\":[\"tcp\",\"\",\" sp \",\"ü\u2028x\"]}]}";

    @Test
    void writesThePinnedBytesAndReadsThemBack() {
        assertThat(SPEC.toJson()).isEqualTo(JSON);
        assertThat(FeatureSpec.fromJson(JSON)).isEqualTo(SPEC);
    }

    @Test
    void readsAnyLayoutAndRejectsWhatIsNotASpec() {
        String spaced = " { \"version\" : 1 , \"clip\":2.0,\"classNames\":[\"a\\u0041\\/\"],\"missingTokens\":[],"
                + "\"columns\":[{\"kind\":\"NUMERIC\",\"name\":\"z\",\"log1p\":false,\"median\":1E2,\"mean\":-0.5e-3,"
                + "\"std\":10,\"missingIndicator\":true}]}\n";
        FeatureSpec s = FeatureSpec.fromJson(spaced);
        assertThat(s.classNames()).containsExactly("aA/");
        assertThat(s.columns().get(0).median).isEqualTo(100.0);
        assertThat(s.columns().get(0).mean).isEqualTo(-0.0005);
        assertThat(s.clip()).isEqualTo(2.0);
        assertThatThrownBy(() -> FeatureSpec.fromJson(JSON + "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureSpec.fromJson(JSON.replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> FeatureSpec.fromJson("{\"version\":1}")).isInstanceOf(IllegalArgumentException.class);
    }
}
