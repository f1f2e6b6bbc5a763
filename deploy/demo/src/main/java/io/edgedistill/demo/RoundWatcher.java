package io.edgedistill.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgedistill.deploy.ServiceProcess;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;

/** Waits, for one round, until every edge runs a model of it or the updater refused the round's model. */
final class RoundWatcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A refused set may be followed by a better one of the same round: it gets this long. */
    private static final Duration AFTER_REFUSAL = Duration.ofSeconds(10);

    /**
     * @param swapAt  per edge, milliseconds from the round's start until it accepted a model of the round
     * @param refused the updater's reason when no set of the round produced a better model, else null
     */
    record Swaps(Map<String, Long> swapAt, String refused) {
    }

    private final ServiceProcess updater;
    private final TopicObserver observer;
    private final List<EdgeRuntime> edges;

    RoundWatcher(ServiceProcess updater, TopicObserver observer, List<EdgeRuntime> edges) {
        this.updater = updater;
        this.observer = observer;
        this.edges = edges;
    }

    Swaps await(long roundId, Instant start) throws InterruptedException {
        Map<String, Long> swapAt = new HashMap<>();
        Instant refusedAt = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        int lastPrinted = -1;
        while (System.nanoTime() < deadline && swapAt.size() < edges.size()) {
            collectSwaps(roundId, start, swapAt);
            String why = swapAt.isEmpty() ? refusal(roundId) : null;
            if (why != null && refusedAt == null) {
                refusedAt = Instant.now();
            }
            if (why != null && Duration.between(refusedAt, Instant.now()).compareTo(AFTER_REFUSAL) >= 0) {
                return new Swaps(swapAt, why); // no later synthetic set of this round produced a better model either
            }
            if (swapAt.size() != lastPrinted && !swapAt.isEmpty()) {
                lastPrinted = swapAt.size();
                printProgress(roundId, swapAt);
            }
            Thread.sleep(20);
        }
        return new Swaps(swapAt, null);
    }

    private void collectSwaps(long roundId, Instant start, Map<String, Long> swapAt) {
        for (EdgeRuntime e : edges) {
            DeployedModel m = e.node().slot().live();
            String id = e.node().settings().edgeId();
            if (m != null && !m.personalised() && !swapAt.containsKey(id) && observer.roundOfSet(m.syntheticSetVersion()) == roundId) {
                // when the edge accepted it (the edge's own clock), not when this loop noticed
                swapAt.put(id, Duration.between(start, m.acceptedAt()).toMillis());
            }
        }
    }

    private void printProgress(long roundId, Map<String, Long> swapAt) {
        System.out.printf("  %d/%d edges run a model of round %d (the last swapped %.1f s after the round opened)%n",
                swapAt.size(), edges.size(), roundId, swapAt.values().stream().mapToLong(Long::longValue).max().orElse(0) / 1e3);
    }

    /** The updater's reason when it refused the model of a synthetic set of this round, else null. */
    private String refusal(long roundId) {
        try {
            for (JsonNode h : JSON.readTree(updater.get("/models")).path("history")) {
                if ("REFUSED".equals(h.path("status").asText()) && h.path("cohort").asText("").isEmpty()
                        && observer.roundOfSet(h.path("syntheticSetVersion").asLong()) == roundId) {
                    return h.path("reason").asText();
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }
}
