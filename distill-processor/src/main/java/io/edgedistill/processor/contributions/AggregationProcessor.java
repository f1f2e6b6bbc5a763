package io.edgedistill.processor.contributions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.schemas.mapping.RoundSpecs;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.AlertKind;
import io.edgedistill.schemas.AlertSource;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.RoundSpec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates validated contributions of a task (input keyed by task id, one partition per task group): keeps
 * every (kind, edge)'s latest submission of the current round in the changelogged submissions store,
 * re-screens the round with the poisoning detector and the backdoor screen (at each arrival while the round holds at
 * most {@code processor.contributions.batch-above} contributions, else the arrivals of each
 * {@code batch-interval-ms} together), records quarantine decisions in the changelogged
 * quarantine store, emits a POISONED_CONTRIBUTION alert for every new quarantine, and publishes the new
 * count-weighted targets (with provenance) to the {@link TargetsRegistry}. On start it rebuilds the
 * in-memory state from the stores. Submissions of earlier rounds are pruned when a newer round's arrive.
 */
public final class AggregationProcessor implements Processor<String, SummaryStats, String, AttackAlert> {
    private static final Logger LOG = LoggerFactory.getLogger(AggregationProcessor.class);

    private final ProcessorConfig.Contributions config;
    private final Deserializer<RoundSpec> roundDeserializer;
    private final TargetsRegistry targets;
    private final ProcessorMetrics metrics;
    private final PoisonDetector detector;
    private final Map<String, AggregationState> states = new HashMap<>();
    /** Quarantine decisions of the restart's screening, recorded and alerted at the first punctuation. */
    private final List<Map.Entry<AggregationState, AggregationState.Change>> restoredDecisions = new ArrayList<>();
    private final java.util.function.Supplier<java.util.Set<String>> distrusted;
    private ProcessorContext<String, AttackAlert> context;
    private KeyValueStore<String, byte[]> rounds;
    private KeyValueStore<String, byte[]> submissions;
    private KeyValueStore<String, String> quarantine;

    public AggregationProcessor(ProcessorConfig.Contributions config, Deserializer<RoundSpec> roundDeserializer, TargetsRegistry targets,
                         ProcessorMetrics metrics) {
        this(config, roundDeserializer, targets, metrics, config::distrusted);
    }

    /**
     * @param distrusted the edges distrusted now: the configured ones and those of the operator's trust list; when
     *                   they change, every current round is screened again and its targets republished without them
     *                   (checked every second)
     */
    public AggregationProcessor(ProcessorConfig.Contributions config, Deserializer<RoundSpec> roundDeserializer, TargetsRegistry targets,
                         ProcessorMetrics metrics, java.util.function.Supplier<java.util.Set<String>> distrusted) {
        this.distrusted = distrusted;
        this.config = config;
        this.roundDeserializer = roundDeserializer;
        this.targets = targets;
        this.metrics = metrics;
        this.detector = new PoisonDetector(config.poison().detectorConfig());
    }

    @Override
    public void init(ProcessorContext<String, AttackAlert> context) {
        this.context = context;
        this.rounds = context.getStateStore(ProcessorTopology.ROUNDS_STORE);
        this.submissions = context.getStateStore(ProcessorTopology.SUBMISSIONS_STORE);
        this.quarantine = context.getStateStore(ProcessorTopology.QUARANTINE_STORE);
        rebuild();
        context.schedule(java.time.Duration.ofSeconds(1), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::reviewDistrust);
        context.schedule(java.time.Duration.ofMillis(config.batchIntervalMs()),
                org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this::screenWaiting);
    }

    /** Screens the contributions that arrived since their round's last screen and wait for the next (a large round). */
    private void screenWaiting(long wallClock) {
        for (Map.Entry<AggregationState, AggregationState.Change> d : restoredDecisions) {
            record(d.getKey(), d.getValue(), System.currentTimeMillis(), wallClock);
        }
        restoredDecisions.clear();
        for (AggregationState st : List.copyOf(states.values())) {
            if (st.hasUnscreened()) {
                RoundSpec round = currentRound(st.taskId());
                if (round != null && round.getRoundId() == st.roundId()) {
                    screen(st, round, System.currentTimeMillis(), wallClock);
                }
            }
        }
    }

