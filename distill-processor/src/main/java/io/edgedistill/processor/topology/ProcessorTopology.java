package io.edgedistill.processor.topology;

import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.signing.Ed25519Keys;
import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.AggregationProcessor;
import io.edgedistill.processor.contributions.ContributionAdapter;
import io.edgedistill.processor.contributions.ContributionIntakeProcessor;
import io.edgedistill.processor.contributions.ContributionIntakeProcessor.ContributionOrDeadLetter;
import io.edgedistill.processor.contributions.CoreSummaryCodec;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.rounds.RoundsGlobalProcessor;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.scoring.ModelUpdateProcessor;
import io.edgedistill.processor.scoring.TrafficScoringProcessor;
import io.edgedistill.processor.scoring.TrafficScoringProcessor.AlertOrDeadLetter;
import io.edgedistill.processor.synthesis.SyntheticSetState;
import io.edgedistill.processor.synthesis.SyntheticSetsGlobalProcessor;
import io.edgedistill.processor.trust.DistrustedEdges;
import io.edgedistill.processor.trust.TrustListGlobalProcessor;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeSummary;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.LoggerFactory;

/**
 * The distill-processor's Kafka Streams topology (docs/design.md §2–§3), built from a config and the
 * value serdes (registry-backed in the app, {@code PlainAvroSerde} in unit tests):
 * <pre>
 *  distill.rounds ──▶ global processor: decode + check ──▶ rounds-store (task → current RoundSpec)
 *                                                      └─invalid──▶ distill.rounds.dlq (plain producer)
 *  models.updates ──▶ global processor: verify (signature, SHA-256, format, spec) ──▶ models-store + LiveModels
 *                                                      └─refused──▶ models.updates.dlq (plain producer)
 *  edge.summaries ─┐ decode + validate vs current round ──invalid──▶ edge.summaries.dlq / edge.knowledge.dlq
 *  edge.knowledge ─┘            │ valid (core summary, key = task)
 *                               ▼ repartition (1 partition per task group)
 *             aggregation: submissions-store + quarantine-store (changelogs), poisoning detector,
 *             count-weighted targets ──▶ TargetsRegistry (optimiser, API);  quarantines ──▶ alerts.attacks
 *  edge.traffic ──▶ decode ──invalid──▶ edge.traffic.dlq
 *                     └─▶ ring buffer (changelog) ──batch (N flows or T ms)──▶ one forward pass ──▶ alerts.attacks
 * </pre>
 */
public final class ProcessorTopology {
    public static final String ROUNDS_STORE = "rounds-store";
    public static final String MODELS_STORE = "models-store";
    /** The newest synthetic-set version per task, of any instance ({@code SyntheticSetsGlobalProcessor}). */
    public static final String SETS_STORE = "sets-store";
    /** The applied trust list (with {@code processor.trust.root-keys}). */
    public static final String TRUST_STORE = "trust-store";
    public static final String TRUST_KEY = Topics.TRUST_KEY;
    public static final String SUBMISSIONS_STORE = "submissions-store";
    public static final String QUARANTINE_STORE = "quarantine-store";
    public static final String TRAFFIC_BUFFER_STORE = "traffic-buffer";
    /** Per edge, the (epoch, counter) numbers of its authenticated flows seen lately ({@code ReplayWindow}). */
    public static final String TRAFFIC_SEQUENCES_STORE = "traffic-sequences";
    public static final String ROUNDS_TOPIC = Topics.ROUNDS;
    public static final String MODELS_TOPIC = Topics.MODEL_UPDATES;
    public static final String TRAFFIC_TOPIC = Topics.TRAFFIC;
    /** Below the topics' max.message.bytes (4 MiB), so that an oversized contribution reaches the dead-letter topic. */
    static final int MAX_SUMMARY_BYTES = 1 << 20;
    public static final int MAX_GLOBAL_VALUE_BYTES = 16 << 20;
    public static final String SERVICE = "distill-processor";

    /** Value serdes of every topic the topology touches. */
    public record TopicSerdes(Serde<RoundSpec> rounds, Serde<EdgeSummary> summaries,
                              Serde<EdgeKnowledge> knowledge, Serde<TrafficFlow> traffic, Serde<ModelUpdate> models,
                              Serde<AttackAlert> alerts, Serde<DeadLetter> deadLetters,
                              Serde<SyntheticSet> syntheticSets, Serde<KeyTrustList> trustLists) {
    }

