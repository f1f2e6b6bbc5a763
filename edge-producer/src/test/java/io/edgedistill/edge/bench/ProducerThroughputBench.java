package io.edgedistill.edge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.edge.core.Flows;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.TrafficProducerConfig;
import io.edgedistill.edge.core.TrafficStreamer;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Producer throughput harness: TrafficFlow records/s through the edge's producer path ({@link TrafficStreamer}:
 * flow construction and registry Avro serialisation on the source thread, own bounded queue, sender thread,
 * idempotent acks=all producer) against
 * Kafka's own {@code org.apache.kafka.tools.ProducerPerformance} (run as a child JVM on the same class path)
 * on the same broker and topic, with the same value size (the mean serialised TrafficFlow) and the same
 * producer settings. Starts its own local stack unless {@code --bootstrap}/{@code --registry} are given;
 * {@code --tagged} makes the edge tag every flow ({@code TrafficMac}), as a secured deployment does.
 *
 * <pre>
 *   ./mvnw -B -o -q -pl edge-producer -am install -DskipTests
 *   ./mvnw -B -o -q -pl edge-producer exec:java -Dexec.classpathScope=test \
 *       -Dexec.mainClass=io.edgedistill.edge.bench.ProducerThroughputBench -Dexec.args="--records 200000 --repeats 2"
 * </pre>
 */
public final class ProducerThroughputBench {
    private ProducerThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int records = 200_000;
        int repeats = 2;
        int warmups = 1;
        int rows = 5_000;
        String bootstrap = null;
        String registry = null;
        byte[] trafficKey = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                case "--bootstrap" -> bootstrap = args[++i];
                case "--registry" -> registry = args[++i];
                case "--tagged" -> trafficKey = TrafficMac.edgeKey(new byte[32], "edge-bench");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        LocalStack stack = null;
        if (bootstrap == null) {
            Path dir = Files.createTempDirectory("edge-bench-");
            long t0 = System.nanoTime();
            stack = LocalStack.builder().dataDir(dir).build().start();
            bootstrap = stack.bootstrapServers();
            registry = stack.registryUrl();
            System.out.printf("stack started in %.1f s: %s, %s%n", (System.nanoTime() - t0) / 1e9, bootstrap, registry);
        }
        try {
            run(bootstrap, registry, records, repeats, rows, warmups, trafficKey);
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    private static void run(String bootstrap, String registry, int records, int repeats, int rows, int warmups,
                            byte[] trafficKey)
            throws Exception {
        LocalData data = LocalData.generated(1, rows, null);
        Flows flows = new Flows("edge-bench", data);
        int valueBytes = meanValueSize(flows, registry);
        System.out.printf("TrafficFlow mean serialised value: %d bytes (registry wire format), key 'edge-bench'%n",
                valueBytes);
        TrafficStreamer.Settings s = new TrafficStreamer.Settings(0, 10_000, 32L << 20, 60_000, 5, 64 << 10, "none",
                records);
        // warm-up of the edge path (JIT of flow building and Avro serialisation, registry lookup, connections);
        // ProducerPerformance does no serialisation and runs in a fresh JVM each time
        for (int w = 0; w < warmups; w++) {
            double[] wr = edgePath(bootstrap, registry, flows, s, trafficKey);
            System.out.printf("warm-up %d edge path:       %,10.0f records/s%n", w + 1, wr[0]);
        }
        List<double[]> edge = new ArrayList<>();
        List<double[]> kafka = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            edge.add(edgePath(bootstrap, registry, flows, s, trafficKey));
            System.out.printf("run %d edge path:           %,10.0f records/s  %6.1f MB/s%n", r + 1, edge.get(r)[0],
                    edge.get(r)[0] * valueBytes / 1e6);
            kafka.add(producerPerformance(bootstrap, records, valueBytes, s));
            System.out.printf("run %d ProducerPerformance: %,10.0f records/s  %6.1f MB/s%n", r + 1, kafka.get(r)[0],
                    kafka.get(r)[1]);
        }
        double e = edge.stream().mapToDouble(a -> a[0]).max().orElse(0);
        double k = kafka.stream().mapToDouble(a -> a[0]).max().orElse(0);
        System.out.printf("%nbest of %d: edge path %,.0f records/s, ProducerPerformance %,.0f records/s, ratio %.2f "
                + "(target >= 0.8)%n", repeats, e, k, e / k);
        double em = edge.stream().mapToDouble(a -> a[0]).average().orElse(0);
        double km = kafka.stream().mapToDouble(a -> a[0]).average().orElse(0);
        System.out.printf("mean of %d: edge path %,.0f records/s, ProducerPerformance %,.0f records/s, ratio %.2f%n",
                repeats, em, km, em / km);
        System.out.println("producer settings (both): " + TrafficProducerConfig.producerConfig(
                KafkaClientSettings.of(bootstrap, registry), s, "edge-bench"));
    }