    /**
     * Screens every contribution of the round (the poisoning detector, the backdoor screen), records the decisions and
     * alerts, counts the contributions that arrived since the last screen as accepted or not, and publishes the targets.
     */
    private void screen(AggregationState st, RoundSpec round, long now, long timestamp) {
        List<SummaryStats> arrived = st.takeUnscreened();
        record(st, st.recompute(now), now, timestamp);
        for (SummaryStats s : arrived) {
            String key = AggregationState.key(st.taskId(), st.roundId(), s.kind(), s.edgeId());
            if (st.quarantined().stream().noneMatch(q -> q.key().equals(key))) {
                (s.kind() == SummaryKind.KNOWLEDGE ? metrics.knowledgeAccepted : metrics.summariesAccepted).increment();
            }
        }
        publish(st, round);
    }

    /** Screens every current round again when the distrusted edges changed (an operator's trust list applied). */
    private void reviewDistrust(long wallClock) {
        for (AggregationState st : states.values()) {
            if (st.distrustChanged()) {
                RoundSpec round = currentRound(st.taskId());
                if (round == null || round.getRoundId() != st.roundId()) {
                    continue;
                }
                long now = System.currentTimeMillis();
                LOG.info("task {} round {}: the distrusted edges changed, targets recomputed without them", st.taskId(),
                        st.roundId());
                screen(st, round, now, wallClock);
            }
        }
    }

