package io.edgedistill.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgedistill.schemas.ContributionKind;
import io.edgedistill.schemas.SyntheticSet;

/**
 * Where one round's time went, in seconds after the round opened: the edges' summaries (their records' timestamps),
 * each synthetic set of the round (the processor's write time, and how many edges it was built from), each
 * candidate model of those sets (the updater's history: when it started training, how long training and validation
 * took, published or refused), and the edges' swaps; beside it the CPU seconds each process spent over the round.
 * All processes run on one machine, so their clocks agree.
 */
record RoundTimeline(long roundId, List<String> steps, Map<String, Double> cpuSeconds) {

    /** CPU time of the run's processes, as the OS counts it. */
    static final class Cpu {
        private final Map<String, Long> pids = new LinkedHashMap<>();

        /** {@code pids}: process name → pid (this JVM's own pid for the edges). */
        Cpu(Map<String, Long> pids) {
            this.pids.putAll(pids);
        }

        Map<String, Duration> now() {
            Map<String, Duration> out = new LinkedHashMap<>();
            pids.forEach((name, pid) -> ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                    .ifPresent(d -> out.put(name, d)));
            return out;
        }

        static Map<String, Double> between(Map<String, Duration> before, Map<String, Duration> after) {
            Map<String, Double> out = new LinkedHashMap<>();
            after.forEach((name, d) -> {
                Duration b = before.get(name);
                if (b != null) {
                    out.put(name, d.minus(b).toMillis() / 1e3);
                }
            });
            return out;
        }
    }

    static RoundTimeline of(long roundId, Instant start, TopicObserver observer, JsonNode history, Map<String, Long> swapAt,
                            Map<String, Double> cpuSeconds) {
        List<String> steps = new ArrayList<>();
        List<Double> sent = observer.summaryTimesByRound.getOrDefault(roundId, List.of()).stream()
                .map(t -> seconds(start, t)).sorted().toList();
        if (!sent.isEmpty()) {
            steps.add(String.format(Locale.ROOT, "summaries %.1f–%.1f (%d)", sent.get(0), sent.get(sent.size() - 1), sent.size()));
        }
        List<Long> versions = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (TopicObserver.Seen<SyntheticSet> s : observer.sets) {
            if (s.value().getRoundId() != roundId || s.at().isBefore(start)) {
                continue;
            }
            versions.add(s.value().getVersion());
            long edges = s.value().getProvenance().getContributions().stream()
                    .filter(c -> c.getKind() == ContributionKind.SUMMARY && c.getRoundId() == roundId).count();
            sets.add(String.format(Locale.ROOT, "v%d %.1f (%d edges)", s.value().getVersion(), seconds(start, s.at()), edges));
        }
        if (!sets.isEmpty()) {
            steps.add("set " + String.join(", ", sets));
        }
        List<String> candidates = new ArrayList<>();
        for (JsonNode h : history.path("history")) {
            if (!h.path("cohort").asText("").isEmpty() || !versions.contains(h.path("syntheticSetVersion").asLong())) {
                continue;
            }
            Instant decided = Instant.parse(h.path("at").asText());
            double train = h.path("trainMillis").asLong() / 1e3;
            String status = h.path("status").asText();
            candidates.add(String.format(Locale.ROOT, "set v%d: training %.1f–%.1f, %s", h.path("syntheticSetVersion").asLong(),
                    seconds(start, decided) - train, seconds(start, decided),
                    "PUBLISHED".equals(status) ? "published v" + h.path("version").asLong() : status.toLowerCase(Locale.ROOT)));
        }
        if (!candidates.isEmpty()) {
            steps.add("updater " + String.join("; ", candidates));
        }
        List<Long> swaps = swapAt.values().stream().sorted().toList();
        if (!swaps.isEmpty()) {
            steps.add(String.format(Locale.ROOT, "edges swapped %.1f–%.1f (%d)", swaps.get(0) / 1e3, swaps.get(swaps.size() - 1) / 1e3,
                    swaps.size()));
        }
        return new RoundTimeline(roundId, steps, cpuSeconds);
    }

    private static double seconds(Instant start, Instant t) {
        return Duration.between(start, t).toMillis() / 1e3;
    }

    /** Two lines for the report. */
    String describe() {
        String cpu = cpuSeconds.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        double total = cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format(Locale.ROOT, "  round %d (s after it opened): %s%n    CPU s until the last edge swapped: %s (total %.1f)",
                roundId, String.join(" | ", steps), cpu, total);
    }
}
