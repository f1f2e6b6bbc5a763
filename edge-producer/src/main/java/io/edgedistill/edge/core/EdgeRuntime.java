package io.edgedistill.edge.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.edgedistill.core.util.Engines;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.dlq.KafkaDeadLetterSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects an {@link EdgeNode} to Kafka (plain clients, usable without Micronaut) and owns the edge's threads and
 * clients from {@link #start()} to {@link #close()}:
 * <ul>
 *   <li>traffic: a {@link TrafficStreamer} on its own tuned producer;</li>
 *   <li>control: summaries, knowledge and alerts through a {@link ControlChannel};</li>
 *   <li>input: an {@link InputConsumer} of rounds and model updates; rounds and knowledge evaluation run on a
 *       worker thread, model swaps on the consumer thread;</li>
 *   <li>scoring: a {@link ScoringQueue} that scores the flows just sent in batches and raises alerts;</li>
 *   <li>knowledge: evaluated after each swap, after each round and every {@code knowledgeInterval}.</li>
 * </ul>
 * The worker first warms up the tensor engine, so that the first round's answer does not pay for it.
 */
public final class EdgeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRuntime.class);

    /**
     * Connection and loop settings.
     *
     * @param kafka where every Kafka client of the edge connects and how it authenticates
     * @param traffic the traffic producer's settings (unused when {@code streamTraffic} is false)
     * @param streamTraffic whether the edge streams its local flows to {@code edge.traffic}
     * @param scoreBatch flows scored per batch
     * @param knowledgeInterval how often knowledge is evaluated besides after swaps and rounds
     * @param signing the edge's own Ed25519 key pair: when set, every summary, knowledge record and alert it writes
     *                is signed ({@link io.edgedistill.core.signing.ContributionSignature}), which a processor with
     *                {@code processor.contributions.edge-keys} requires; null = unsigned
     * @param trafficKey the edge's traffic key ({@link io.edgedistill.core.signing.TrafficMac#edgeKey}): when set,
     *                   every flow carries its tag, which a processor with {@code processor.scoring.traffic-master-key}
     *                   requires; null = untagged
     * @param statusInterval how often the edge sends its {@code edge.status} besides after each model swap
     * @param stateDir       where the edge keeps what must outlive it (the epoch of its flow numbers, its drift
     *                       reference); null = nothing kept
     */
    public record Settings(KafkaClientSettings kafka, TrafficStreamer.Settings traffic, boolean streamTraffic,
                           int scoreBatch, Duration knowledgeInterval, java.security.KeyPair signing, byte[] trafficKey,
                           Duration statusInterval, java.nio.file.Path stateDir) {

        /** The default {@code edge.status} interval. */
        public static final Duration STATUS_INTERVAL = Duration.ofSeconds(10);

        /** Settings with the default status interval. */
        public Settings(KafkaClientSettings kafka, TrafficStreamer.Settings traffic, boolean streamTraffic,
                        int scoreBatch, Duration knowledgeInterval, java.security.KeyPair signing, byte[] trafficKey) {
            this(kafka, traffic, streamTraffic, scoreBatch, knowledgeInterval, signing, trafficKey, STATUS_INTERVAL, null);
        }

        /** Settings that keep no state. */
        public Settings(KafkaClientSettings kafka, TrafficStreamer.Settings traffic, boolean streamTraffic,
                        int scoreBatch, Duration knowledgeInterval, java.security.KeyPair signing, byte[] trafficKey,
                        Duration statusInterval) {
            this(kafka, traffic, streamTraffic, scoreBatch, knowledgeInterval, signing, trafficKey, statusInterval, null);
        }

        /** Settings of an edge that neither signs its contributions nor tags its flows. */
        public Settings(KafkaClientSettings kafka, TrafficStreamer.Settings traffic, boolean streamTraffic,
                        int scoreBatch, Duration knowledgeInterval) {
            this(kafka, traffic, streamTraffic, scoreBatch, knowledgeInterval, null, null);
        }
    }

    /** Dead-letter error class of a round that does not move forward in the log. */
    public static final String STALE_ROUND = "StaleRound";
    /** Dead-letter error class prefix of a refused model update (followed by the {@link ModelVerifier.Reason}). */
    public static final String MODEL_REJECTED = "ModelRejected:";
    /** Dead-letter error class of a trust list that does not verify under the edge's root keys. */
    public static final String TRUST_LIST_REFUSED = "TrustListRefused";

    private final EdgeNode node;
    private final Settings settings;
    private final String edgeId;
    private final ControlChannel control;
    private final ScoringQueue scoring;
    private final InputConsumer input;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean warmedUp = new AtomicBoolean();
    private final ExecutorService worker;
    private KafkaProducer<String, byte[]> trafficProducer;
    private TrafficStreamer streamer;
    private KafkaDeadLetterSink sink;
    private volatile Flows flows;
    private volatile long flowsGeneration = -1;

    private EdgeRuntime(EdgeNode node, ControlChannel control, Settings settings) {
        this.node = node;
        this.control = control;
        this.settings = settings;
        this.edgeId = node.settings().edgeId();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edge-worker-" + edgeId);
            t.setDaemon(true);
            return t;
        });
        this.scoring = new ScoringQueue(edgeId, node, settings.scoreBatch());
        this.input = new InputConsumer(settings, node, worker, running::get);
    }

    /**
     * Builds an edge node wired to Kafka: its outputs go through this runtime's producers (once started).
     */
    public static EdgeRuntime create(EdgeSettings edge, LocalData data, ModelVerifier verifier, Settings settings) {
        ControlChannel control = new ControlChannel(edge.edgeId());
        ModelSlot slot = new ModelSlot(edge.edgeId(), edge.taskId(), edge.cohortOrEdge(), edge.preferPersonalised(),
                verifier);
        return new EdgeRuntime(new EdgeNode(edge, data, slot, control, settings.stateDir()), control, settings);
    }

    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        control.open(settings);
        sink = new KafkaDeadLetterSink(settings.kafka(), Map.of("client.id", "edge-" + edgeId));
        if (settings.streamTraffic()) {
            startTraffic();
        }
        worker.execute(this::warmUp);
        scoring.start(running::get);
        input.start(sink);
        LOG.info("[{}] edge started against {} as {} ({}; traffic {})", edgeId, settings.kafka().bootstrapServers(),
                settings.kafka().security(),
                node.data().description(), settings.streamTraffic() ? settings.traffic().flowsPerSecond() + " flows/s" : "off");
    }

    private void startTraffic() {
        trafficProducer = TrafficProducerConfig.createProducer(settings.kafka(), settings.traffic(), "edge-traffic-" + edgeId);
        streamer = new TrafficStreamer(edgeId, this::currentFlows, TrafficProducerConfig.serializer(settings.kafka().registry()),
                trafficProducer, settings.traffic(),
                node.settings().labelledTraffic(), scoring::enqueue, settings.trafficKey(),
                TrafficEpochs.next(settings.stateDir() == null ? null : settings.stateDir().resolve("traffic-epoch")));
        streamer.start();
    }

    /** Pays the first round's fixed costs ahead of it: loading the tensor engine, compiling the summary code, metadata. */
    private void warmUp() {
        try {
            Engines.warmUp();
            SummaryAnswerer.warmUp();
            control.prime();
        } catch (RuntimeException e) {
            LOG.warn("[{}] tensor engine warm-up failed: {}", edgeId, e.toString());
        } finally {
            warmedUp.set(true);
        }
    }

    /** The flows of the current data window, rebuilt when the window was replaced. */
    private Flows currentFlows() {
        long gen = node.dataGeneration();
        if (flows == null || gen != flowsGeneration) {
            flows = new Flows(edgeId, node.data());
            flowsGeneration = gen;
        }
        return flows;
    }

    /** Times the consumer failed and was restarted. */
    public long consumerFailures() {
        return input.failures();
    }

    /** Consuming rounds and model updates, with the tensor engine warmed up: ready to answer a round at once. */
    public boolean ready() {
        return warmedUp.get() && input.assigned() && consuming();
    }

    /** Whether the input consumer is alive. */
    public boolean consuming() {
        return running.get() && input.alive();
    }

    public EdgeNode node() {
        return node;
    }

    public TrafficStreamer streamer() {
        return streamer;
    }

    public int scoringBacklog() {
        return scoring.backlog();
    }

    @Override
    public synchronized void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        if (streamer != null) {
            streamer.close();
        }
        input.wakeup();
        try {
            input.join(10_000);
            scoring.join(5_000);
            worker.shutdown();
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (trafficProducer != null) {
            trafficProducer.close(Duration.ofSeconds(30));
        }
        control.close();
        sink.close();
        LOG.info("[{}] edge stopped", edgeId);
    }
}
