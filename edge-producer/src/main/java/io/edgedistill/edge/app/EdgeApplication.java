package io.edgedistill.edge.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.edgedistill.schemas.client.KafkaClientConfig;
import io.edgedistill.schemas.http.HttpAccessConfig;
import io.edgedistill.schemas.config.ConfigurationKeys;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The edge-producer service. Every option maps to a configuration key (also settable in
 * {@code application.yml}, as a system property or an environment variable); options win.
 *
 * <pre>
 *   java -cp ... io.edgedistill.edge.app.EdgeApplication --edge-id edge-3 --shard 3 --edges 10 --beta 0.1 \
 *        --bootstrap 127.0.0.1:9092 --registry http://127.0.0.1:8081/apis/registry/v3 \
 *        --trusted-key "$(curl -s localhost:8083/keys | jq -r .publicKey)" --rate 500 --port 8090
 * </pre>
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = "An EdgeDistill edge site: streams traffic, answers rounds, runs signed models, sends knowledge.")
public final class EdgeApplication implements Callable<Integer> {
    @Option(names = {"--id", "--edge-id"}, description = "edge identity (edge.id)") String edgeId;
    @Option(names = "--task", description = "task id, the processor's processor.rounds.task-id (edge.task-id; default 5g-nidd-attacks)") String task;
    @Option(names = "--cohort", description = "cohort for personalised models (edge.cohort; default the edge id)") String cohort;
    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (edgedistill.kafka.bootstrap-servers)") String bootstrap;
    @Option(names = "--registry", description = "registry URL, Apicurio v3 API (edgedistill.kafka.registry-url)") String registry;
    @Option(names = "--client-properties", description = "Kafka client security settings file, e.g. the edge's file of a secured stack (edgedistill.kafka.client-properties)") String clientProperties;
    @Option(names = "--data", description = "generated | csv (edge.data.source)") String source;
    @Option(names = "--csv", description = "the edge's labelled flow file (edge.data.csv-path)") String csv;
    @Option(names = "--format", description = "how to read --csv: 5g-nidd | nsl-kdd | cic-ids2017 | a data description YAML (edge.data.format)") String format;
    @Option(names = "--seed", description = "generator seed shared by all edges (edge.data.seed)") Long seed;
    @Option(names = "--rows", description = "rows generated over all edges (edge.data.rows)") Integer rows;
    @Option(names = "--edges", description = "number of edges sharing the data (edge.data.edges)") Integer edges;
    @Option(names = "--beta", description = "Dirichlet beta of the class split (edge.data.beta)") Double beta;
    @Option(names = "--shard", description = "this edge's shard index (edge.data.shard)") Integer shard;
    @Option(names = "--rate", description = "traffic flows per second, 0 = as fast as possible (edge.traffic.rate)") Double rate;
    @Option(names = "--no-traffic", description = "do not stream traffic (edge.traffic.enabled=false)") boolean noTraffic;
    @Option(names = "--trusted-key", description = "trusted Ed25519 public key, Base64 X.509, optionally keyId=... (edge.trusted-keys); repeatable") List<String> keys;
    @Option(names = "--port", description = "HTTP port (micronaut.server.port)") Integer port;

    private static final String CONFIGURATION_KEYS = "configurationKeys";

    private String[] rest = new String[0];

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        CommandLine cl = commandLine(new EdgeApplication());
        int rc = cl.execute(args);
        if (rc != 0 || cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
            System.exit(rc);
        }
    }

    /**
     * The command line of {@code app}: its options, and in its usage ({@code --help}) every configuration key with
     * its declared default.
     */
    static CommandLine commandLine(EdgeApplication app) {
        CommandLine cl = new CommandLine(app);
        cl.setUnmatchedArgumentsAllowed(true);
        List<String> sections = new ArrayList<>(cl.getHelpSectionKeys());
        sections.add(CONFIGURATION_KEYS);
        cl.getHelpSectionMap().put(CONFIGURATION_KEYS, help -> System.lineSeparator() + ConfigurationKeys.help("edge", keys()));
        cl.setHelpSectionKeys(sections);
        return cl;
    }

    /** Every configuration key of the edge: the shared Kafka client group, then {@code edge.*}. */
    static List<ConfigurationKeys.Key> keys() {
        List<ConfigurationKeys.Key> keys = new ArrayList<>(ConfigurationKeys.of(KafkaClientConfig.class));
        keys.addAll(ConfigurationKeys.of(HttpAccessConfig.class));
        keys.addAll(ConfigurationKeys.of(EdgeConfig.class));
        return keys;
    }

    @Override
    public Integer call() {
        start(properties(), rest);
        return 0;
    }

    /** The options as configuration properties. */
    Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        put(p, "edge.id", edgeId);
        put(p, "edge.task-id", task);
        put(p, "edge.cohort", cohort);
        put(p, "edgedistill.kafka.bootstrap-servers", bootstrap);
        put(p, "edgedistill.kafka.registry-url", registry);
        put(p, "edgedistill.kafka.client-properties", clientProperties);
        put(p, "edge.data.source", source);
        put(p, "edge.data.csv-path", csv);
        put(p, "edge.data.format", format);
        put(p, "edge.data.seed", seed);
        put(p, "edge.data.rows", rows);
        put(p, "edge.data.edges", edges);
        put(p, "edge.data.beta", beta);
        put(p, "edge.data.shard", shard);
        put(p, "edge.traffic.rate", rate);
        if (noTraffic) {
            p.put("edge.traffic.enabled", false);
        }
        if (keys != null && !keys.isEmpty()) {
            p.put("edge.trusted-keys", new ArrayList<>(keys));
        }
        put(p, "micronaut.server.port", port);
        return p;
    }

    private static void put(Map<String, Object> p, String k, Object v) {
        if (v != null) {
            p.put(k, v);
        }
    }

    /** Starts the Micronaut application with extra properties. */
    public static ApplicationContext start(Map<String, Object> properties, String... args) {
        return Micronaut.build(args).mainClass(EdgeApplication.class).properties(properties).start();
    }
}