    private void rebuild() {
        Map<String, QuarantineEntry> decisions = new HashMap<>();
        try (KeyValueIterator<String, String> it = quarantine.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                decisions.put(kv.key, QuarantineEntry.decode(kv.value));
            }
        }
        try (KeyValueIterator<String, byte[]> it = submissions.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                String taskId = kv.key.substring(0, kv.key.indexOf('|'));
                SummaryStats s = CoreSummaryCodec.decode(kv.value);
                RoundSpec round = currentRound(taskId);
                if (round == null || round.getRoundId() != s.roundId()) {
                    continue;
                }
                state(taskId, s).restore(s, decisions.get(kv.key));
            }
        }
        for (AggregationState st : states.values()) {
            AggregationState.Change change = st.recompute(System.currentTimeMillis());
            if (!change.newlyQuarantined().isEmpty()) {
                // contributions stored but not screened before the restart (a large round screens in batches): their
                // decisions and alerts go out at the first punctuation (init may not forward)
                restoredDecisions.add(Map.entry(st, change));
            }
            publish(st, currentRound(st.taskId()));
            LOG.info("restored task {} round {}: {} submissions, {} quarantined", st.taskId(), st.roundId(),
                    st.submissionCount(), st.quarantined().size());
        }
    }

    private RoundSpec currentRound(String taskId) {
        byte[] raw = rounds.get(taskId);
        return raw == null ? null : roundDeserializer.deserialize(ProcessorTopology.ROUNDS_TOPIC, raw);
    }

    private AggregationState state(String taskId, SummaryStats s) {
        return states.computeIfAbsent(RoundSpecs.roundKey(taskId, s.roundId()), k -> {
            RoundSpec round = currentRound(taskId);
            List<String> classes = round == null ? List.of() : List.copyOf(round.getClasses());
            return new AggregationState(taskId, s.roundId(), s.k(), s.numClasses(), s.embedDim(), s.dIn(), detector,
                    config.backdoor().screen(benignIndex(round)), classes, config.knowledgeWeight(), distrusted);
        });
    }

    /** The benign class of the round's feature spec (-1: none or unreadable, then every class is judged). */
    private static int benignIndex(RoundSpec round) {
        if (round == null) {
            return -1;
        }
        try {
            return FeatureSpec.benignIndex(List.copyOf(round.getClasses()),
                    FeatureSpec.fromJson(round.getPreprocessing().getJson()).benignClass());
        } catch (RuntimeException e) {
            LOG.warn("round {} of task {}: feature spec unreadable ({}); the backdoor screen judges every class",
                    round.getRoundId(), round.getTaskId(), e.toString());
            return -1;
        }
    }

    @Override
    public void process(Record<String, SummaryStats> record) {
        String taskId = record.key();
        SummaryStats s = record.value();
        RoundSpec round = currentRound(taskId);
        if (round == null || round.getRoundId() != s.roundId()) {
            // validated against the then-current round, but a newer round opened since: its targets are moot
            LOG.warn("dropping {} of edge {} for round {} of task {}: round is no longer current", s.kind(),
                    s.edgeId(), s.roundId(), taskId);
            return;
        }
        prune(taskId, s.roundId());
        long now = System.currentTimeMillis();
        AggregationState st = state(taskId, s);
        st.stage(s);
        String key = AggregationState.key(taskId, s.roundId(), s.kind(), s.edgeId());
        submissions.put(key, CoreSummaryCodec.encode(s));
        // a small round is screened at each arrival; a large one at most every batch-interval-ms (screenWaiting)
        if (st.submissionCount() <= config.batchAbove() || now - st.lastScreened() >= config.batchIntervalMs()) {
            screen(st, round, now, record.timestamp());
        }
    }

    /** Records a screening's quarantine decisions and alerts. */
    private void record(AggregationState st, AggregationState.Change change, long now, long timestamp) {
        for (QuarantineEntry q : change.newlyQuarantined()) {
            quarantine.put(q.key(), q.encode());
            metrics.contributionsQuarantined.increment();
            metrics.poisonAlerts.increment();
            context.forward(new Record<>(q.edgeId(), alert(q, now), timestamp));
        }
        for (QuarantineEntry q : change.released()) {
            quarantine.delete(q.key());
        }
        for (QuarantineEntry q : st.newlyLeftOut(now)) {
            // a class of an edge left out of the mixture: alerted, recorded in the next set's exclusions; the rest of the
            // summary stays accepted (recomputed from the submissions after a restart, so not stored)
            metrics.poisonAlerts.increment();
            context.forward(new Record<>(q.edgeId(), alert(q, now), timestamp));
        }
    }

    private void publish(AggregationState st, RoundSpec round) {
        long now = System.currentTimeMillis();
        List<QuarantineEntry> excluded = new ArrayList<>(st.quarantined());
        excluded.addAll(st.distrustedEntries(now));
        excluded.addAll(st.leftOutEntries(now));
        targets.publish(new TargetUpdate(st.taskId(), round, st.targets(), st.accepted(), st.mixture(), excluded, targets.nextRevision(), now));
    }

    /** Drops state and stored submissions/decisions of the task's rounds other than {@code roundId}. */
    private void prune(String taskId, long roundId) {
        boolean stale = false;
        for (Iterator<AggregationState> it = states.values().iterator(); it.hasNext(); ) {
            AggregationState st = it.next();
            if (st.taskId().equals(taskId) && st.roundId() != roundId) {
                it.remove();
                stale = true;
            }
        }
        if (!stale) {
            return;
        }
        String prefix = taskId + "|";
        String keep = taskId + "|" + roundId + "|";
        for (KeyValueStore<String, ?> store : List.<KeyValueStore<String, ?>>of(submissions, quarantine)) {
            List<String> drop = new ArrayList<>();
            try (KeyValueIterator<String, ?> it = store.all()) {
                while (it.hasNext()) {
                    String k = it.next().key;
                    if (k.startsWith(prefix) && !k.startsWith(keep)) {
                        drop.add(k);
                    }
                }
            }
            drop.forEach(store::delete);
        }
    }

    /** The task is closed or moves to another instance: this one no longer publishes its sets. */
    @Override
    public void close() {
        for (AggregationState st : states.values()) {
            targets.withdraw(st.taskId());
        }
        states.clear();
    }

    private static AttackAlert alert(QuarantineEntry q, long now) {
        return AttackAlert.newBuilder()
                .setAlertId(UUID.randomUUID().toString())
                .setKind(AlertKind.POISONED_CONTRIBUTION)
                .setSource(AlertSource.PROCESSOR)
                .setEdgeId(q.edgeId())
                .setFlowId(null)
                .setAttackClass(q.reason().contains("backdoor suspected") ? "backdoor" : "poisoning")
                .setScore(q.score())
                .setModelId(null)
                .setModelVersion(null)
                .setDetail(q.reason().startsWith("class left out") ? q.reason()
                        : (q.kind() == SummaryKind.KNOWLEDGE ? "knowledge quarantined: " : "summary quarantined: ")
                                + q.reason())
                .setObservedAt(Instant.ofEpochMilli(now))
                .setDetectedAt(Instant.ofEpochMilli(now))
                .build();
    }
}