    /**
     * Shared in-process services the topology feeds; {@code globalDeadLetters} receives the dead letters of the
     * global topics (rounds, model updates, trust lists), which have no stream-task producer; {@code trust} holds the
     * signing keys (the configured ones, overlaid with the operator's trust lists), shared with the {@code models}'
     * verifier; null = the configured keys ({@link #keyTrust}); {@code sets} follows every set published on the topic
     * (by any instance), for the optimiser.
     */
    public record Services(TargetsRegistry targets, LiveModels models, ProcessorMetrics metrics,
                           DeadLetterSink globalDeadLetters, KeyTrust trust, SyntheticSetState sets) {
        /** Services with the configured keys. */
        public Services(TargetsRegistry targets, LiveModels models, ProcessorMetrics metrics,
                        DeadLetterSink globalDeadLetters) {
            this(targets, models, metrics, globalDeadLetters, null, new SyntheticSetState());
        }

        /** Services whose global dead letters are only logged (unit tests and benchmarks). */
        public Services(TargetsRegistry targets, LiveModels models, ProcessorMetrics metrics) {
            this(targets, models, metrics, letter -> LoggerFactory.getLogger(ProcessorTopology.class).warn(
                    "dead letter of {} ({}): {}", letter.getSourceTopic(), letter.getErrorClass(), letter.getErrorMessage()));
        }
    }

    /** The configured keys: {@code processor.scoring.trusted-keys} and {@code processor.contributions.edge-keys}. */
    public static KeyTrust keyTrust(ProcessorConfig cfg) {
        return KeyTrust.of(Ed25519Keys.parseTrusted(cfg.scoring().trustedKeys()),
                ContributionSignature.parseEdgeKeys(cfg.contributions().edgeKeys()));
    }

    private ProcessorTopology() {
    }

