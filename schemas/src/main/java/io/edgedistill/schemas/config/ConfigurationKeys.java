package io.edgedistill.schemas.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The configuration keys a service declares, read from its {@code @ConfigurationProperties} records: the one
 * declaration of each setting (name, type, default) is also what {@code --help} prints and what the README's
 * configuration tables are checked against, so the three cannot drift apart.
 *
 * <p>A record annotated {@code @ConfigurationProperties("prefix")} contributes one key per component,
 * {@code prefix.kebab-case-name}, with the default of its {@code @Bindable(defaultValue = ...)} (blank when none);
 * a component whose type is itself such a record is a nested group, {@code prefix.group.*}.
 */
public final class ConfigurationKeys {
    /** One setting: its full key, its type and its declared default. */
    public record Key(String name, String type, String defaultValue) {
    }

    private ConfigurationKeys() {
    }

    /** Every key of a configuration record and its nested groups, in declaration order. */
    public static List<Key> of(Class<?> configuration) {
        List<Key> keys = new ArrayList<>();
        collect(configuration, prefix(configuration, ""), keys);
        return keys;
    }

    private static void collect(Class<?> type, String prefix, List<Key> out) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> t = c.getType();
            if (t.isRecord() && t.isAnnotationPresent(ConfigurationProperties.class)) {
                collect(t, prefix(t, prefix), out);
                continue;
            }
            String def = bindable(type, c);
            out.add(new Key(prefix + "." + kebab(c.getName()), typeName(c), def));
        }
    }

    /** The declared default: {@code @Bindable} lands on the canonical constructor's parameter, not the component. */
    private static String bindable(Class<?> type, RecordComponent c) {
        Class<?>[] types = java.util.Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        List<String> names = java.util.Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        int index = names.indexOf(c.getName());
        try {
            Bindable b = type.getDeclaredConstructor(types).getParameters()[index].getAnnotation(Bindable.class);
            return b == null ? "" : b.defaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no canonical constructor in " + type.getName(), e);
        }
    }

    private static String prefix(Class<?> type, String parent) {
        ConfigurationProperties cp = type.getAnnotation(ConfigurationProperties.class);
        if (cp == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated @ConfigurationProperties");
        }
        return parent.isEmpty() ? cp.value() : parent + "." + cp.value();
    }

    private static String typeName(RecordComponent c) {
        String generic = c.getGenericType().getTypeName();
        return generic.replaceAll("[a-z0-9_]+\\.", "").replace("java.lang.", "");
    }

    /** {@code secondMoments} → {@code second-moments}. */
    public static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The keys as a Markdown table ({@code | key | type | default |}), for {@code --help} and the READMEs. */
    public static String markdownTable(List<Key> keys) {
        StringBuilder sb = new StringBuilder("| key | type | default |\n|---|---|---|\n");
        for (Key k : keys) {
            sb.append("| `").append(k.name()).append("` | ").append(k.type()).append(" | ")
                    .append(k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue() + "`").append(" |\n");
        }
        return sb.toString();
    }

    /** The usage text of a service's {@code --help}: how options map to keys, and every key with its default. */
    public static String help(String command, List<Key> keys) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ./edgedistill ").append(command).append(" [--<key>=<value> ...]\n\n")
                .append("Every key below is an option (--key=value), a system property (-Dkey=value) or an environment\n")
                .append("variable (upper case, dots and dashes as underscores, e.g. EDGEDISTILL_KAFKA_BOOTSTRAP_SERVERS).\n")
                .append("The defaults work against `./edgedistill stack --keep-running`.\n\n");
        int width = keys.stream().mapToInt(k -> k.name().length()).max().orElse(10);
        for (Key k : keys) {
            sb.append(String.format("  %-" + width + "s  %s%n", k.name(),
                    k.defaultValue().isEmpty() ? "(blank)" : k.defaultValue()));
        }
        return sb.toString();
    }
}
