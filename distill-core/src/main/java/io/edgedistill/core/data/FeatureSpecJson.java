package io.edgedistill.core.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.edgedistill.core.data.FeatureSpec.ColumnSpec;
import io.edgedistill.core.data.FeatureSpec.ColumnKind;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link FeatureSpec}, read and written with Jackson.
 *
 * <p>The exact bytes matter, not only the values: a round spec carries the JSON with its SHA-256, and the
 * model updater indexes specs by the SHA-256 of the JSON's UTF-8 bytes and recomputes it from
 * {@link FeatureSpec#toJson()} (edges and cloud built from different versions must agree). So the writer
 * keeps the format the spec has always had: fields in a fixed order, no whitespace, integral numbers below
 * 10^15 without a fraction ({@code 0}, not {@code 0.0}), other numbers as {@link Double#toString(double)}
 * (which round-trips every finite double), strings escaped as JSON requires with {@code \n}, {@code \r},
 * {@code \t} and every other control character as a lower-case {@code \}{@code u00xx} (not Jackson's
 * {@code \b}, {@code \f} and upper-case hex), non-ASCII characters as they are.
 */
final class FeatureSpecJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private FeatureSpecJson() {
    }

    /** The spec as its compact JSON document. */
    static String write(FeatureSpec spec) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.setCharacterEscapes(ControlEscapes.INSTANCE);
            g.writeStartObject();
            g.writeNumberField("version", FeatureSpec.VERSION);
            number(g, "clip", spec.clip());
            strings(g, "classNames", spec.classNames());
            strings(g, "missingTokens", spec.missingTokens());
            if (spec.benignClass() != null) { // optional: specs written before it existed read as "not declared"
                g.writeStringField("benignClass", spec.benignClass());
            }
            g.writeArrayFieldStart("columns");
            for (ColumnSpec c : spec.columns()) {
                column(g, c);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void column(JsonGenerator g, ColumnSpec c) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", c.name);
        g.writeStringField("kind", c.kind.name());
        switch (c.kind) {
            case DROPPED -> g.writeStringField("reason", c.reason == null ? "" : c.reason);
            case CATEGORICAL -> strings(g, "vocab", c.vocab);
            case NUMERIC -> {
                g.writeBooleanField("log1p", c.log1p);
                number(g, "median", c.median);
                number(g, "mean", c.mean);
                number(g, "std", c.std);
                g.writeBooleanField("missingIndicator", c.missingIndicator);
            }
            default -> throw new IllegalStateException(c.kind.name());
        }
        g.writeEndObject();
    }

    /** Integral values below 10^15 (except −0) as integers, others as {@link Double#toString(double)}. */
    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("JSON cannot hold " + v);
        }
        g.writeFieldName(field);
        if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v); // Double.toString (Jackson's fast writer is off by default)
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Parses a spec written by {@link #write} (any JSON layout with the same fields). */
    static FeatureSpec read(String json) {
        JsonNode m;
        try {
            m = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON: " + e.getOriginalMessage(), e);
        }
        int version = field(m, "version").asInt();
        if (version != FeatureSpec.VERSION) {
            throw new IllegalArgumentException("unsupported feature spec version " + version);
        }
        List<ColumnSpec> cols = new ArrayList<>();
        for (JsonNode c : field(m, "columns")) {
            String name = text(c, "name");
            ColumnKind kind = ColumnKind.valueOf(text(c, "kind"));
            cols.add(switch (kind) {
                case DROPPED -> ColumnSpec.dropped(name, c.hasNonNull("reason") ? text(c, "reason") : null);
                case CATEGORICAL -> ColumnSpec.categorical(name, strings(c, "vocab"));
                case NUMERIC -> ColumnSpec.numeric(name, bool(c, "log1p"), number(c, "median"),
                        number(c, "mean"), number(c, "std"), bool(c, "missingIndicator"));
            });
        }
        return new FeatureSpec(cols, strings(m, "classNames"), number(m, "clip"), strings(m, "missingTokens"),
                m.hasNonNull("benignClass") ? text(m, "benignClass") : null);
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("feature spec JSON lacks '" + name + "'");
        }
        return v;
    }

    private static double number(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("'" + name + "' is not a number");
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("'" + name + "' is not a boolean");
        }
        return v.booleanValue();
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + name + "' is not a string");
        }
        return v.textValue();
    }

    private static List<String> strings(JsonNode o, String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : field(o, name)) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("'" + name + "' holds a non-string");
            }
            out.add(v.textValue());
        }
        return out;
    }

    /** Control characters other than \n, \r, \t as lower-case \\u00xx, the spec's format before Jackson. */
    private static final class ControlEscapes extends CharacterEscapes {
        static final ControlEscapes INSTANCE = new ControlEscapes();
        private final int[] ascii = standardAsciiEscapesForJSON();

        private ControlEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch < 0x20 ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