    public static Topology build(ProcessorConfig cfg, TopicSerdes serdes, Services services) {
        StreamsBuilder b = new StreamsBuilder();
        ProcessorMetrics metrics = services.metrics();

        KeyTrust trust = services.trust() != null ? services.trust() : keyTrust(cfg);
        if (cfg.trust().followsTrustLists()) {
            // registered first: global stores restore in this order, so the keys are known before the models are checked
            Map<String, java.security.PublicKey> roots = Ed25519Keys.parseTrusted(cfg.trust().rootKeys());
            b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TRUST_STORE), Serdes.String(),
                            Serdes.ByteArray()).withLoggingDisabled(),
                    Topics.TRUST, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("trust-source"),
                    () -> new TrustListGlobalProcessor(serdes.trustLists().deserializer(), roots, trust, services.models(),
                            services.globalDeadLetters()));
        }

        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ROUNDS_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                Topics.ROUNDS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("rounds-source"),
                () -> new RoundsGlobalProcessor(serdes.rounds().deserializer(), services.globalDeadLetters(), metrics));
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODELS_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                Topics.MODEL_UPDATES, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("models-source"),
                () -> new ModelUpdateProcessor(serdes.models().deserializer(), services.models(),
                        services.globalDeadLetters(), metrics));
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SETS_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                Topics.SYNTHETIC_SETS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("sets-source"),
                () -> new SyntheticSetsGlobalProcessor(serdes.syntheticSets().deserializer(), services.sets(),
                        services.globalDeadLetters()));

        // --- contributions: summaries and knowledge (signed by the edge they claim, when edge keys are known)
        Supplier<java.util.Set<String>> distrusted = new DistrustedEdges(cfg.contributions().distrusted(), trust);
        KStream<byte[], ContributionOrDeadLetter> summaries = contributionIntake(b, Topics.SUMMARIES,
                "summaries", serdes.summaries(), ContributionAdapter.SUMMARIES, serdes, trust, distrusted,
                metrics.summariesDeadLettered::increment);
        KStream<byte[], ContributionOrDeadLetter> knowledge = contributionIntake(b, Topics.KNOWLEDGE,
                "knowledge", serdes.knowledge(), ContributionAdapter.KNOWLEDGE, serdes, trust, distrusted,
                metrics.knowledgeDeadLettered::increment);
        KStream<byte[], ContributionOrDeadLetter> validSummaries = validOnly(summaries, Topics.SUMMARIES,
                "summaries", serdes);
        KStream<byte[], ContributionOrDeadLetter> validKnowledge = validOnly(knowledge, Topics.KNOWLEDGE,
                "knowledge", serdes);

        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUBMISSIONS_STORE), Serdes.String(),
                Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUARANTINE_STORE), Serdes.String(),
                Serdes.String()));
        validSummaries.merge(validKnowledge, Named.as("contributions-merge"))
                .map((key, v) -> KeyValue.pair(v.taskId(), v.summary()), Named.as("contributions-by-task"))
                .repartition(Repartitioned.with(Serdes.String(), CoreSummaryCodec.serde())
                        .withName("contributions").withNumberOfPartitions(1))
                .process(() -> new AggregationProcessor(cfg.contributions(), serdes.rounds().deserializer(), services.targets(), metrics,
                                distrusted),
                        Named.as("aggregation"), SUBMISSIONS_STORE, QUARANTINE_STORE)
                .to(Topics.ALERTS, Produced.with(Serdes.String(), serdes.alerts()).withName("poison-alerts-sink"));

        // --- traffic scoring
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TRAFFIC_BUFFER_STORE), Serdes.Long(),
                Serdes.ByteArray()).withCachingEnabled());
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TRAFFIC_SEQUENCES_STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled());
        org.apache.kafka.common.serialization.Serializer<AttackAlert> alertSer = serdes.alerts().serializer();
        org.apache.kafka.common.serialization.Serializer<DeadLetter> dlSer = serdes.deadLetters().serializer();
        org.apache.kafka.common.serialization.Serializer<AlertOrDeadLetter> outSer = (topic, out) ->
                out.alert() != null ? alertSer.serialize(topic, out.alert()) : dlSer.serialize(topic, out.deadLetter());
        String trafficDlq = Topics.deadLetterTopic(Topics.TRAFFIC);
        ProcessorConfig.Scoring scoring = cfg.scoring();
        byte[] trafficMaster = scoring.trafficMasterKey().isBlank() ? null
                : TrafficMac.decodeKey(scoring.trafficMasterKey(), "processor.scoring.traffic-master-key");
        b.stream(Topics.TRAFFIC, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("traffic-source"))
                .process(() -> new TrafficScoringProcessor(serdes.traffic().deserializer(), serdes.models().deserializer(),
                        services.models(), cfg.scoringModelId(), scoring.alertThreshold(),
                        scoring.batchSize(), scoring.batchMaxMs(), metrics,
                        trafficMaster == null ? null : new TrafficMac.Verifier(trafficMaster, Topics.TRAFFIC, 100_000,
                                trust::trafficGeneration),
                        scoring.replayWindow(), distrusted),
                        Named.as("traffic-scoring"), TRAFFIC_BUFFER_STORE, TRAFFIC_SEQUENCES_STORE)
                // one sink for both outputs (alerts and dead letters), so the hot path has no extra nodes
                .to((key, out, ctx) -> out.alert() != null ? Topics.ALERTS : trafficDlq,
                        Produced.with(Serdes.ByteArray(), Serdes.serdeFrom(outSer, (t, d) -> {
                            throw new UnsupportedOperationException("write-only");
                        })).withName("traffic-outputs-sink"));
        return b.build();
    }

    /**
     * Source and intake stage of one contribution topic ({@code name} prefixes the node names). Records are read
     * as bytes and decoded by the intake stage, so that one that does not decode is dead-lettered instead of
     * failing the task.
     */
    private static <T> KStream<byte[], ContributionOrDeadLetter> contributionIntake(
            StreamsBuilder b, String topic, String name, Serde<T> serde, ContributionAdapter<T> adapter,
            TopicSerdes serdes, KeyTrust edgeKeys, Supplier<java.util.Set<String>> distrusted,
            Runnable onDeadLetter) {
        return b.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(() -> new ContributionIntakeProcessor<>(serde.deserializer(), serdes.rounds().deserializer(),
                        adapter, SERVICE + "/" + name, MAX_SUMMARY_BYTES, edgeKeys, distrusted, onDeadLetter),
                        Named.as(name + "-intake"));
    }

    /** Writes an intake stage's dead letters to the topic's {@code .dlq} and returns its valid contributions. */
    private static KStream<byte[], ContributionOrDeadLetter> validOnly(
            KStream<byte[], ContributionOrDeadLetter> intake, String topic, String name, TopicSerdes serdes) {
        return intake.split(Named.as(name + "-"))
                .branch((key, v) -> v.deadLetter() != null, Branched.withConsumer(dl -> dl
                        .mapValues(ContributionOrDeadLetter::deadLetter, Named.as(name + "-dead-letter"))
                        .to(Topics.deadLetterTopic(topic), Produced.with(Serdes.ByteArray(), serdes.deadLetters())
                                .withName(name + "-dlq-sink"))))
                .defaultBranch(Branched.as("valid"))
                .get(name + "-valid");
    }

    /**
     * Kafka Streams settings: the client's connection and security, exactly-once v2, state dir, threads, robust
     * deserialisation of global topics.
     */
    public static Properties streamsConfig(ProcessorConfig.Streams cfg, KafkaClientSettings client) {
        Properties p = new Properties();
        p.putAll(client.common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.threads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.commitIntervalMs());
        if (!cfg.stateDir().isBlank()) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir());
        }
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 << 20);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // a crashed instance is noticed after the session timeout; with a stable instance id (static membership)
        // the restarted instance rejoins under its old identity and resumes its tasks without a rebalance
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), cfg.sessionTimeoutMs());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cfg.standbyReplicas());
        if (!cfg.instanceId().isBlank()) {
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), cfg.instanceId());
        }
        return p;
    }
}
