package io.edgedistill.edge.app;

import java.time.Duration;
import java.util.List;

import io.edgedistill.core.data.DataDescription;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.TrafficStreamer;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The edge's configuration, {@code edge.*}, declared once: every key and its default is a component below (the
 * Kafka connection and security are the shared {@code edgedistill.kafka.*}, {@link
 * io.edgedistill.schemas.client.KafkaClientConfig}). Set a key in {@code application.yml}, as a system property
 * ({@code -Dedge.traffic.rate=500}), an environment variable ({@code EDGE_TRAFFIC_RATE=500}) or an option of
 * {@link EdgeApplication}.
 *
 * @param id                 edge identity: the key of everything it sends, and its Kafka user on a secured stack
 * @param taskId             task whose rounds and models the edge follows; must be the processor's
 *                           {@code processor.rounds.task-id}, or the edge answers no round
 * @param cohort             cohort for personalised models; blank = the edge id
 * @param data               the edge's local data
 * @param traffic            the traffic it streams
 * @param trustedKeys        trusted Ed25519 public keys of model signers, Base64 X.509, optionally
 *                           {@code keyId=<base64>}
 * @param trust              fetching the model-updater's key instead of configuring it
 * @param signing            the edge's own keys
 * @param preferPersonalised keep running a personalised model when a newer global one arrives
 * @param personalised       when a personalised model replaces the running one
 * @param knowledge          reverse-distillation knowledge
 * @param alerts             attack alerts
 * @param scoreBatch         flows scored per batch
 * @param statusInterval     how often the edge sends its {@code edge.status}, besides after each model swap
 * @param stateDir           where the edge keeps what must outlive a restart (the epoch of its flow numbers, its drift
 *                           reference), in a folder named by its id below this one
 */
