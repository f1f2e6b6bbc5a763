package io.edgedistill.processor.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;

/**
 * Refuses to start with a key of the flat {@code processor.*} settings of before the groups: such a key would
 * otherwise be ignored without a word, and for some of them (the Kafka credentials, {@code edge-keys},
 * {@code trusted-keys}, {@code traffic-master-key}) that means connecting or accepting input with less security
 * than configured. The message names the key to use instead.
 */
@Context
public final class RetiredKeys {
    /** Each retired key and the key that replaced it. */
    static final Map<String, String> RENAMED = renamed();

    RetiredKeys(Environment environment) {
        List<String> found = retiredIn(environment::containsProperty);
        if (!found.isEmpty()) {
            throw new ConfigurationException("the processor's settings were regrouped; rename " + String.join(", ", found)
                    + " (./edgedistill processor --help lists every key)");
        }
    }

    /**
     * The retired keys that are set, each as {@code old → new}. A retired key that reads as the same environment
     * variable as its replacement ({@code PROCESSOR_SCORING_BATCH_SIZE}) cannot be told from it and is not reported.
     */
    static List<String> retiredIn(Predicate<String> isSet) {
        List<String> found = new ArrayList<>();
        RENAMED.forEach((old, now) -> {
            if (!environmentVariable(old).equals(environmentVariable(now)) && isSet.test(old)) {
                found.add(old + " → " + now);
            }
        });
        return found;
    }

    static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> renamed() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : List.of("bootstrap-servers", "registry-url", "client-properties", "security-protocol",
                "sasl-mechanism", "sasl-username", "sasl-password")) {
            m.put("processor." + k, "edgedistill.kafka." + k);
        }
        put(m, "streams", "application-id", "application-id", "state-dir", "state-dir", "stream-threads", "threads",
                "commit-interval-ms", "commit-interval-ms", "start-streams", "start", "instance-id", "instance-id",
                "session-timeout-ms", "session-timeout-ms");
        put(m, "rounds", "task-id", "task-id", "task-seed", "task-seed", "samples-per-class", "samples-per-class",
                "second-moments", "second-moments", "dataset", "dataset", "dataset-rows", "dataset-rows",
                "dataset-seed", "dataset-seed", "open-round-on-start", "open-on-start", "round-interval-ms", "interval-ms");
        put(m, "rounds.networks", "num-networks", "count", "hidden-dim", "hidden-dim", "embed-dim", "embed-dim",
                "activation", "activation", "generator", "generator");
        put(m, "contributions", "edge-keys", "edge-keys", "knowledge-weight", "knowledge-weight");
        put(m, "contributions.poison", "poison-z-threshold", "z-threshold", "poison-scale-ratio", "scale-ratio",
                "poison-min-class-count", "min-class-count", "poison-min-peers", "min-peers");
        put(m, "synthesis", "synth-steps", "steps", "synth-warm-steps", "warm-steps", "synth-learning-rate",
                "learning-rate", "synth-second-moment-weight", "second-moment-weight", "synth-min-relative-gain",
                "min-relative-gain", "synth-debounce-ms", "debounce-ms", "soft-label-temperature", "soft-label-temperature");
        put(m, "scoring", "scoring-model-id", "model-id", "trusted-keys", "trusted-keys", "traffic-master-key",
                "traffic-master-key", "alert-threshold", "alert-threshold", "scoring-batch-size", "batch-size",
                "scoring-batch-max-ms", "batch-max-ms");
        return m;
    }

    /** {@code processor.<old>} → {@code processor.<group>.<new>}, pairwise. */
    private static void put(Map<String, String> m, String group, String... oldAndNew) {
        for (int i = 0; i < oldAndNew.length; i += 2) {
            m.put("processor." + oldAndNew[i], "processor." + group + "." + oldAndNew[i + 1]);
        }
    }
}