    private static int meanValueSize(Flows flows, String registry) {
        try (Serializer<TrafficFlow> ser = AvroSerdes.serializer(registry, false)) {
            long total = 0;
            int n = Math.min(2000, flows.size());
            for (int i = 0; i < n; i++) {
                total += ser.serialize(Topics.TRAFFIC, flows.flow(i, 1_000_000L + i, Instant.now(), true)).length;
            }
            return (int) Math.round((double) total / n);
        }
    }

    /** Records/s through the edge's traffic path, from start until every record is acknowledged. */
    private static double[] edgePath(String bootstrap, String registry, Flows flows, TrafficStreamer.Settings s,
                                     byte[] trafficKey) throws InterruptedException {
        try (KafkaProducer<String, byte[]> p = TrafficProducerConfig.createProducer(KafkaClientSettings.of(bootstrap, registry), s, "edge-bench")) {
            TrafficStreamer t = new TrafficStreamer("edge-bench", () -> flows, TrafficProducerConfig.serializer(io.edgedistill.schemas.serde.RegistryAccess.open(registry)), p, s,
                    true, null, trafficKey);
            long t0 = System.nanoTime();
            t.start();
            if (!t.awaitAcked(s.maxFlows(), Duration.ofMinutes(10))) {
                throw new IllegalStateException("edge path did not finish: " + t.acked() + " of " + s.maxFlows());
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            t.close();
            return new double[] {s.maxFlows() / secs, secs};
        }
    }

    /** The class path of this harness (also under {@code exec:java}, whose JVM class path is Maven's own). */
    static String classPath() {
        List<String> parts = new ArrayList<>();
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof java.net.URLClassLoader u) {
                for (java.net.URL url : u.getURLs()) {
                    try {
                        parts.add(Path.of(url.toURI()).toString());
                    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                        // not a file URL: skip
                    }
                }
            }
        }
        return parts.isEmpty() ? System.getProperty("java.class.path")
                : String.join(java.io.File.pathSeparator, parts);
    }

    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

    /** Kafka's ProducerPerformance in a child JVM; returns records/s and MB/s from its summary line. */
    private static double[] producerPerformance(String bootstrap, int records, int recordSize, TrafficStreamer.Settings s)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classPath(), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", Topics.TRAFFIC, "--num-records", Integer.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props"));
        // the edge's traffic producer settings, with ProducerPerformance's own (byte[]) serializers
        Map<String, Object> props = new java.util.TreeMap<>(TrafficProducerConfig.producerConfig(
                KafkaClientSettings.of(bootstrap, KafkaClientSettings.DEFAULT_REGISTRY_URL), s, "producer-performance"));
        props.remove("key.serializer");
        props.remove("value.serializer");
        for (Map.Entry<String, Object> e : props.entrySet()) {
            cmd.add(e.getKey() + "=" + e.getValue());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double[] out = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = SUMMARY.matcher(line);
                if (m.find() && Long.parseLong(m.group(1)) == records) {
                    out = new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
                }
            }
        }
        int rc = p.waitFor();
        if (out == null || rc != 0) {
            throw new IllegalStateException("ProducerPerformance failed (exit " + rc + ")");
        }
        return out;
    }
}