@ConfigurationProperties("edge")
public record EdgeConfig(
        @Bindable(defaultValue = "edge-1") String id,
        @Bindable(defaultValue = "5g-nidd-attacks") String taskId,
        @Bindable(defaultValue = "") String cohort,
        Data data,
        Traffic traffic,
        @Bindable(defaultValue = "") List<String> trustedKeys,
        Trust trust,
        Signing signing,
        @Bindable(defaultValue = "true") boolean preferPersonalised,
        Personalised personalised,
        Knowledge knowledge,
        Alerts alerts,
        @Bindable(defaultValue = "512") int scoreBatch,
        @Bindable(defaultValue = "10s") Duration statusInterval,
        @Bindable(defaultValue = ".edge-state") String stateDir) {

    /** No trusted keys configured is an empty list. */
    public EdgeConfig {
        trustedKeys = trustedKeys == null ? List.of() : trustedKeys.stream().filter(k -> !k.isBlank()).toList();
    }

    /** The edge's behaviour, for {@link io.edgedistill.edge.core.EdgeRuntime#create}. */
    public EdgeSettings edgeSettings() {
        return new EdgeSettings(id, taskId, cohort, preferPersonalised, knowledge.threshold(), knowledge.confidence(),
                alerts.threshold(), alerts.maxPerSecond(), traffic.labelled(), personalised.minGain(), knowledge.drift());
    }

    /**
     * The edge's local data, {@code edge.data.*}.
     *
     * @param source  {@code generated} (a shard of a generated set shared by all edges) or {@code csv}
     * @param csvPath path of the edge's labelled flow file ({@code source = csv})
     * @param format  how to read it: a preset ({@code 5g-nidd}, {@code nsl-kdd}, {@code cic-ids2017}) or the path of
     *                a data description YAML; use the processor's {@code processor.rounds.data-format}
     * @param seed    generator seed, shared by all edges: they split one generated data set
     * @param rows    rows generated over all edges; with {@code csv}: the most rows read, 0 = all
     * @param edges   number of edges sharing the generated data
     * @param beta    Dirichlet β of the non-IID class split
     * @param shard   this edge's shard index
     */
    @ConfigurationProperties("data")
    public record Data(
            @Bindable(defaultValue = "generated") String source,
            @Bindable(defaultValue = "") String csvPath,
            @Bindable(defaultValue = "5g-nidd") String format,
            @Bindable(defaultValue = "1") long seed,
            @Bindable(defaultValue = "20000") int rows,
            @Bindable(defaultValue = "10") int edges,
            @Bindable(defaultValue = "0.1") double beta,
            @Bindable(defaultValue = "0") int shard) {

        /** Loads or generates the data. */
        public LocalData load() {
            return switch (source) {
                case "generated" -> LocalData.generatedShard(seed, rows, edges, beta, shard);
                case "csv" -> LocalData.csv(java.nio.file.Path.of(csvPath), rows, DataDescription.resolve(format));
                default -> throw new IllegalArgumentException("edge.data.source must be generated or csv, not " + source);
            };
        }
    }

    /**
     * The traffic the edge streams, {@code edge.traffic.*}.
     *
     * @param enabled       stream traffic at all
     * @param rate          flows per second; 0 = as fast as possible
     * @param queueCapacity flows in the edge's own bounded queue in front of the producer
     * @param bufferMemory  producer {@code buffer.memory}, bytes
     * @param maxBlockMs    producer {@code max.block.ms}, milliseconds (a timed-out send is retried, not dropped)
     * @param lingerMs      producer {@code linger.ms}, milliseconds
     * @param batchSize     producer {@code batch.size}, bytes
     * @param compression   producer {@code compression.type}
     * @param labelled      include the ground-truth label in each flow (labelled replay)
     */
    @ConfigurationProperties("traffic")
    public record Traffic(
            @Bindable(defaultValue = "true") boolean enabled,
            @Bindable(defaultValue = "200") double rate,
            @Bindable(defaultValue = "10000") int queueCapacity,
            @Bindable(defaultValue = "33554432") long bufferMemory,
            @Bindable(defaultValue = "60000") long maxBlockMs,
            @Bindable(defaultValue = "5") int lingerMs,
            @Bindable(defaultValue = "65536") int batchSize,
            @Bindable(defaultValue = "none") String compression,
            @Bindable(defaultValue = "true") boolean labelled) {

        /** The streamer's settings (streaming without end). */
        public TrafficStreamer.Settings streamer() {
            return new TrafficStreamer.Settings(rate, queueCapacity, bufferMemory, maxBlockMs, lingerMs, batchSize,
                    compression, 0);
        }
    }

    /**
     * Fetching the model-updater's key from its {@code GET /keys}, {@code edge.trust.*}; the key is added to the
     * trusted keys ({@link UpdaterKeySource}).
     *
     * @param updaterUrl       the updater's base URL, e.g. {@code http://127.0.0.1:8083}; blank = do not fetch (the
     *                         dev environment sets it, {@code application-dev.yml})
     * @param updaterKeySha256 hex SHA-256 of the key ({@code GET /keys}: {@code sha256}); required outside the dev
     *                         environment
     * @param timeout          how long start-up waits for the updater to answer (was {@code edge.trust.wait}: a record
     *                         component cannot be called {@code wait})
     * @param rootKeys         the operator's root public keys ({@code keyId=base64} or bare Base64 X.509): when set, the
     *                         edge follows the trust lists on {@code keys.trust} that one of them signed (rotated,
     *                         retired and revoked updater keys; docs/operations.md); empty = configured keys only
     */
    @ConfigurationProperties("trust")
    public record Trust(
            @Bindable(defaultValue = "") String updaterUrl,
            @Bindable(defaultValue = "") String updaterKeySha256,
            @Bindable(defaultValue = "60s") Duration timeout,
            @Nullable List<String> rootKeys) {
        public Trust {
            rootKeys = rootKeys == null ? List.of() : rootKeys.stream().filter(k -> !k.isBlank()).toList();
        }
    }

    /**
     * The edge's own keys, {@code edge.signing.*}.
     *
     * @param privateKey its Ed25519 private key, Base64 PKCS#8, signs summaries, knowledge and alerts (a secret: an
     *                   environment variable or a secret store); blank = unsigned
     * @param publicKey  its public key, Base64 X.509; the processor lists it under {@code processor.contributions.edge-keys} as
     *                   {@code <edge id>=<key>}
     * @param trafficKey its traffic key, Base64, derived from the operator's traffic master key and the edge id: tags
     *                   every flow; blank = untagged
     */
    @ConfigurationProperties("signing")
    public record Signing(
            @Bindable(defaultValue = "") String privateKey,
            @Bindable(defaultValue = "") String publicKey,
            @Bindable(defaultValue = "") String trafficKey) {
    }

    /**
     * When a personalised model replaces the running one, {@code edge.personalised.*}.
     *
     * @param minGain macro-F1 a personalised model must gain over the running one on the local hold-out
     */
    @ConfigurationProperties("personalised")
    public record Personalised(@Bindable(defaultValue = "0.01") double minGain) {
    }

    /**
     * Reverse-distillation knowledge, {@code edge.knowledge.*}.
     *
     * @param threshold      send knowledge when the running model's local macro-F1 is below this (an absolute
     *                       floor; 0 = none)
     * @param f1Drop         send knowledge when the running model's local macro-F1 (over the classes with
     *                       {@code minClassRows} rows in both readings) falls by this much below its first reading on
     *                       the edge (drift; 0 = not watched)
     * @param confidenceDrop send knowledge when its mean top-class probability over the local rows falls by this much
     *                       below its first reading (drift that needs no labels; 0 = not watched)
     * @param classRecallDrop send knowledge when one class's recall falls by this much below the model's first
     *                       reading (0 = not watched)
     * @param minClassRows   labelled rows a class needs for its recall, and its F1 in the macro-F1 rule, to count
     * @param confidence     predictions with a lower top probability count as unsure
     * @param interval       how often knowledge is evaluated, besides after each swap and each round
     */
    @ConfigurationProperties("knowledge")
    public record Knowledge(
            @Bindable(defaultValue = "0.85") double threshold,
            @Bindable(defaultValue = "0.05") double f1Drop,
            @Bindable(defaultValue = "0.05") double confidenceDrop,
            @Bindable(defaultValue = "0.2") double classRecallDrop,
            @Bindable(defaultValue = "50") int minClassRows,
            @Bindable(defaultValue = "0.6") float confidence,
            @Bindable(defaultValue = "30s") Duration interval) {

        io.edgedistill.core.personal.DriftRule.Trigger drift() {
            return new io.edgedistill.core.personal.DriftRule.Trigger(f1Drop, confidenceDrop, classRecallDrop, minClassRows);
        }
    }

    /**
     * Attack alerts, {@code edge.alerts.*}.
     *
     * @param threshold    minimum probability of a predicted attack class to raise an alert
     * @param maxPerSecond alerts above this rate are counted as suppressed, not sent
     */
    @ConfigurationProperties("alerts")
    public record Alerts(
            @Bindable(defaultValue = "0.5") double threshold,
            @Bindable(defaultValue = "200") int maxPerSecond) {
    }
}
