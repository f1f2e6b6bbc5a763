package io.edgedistill.processor.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.edgedistill.core.data.CsvLoader;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.FiveGNiddGenerator;
import io.edgedistill.core.data.FiveGNiddSchema;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.model.MlpTrainer;
import io.edgedistill.core.model.ModelFormat;
import io.edgedistill.core.model.TrainConfig;
import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.deploy.InProcessKafka;
import io.edgedistill.processor.Fixtures;
import io.edgedistill.processor.Flows;
import io.edgedistill.processor.TestConfig;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.processor.scoring.FlowScorer;
import io.edgedistill.processor.scoring.LiveModel;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.ValidationMetrics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Scoring throughput of the processor topology vs a pass-through Kafka Streams topology over the same
 * {@code edge.traffic} records, in the same run, on a real in-process broker (KafkaClusterTestKit): both
 * exactly-once v2, same thread count, values in the wire format (registry-free serde). The model is the
 * default edge student architecture (d_in → 32 → 9) briefly trained on generated 5G-NIDD flows.
 *
 * <pre>mvn -pl distill-processor exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.edgedistill.processor.bench.ScoringBench -Dexec.args="200000 2"</pre>
 * Arguments: flows (default 200000), repetitions (default 2), stream threads per instance (default 2),
 * {@code authenticated} (default false: flows carry the edges' HMAC tags and the processor checks them with a traffic
 * master key), scoring instances of one application id (default 1: more split the partitions of {@code edge.traffic},
 * in this JVM, each with its own topology and state directory).
 */
public final class ScoringBench {
    private ScoringBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean authenticated = args.length > 3 && Boolean.parseBoolean(args[3]);
        int instances = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        byte[] master = new byte[32];
        new java.util.Random(5).nextBytes(master);
        ProcessorTopology.TopicSerdes serdes = Fixtures.plainSerdes();

        // data + default-architecture model
        List<String[]> rows = new FiveGNiddGenerator(11).generate(20_000);
        RawDataset raw = CsvLoader.fromRows(FiveGNiddSchema.ALL_COLUMNS, rows, FiveGNiddSchema.mapping());
        FeatureSpec spec = Preprocessor.fit(raw);
        Dataset ds = spec.transform(raw);
        long t0 = System.nanoTime();
        MlpModel model = MlpTrainer.train(new int[] {32}, ds.x(), ds.size(), ds.y(), null, ds.numClasses(),
                new TrainConfig(6, 256, 3e-3f, 1e-4f, 1f, 0f, 1));
        System.out.printf(Locale.ROOT, "model %s trained in %.1f s%n", java.util.Arrays.toString(model.layerSizes()),
                (System.nanoTime() - t0) / 1e9);
        byte[] weights = ModelFormat.write(model);
        ModelUpdate update = ModelUpdate.newBuilder().setModelId("bench").setTaskId("bench").setVersion(1)
                .setFormat("edgedistill-mlp-v1").setArchitecture("mlp").setWeights(ByteBuffer.wrap(weights))
                .setSha256(ModelFormat.sha256Hex(weights)).setSigningKeyId("bench").setSignature(ByteBuffer.wrap(new byte[64]))
                .setSyntheticSetVersion(1).setPreprocessing(spec.toJson()).setClasses(new ArrayList<>(spec.classNames()))
                .setMetrics(ValidationMetrics.newBuilder().setAccuracy(0).setMacroF1(0).setSamples(0).build())
                .setCreatedAt(Instant.now()).build();

        // pure compute reference: vectorise + one forward pass per 2000-flow batch, no Kafka
        List<TrafficFlow> flows = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            flows.add(Flows.fromRow("edge-" + (i % 10), "f" + i, rows.get(i)));
        }
        LiveModel live = LiveModel.load(update);
        FlowScorer scorer = new FlowScorer(0.8);
        long alertsRef = 0;
        for (int w = 0; w < 2; w++) {
            t0 = System.nanoTime();
            alertsRef = 0;
            for (int i = 0; i < flows.size(); i += 2000) {
                alertsRef += scorer.score(live, flows.subList(i, Math.min(flows.size(), i + 2000)), 0).size();
            }
        }
        double computeRate = flows.size() / ((System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "compute only (vectorise + batched forward, 1 thread): %,.0f flows/s, %.1f%% alerts%n",
                computeRate, 100.0 * alertsRef / flows.size());

        try (InProcessKafka kafka = InProcessKafka.start()) {
            try (var admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("bench.passthrough", 6, (short) 1))).all().get();
                // wait until every partition we write has a leader (a fresh single-node cluster needs a moment)
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < until) {
                    try {
                        var d = admin.describeTopics(List.of(Topics.TRAFFIC, Topics.MODEL_UPDATES, "bench.passthrough"))
                                .allTopicNames().get();
                        if (d.values().stream().flatMap(t -> t.partitions().stream()).allMatch(pi -> pi.leader() != null
                                && pi.leader().id() >= 0)) {
                            break;
                        }
                    } catch (java.util.concurrent.ExecutionException notYet) {
                        // metadata not propagated yet
                    }
                    Thread.sleep(100);
                }
            }
            PlainAvroSerde<TrafficFlow> trafficSerde = (PlainAvroSerde<TrafficFlow>) serdes.traffic();
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false); // loading test data only
            pp.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            pp.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            long bytes = 0;
            t0 = System.nanoTime();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
                byte[][] encoded = new byte[flows.size()][];
                for (int i = 0; i < flows.size(); i++) {
                    encoded[i] = trafficSerde.encode(flows.get(i));
                }
                for (int i = 0; i < n; i++) {
                    byte[] v = encoded[i % encoded.length];
                    bytes += v.length;
                    String edge = "edge-" + (i % 10);
                    if (authenticated) {
                        byte[] seq = TrafficMac.seq(1, i / 10); // each edge's flows numbered 0, 1, 2, ...
                        byte[] tag = new TrafficMac.Tagger(TrafficMac.edgeKey(master, edge), Topics.TRAFFIC, edge).tag(seq, v);
                        p.send(new ProducerRecord<>(Topics.TRAFFIC, null, edge, v, List.<org.apache.kafka.common.header.Header>of(
                                new org.apache.kafka.common.header.internals.RecordHeader(TrafficMac.SEQ_HEADER, seq),
                                new org.apache.kafka.common.header.internals.RecordHeader(TrafficMac.MAC_HEADER, tag))));
                    } else {
                        p.send(new ProducerRecord<>(Topics.TRAFFIC, edge, v));
                    }
                }
                p.send(new ProducerRecord<>(Topics.MODEL_UPDATES, "bench",
                        ((PlainAvroSerde<ModelUpdate>) serdes.models()).encode(update))).get();
            }
            System.out.printf(Locale.ROOT, "produced %,d flows (%.0f bytes avg) in %.1f s%n", n, (double) bytes / n,
                    (System.nanoTime() - t0) / 1e9);

            List<double[]> results = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                double pt = passThrough(kafka.bootstrapServers(), n, threads);
                double sc = scoring(kafka.bootstrapServers(), n, threads, serdes, authenticated ? master : null, instances);
                results.add(new double[] {pt, sc});
                System.out.printf(Locale.ROOT, "rep %d: pass-through %,.0f flows/s | scoring %,.0f flows/s | ratio %.2f%n",
                        r + 1, pt, sc, sc / pt);
            }
            double pt = results.stream().mapToDouble(a -> a[0]).max().orElse(0);
            double sc = results.stream().mapToDouble(a -> a[1]).max().orElse(0);
            double[] ptSorted = results.stream().mapToDouble(a -> a[0]).sorted().toArray();
            double[] scSorted = results.stream().mapToDouble(a -> a[1]).sorted().toArray();
            double[] ratios = results.stream().mapToDouble(a -> a[1] / a[0]).sorted().toArray();
            System.out.printf(Locale.ROOT, "BEST: pass-through %,.0f flows/s, scoring %,.0f flows/s, ratio %.2f (%d flows, %d "
                    + "scoring instance(s) x %d threads, EOS v2%s)%n", pt, sc, sc / pt, n, instances, threads,
                    authenticated ? ", HMAC-tagged flows checked" : "");
            System.out.printf(Locale.ROOT, "MEDIAN: pass-through %,.0f flows/s, scoring %,.0f flows/s, median per-rep ratio %.2f%n",
                    ptSorted[ptSorted.length / 2], scSorted[scSorted.length / 2], ratios[ratios.length / 2]);
        }
    }

    private static Properties props(String bootstrap, String appId, int threads) throws Exception {
        ProcessorConfig cfg = TestConfig.processor(Map.of("processor.streams.application-id", appId,
                "processor.streams.threads", threads,
                "processor.streams.state-dir", Files.createTempDirectory("bench-state").toString()));
        Properties p = ProcessorTopology.streamsConfig(cfg.streams(), KafkaClientSettings.of(bootstrap, ""));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return p;
    }

    private static double passThrough(String bootstrap, int n, int threads) throws Exception {
        AtomicLong count = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Topics.TRAFFIC, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .peek((k, v) -> count.incrementAndGet())
                .to("bench.passthrough", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return measure(new KafkaStreams(b.build(), props(bootstrap, "bench-pt-" + UUID.randomUUID(), threads)), count::get, n);
    }

    private static double scoring(String bootstrap, int n, int threads, ProcessorTopology.TopicSerdes serdes,
                                  byte[] trafficMaster, int instances) throws Exception {
        ProcessorMetrics metrics = ProcessorMetrics.inMemory(); // shared: the instances' counts add up
        // the shipped scoring settings (batch size, batch time, alert threshold), scoring the bench's model
        Map<String, Object> overrides = new java.util.HashMap<>(Map.of("processor.scoring.model-id", "bench"));
        if (trafficMaster != null) {
            overrides.put("processor.scoring.traffic-master-key", java.util.Base64.getEncoder().encodeToString(trafficMaster));
        }
        ProcessorConfig cfg = TestConfig.processor(overrides);
        // instances of one application id in this JVM, each with its own topology, state directory and live models, as
        // separate processor JVMs would be (they split the partitions of edge.traffic)
        String appId = "bench-score-" + UUID.randomUUID();
        List<KafkaStreams> all = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            var topology = ProcessorTopology.build(cfg, serdes,
                    new ProcessorTopology.Services(new TargetsRegistry(), new LiveModels(metrics), metrics));
            all.add(new KafkaStreams(topology, props(bootstrap, appId, threads)));
        }
        try {
            double rate = measure(all, () -> (long) (metrics.flowsScored.count() + metrics.flowsUnscored.count()), n);
            System.out.printf(Locale.ROOT, "  scored %,.0f, unscored %,.0f, alerts %,.0f, dead-lettered %,.0f%n",
                    metrics.flowsScored.count(), metrics.flowsUnscored.count(), metrics.attackAlerts.count(),
                    metrics.trafficDeadLettered.count());
            return rate;
        } finally {
            all.forEach(KafkaStreams::close);
        }
    }

    private static double measure(KafkaStreams s, LongSupplier processed, int n) throws InterruptedException {
        try (s) {
            return measure(List.of(s), processed, n);
        }
    }

    /** Rate between the first processed flow and the n-th (start-up and rebalancing excluded). */
    private static double measure(List<KafkaStreams> all, LongSupplier processed, int n) throws InterruptedException {
        all.forEach(KafkaStreams::start);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long first = -1;
        long firstCount = 0;
        while (processed.getAsLong() < n && System.nanoTime() < deadline) {
            long c = processed.getAsLong();
            if (first < 0 && c > 0) {
                first = System.nanoTime();
                firstCount = c;
            }
            Thread.sleep(2);
        }
        long end = System.nanoTime();
        all.forEach(s -> s.close(Duration.ofSeconds(30)));
        return (processed.getAsLong() - firstCount) / ((end - first) / 1e9);
    }
}
