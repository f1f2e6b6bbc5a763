package io.edgedistill.processor.config;

import java.util.List;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The distill-processor's own settings, {@code processor.*}, in five groups; where its Kafka clients connect and as
 * whom is the shared {@code edgedistill.kafka.*} group ({@link io.edgedistill.schemas.client.KafkaClientConfig}).
 * Each setting and its default are declared here once: {@code --help} and the README's tables are read from these
 * records ({@link io.edgedistill.schemas.config.ConfigurationKeys}). Every key can be set in application.yml, as an
 * option ({@code --processor.rounds.task-id=...}), a system property ({@code -Dprocessor.rounds.task-id=...}) or an
 * environment variable ({@code PROCESSOR_ROUNDS_TASK_ID}).
 *
 * <p>Each group is a bean of its own, and a component takes only the groups it reads. Tests bind them through a
 * Micronaut context with their overrides, so that the defaults are not written a second time.
 *
 * @param streams       the Kafka Streams application
 * @param rounds        the task whose rounds this processor opens, and how they are built
 * @param contributions which edge contributions are accepted, and how they are weighed
 * @param synthesis     the synthetic-set optimiser
 * @param scoring       traffic scoring and alerts
 * @param trust         the operator's trust lists of signing keys
 */
@ConfigurationProperties("processor")
public record ProcessorConfig(Streams streams, Rounds rounds, Contributions contributions, Synthesis synthesis,
                              Scoring scoring, Trust trust) {

    /**
     * {@code processor.trust.*}: following the operator's trust lists on {@code keys.trust}.
     *
     * @param rootKeys the operator's root public keys ({@code keyId=base64} or bare Base64 X.509): when set, the
     *                 processor applies the trust lists one of them signed, on top of
     *                 {@code processor.contributions.edge-keys} and {@code processor.scoring.trusted-keys} (an edge key
     *                 added, a key rotated out or revoked, without a restart; docs/operations.md); empty = configured
     *                 keys only
     */
    @ConfigurationProperties("trust")
    public record Trust(@Nullable List<String> rootKeys) {
        public Trust {
            rootKeys = orEmpty(rootKeys).stream().filter(k -> !k.isBlank()).toList();
        }

        /** Whether trust lists are followed. */
        public boolean followsTrustLists() {
            return !rootKeys.isEmpty();
        }
    }

    /**
     * {@code processor.streams.*}: the Kafka Streams application (exactly-once v2).
     *
     * @param applicationId    Streams application id: prefix of its consumer group, internal topics and transactional
     *                         ids (the ACL plan expects it to start with {@code distill-processor})
     * @param stateDir         local state directory; blank = Kafka Streams' default (under the temp dir)
     * @param threads          stream threads
     * @param commitIntervalMs commit interval (with exactly-once: how often transactions commit)
     * @param start            false = start neither the round service nor Kafka Streams (the HTTP API alone)
     * @param instanceId       static group membership: a stable id per running instance (e.g. the pod name of a
     *                         StatefulSet) lets a restarted instance take its tasks back without a rebalance; blank =
     *                         dynamic membership
     * @param sessionTimeoutMs how long a silent instance keeps its tasks
     * @param standbyReplicas  warm copies of each task's state on other instances ({@code num.standby.replicas}): with
     *                         one, an instance's tasks move to an instance that already holds their stores
     */
    @ConfigurationProperties("streams")
    public record Streams(
            @Bindable(defaultValue = "distill-processor") String applicationId,
            @Bindable(defaultValue = "") String stateDir,
            @Bindable(defaultValue = "2") int threads,
            @Bindable(defaultValue = "100") long commitIntervalMs,
            @Bindable(defaultValue = "true") boolean start,
            @Bindable(defaultValue = "") String instanceId,
            @Bindable(defaultValue = "15000") int sessionTimeoutMs,
            @Bindable(defaultValue = "0") int standbyReplicas) {
        public Streams {
            stateDir = orBlank(stateDir);
            instanceId = orBlank(instanceId);
        }
    }

    /**
     * {@code processor.rounds.*}: the task whose round specs this processor publishes on {@code distill.rounds}.
     *
     * @param taskId          the task; edges answer the rounds of their own {@code edge.task-id} only
     * @param taskSeed        round r's seed is SplitMix64(task-seed, r)
     * @param networks        the embedding-network family of each round
     * @param samplesPerClass synthetic samples per class (IPC)
     * @param secondMoments   whether edges send the per-dimension second moments of their embeddings
     * @param dataset         the reference data the preprocessing spec is fitted on: {@code generated} (5G-NIDD
     *                        generator) or the path of a labelled flow file held by the operator (a public or
     *                        operator-held file, never an edge's private data)
     * @param dataFormat      how to read {@code dataset}: a preset ({@code 5g-nidd}, {@code nsl-kdd},
     *                        {@code cic-ids2017}) or the path of a data description YAML; its classes become the
     *                        task's classes
     * @param datasetRows     rows generated or read
     * @param datasetSeed     seed of the generator
     * @param openOnStart     open round 1 when the topic holds no round of the task
     * @param intervalMs      open a round every so often; 0 = only on request ({@code POST /rounds})
     * @param subClusters     what the rounds ask of the edges' sub-cluster statistics (summary v2)
     */
    @ConfigurationProperties("rounds")
    public record Rounds(
            @Bindable(defaultValue = "5g-nidd-attacks") String taskId,
            @Bindable(defaultValue = "20241") long taskSeed,
            Networks networks,
            @Bindable(defaultValue = "10") int samplesPerClass,
            @Bindable(defaultValue = "false") boolean secondMoments,
            @Bindable(defaultValue = "generated") String dataset,
            @Bindable(defaultValue = "5g-nidd") String dataFormat,
            @Bindable(defaultValue = "20000") int datasetRows,
            @Bindable(defaultValue = "7") long datasetSeed,
            @Bindable(defaultValue = "true") boolean openOnStart,
            @Bindable(defaultValue = "0") long intervalMs,
            SubClusters subClusters) {

        /** Whether the preprocessing spec is fitted on generated 5G-NIDD rows rather than a file. */
        public boolean generatedDataset() {
            return "generated".equalsIgnoreCase(dataset);
        }

        /**
         * {@code processor.rounds.networks.*}: the family of seeded, randomly initialised embedding networks.
         *
         * @param count      K, networks per round
         * @param hiddenDim  hidden layer width
         * @param embedDim   embedding width
         * @param activation activation of the hidden layer
         * @param generator  weight generator (splitmix64-v1: He-uniform from the round seed)
         */
        @ConfigurationProperties("networks")
        public record Networks(
                @Bindable(defaultValue = "8") int count,
                @Bindable(defaultValue = "128") int hiddenDim,
                @Bindable(defaultValue = "64") int embedDim,
                @Bindable(defaultValue = "relu") String activation,
                @Bindable(defaultValue = "splitmix64-v1") String generator) {
        }

        /**
         * {@code processor.rounds.sub-clusters.*}: per class, the edges send the count, mean and variance of up to
         * {@code per-class} sub-clusters of their rows, each of at least {@code min-rows} rows (the privacy floor;
         * a class under it is sent as its count only). The processor pools them into the mixture the updater
         * generates its training rows from.
         *
         * @param perClass M, sub-clusters per class at most; 0 = rounds ask for none (summary v1)
         * @param minRows  k_min, rows per sub-cluster at least
         */
        @ConfigurationProperties("sub-clusters")
        public record SubClusters(
                @Bindable(defaultValue = "32") int perClass,
                @Bindable(defaultValue = "10") int minRows) {
        }
    }

    /**
     * {@code processor.contributions.*}: which edge summaries and knowledge are accepted, and how they are weighed.
     *
     * @param edgeKeys        {@code <edge id>=<base64 X.509 Ed25519 public key>} per edge: when any is set, summaries and
     *                        knowledge are accepted only when signed by the key of the edge they claim (others go to
     *                        their dead-letter topic)
     * @param knowledgeWeight weight per sample of reverse-distillation knowledge relative to data summaries
     * @param poison          the poisoning detector in front of the aggregation
     * @param backdoor        the backdoor screen of the data summaries' sub-clusters, after the poisoning detector
     * @param distrustedEdges edge ids the operator no longer trusts (decommissioned, compromised): their summaries,
     *                        knowledge and flows go to the dead-letter topics as {@code DistrustedEdge}, and their
     *                        contributions already in the current round leave the targets, exactly as if never sent
     *                        (the next synthetic set records them in its provenance's exclusions)
     * @param batchAbove      a round's contributions are screened and aggregated as each arrives while the round holds at
     *                        most this many; beyond, those that arrive together are screened together (the screens
     *                        compare every contribution with the others, so screening each arrival of a large fleet
     *                        costs time that grows with the square of its size)
     * @param batchIntervalMs beyond {@code batchAbove}, how long arrivals may wait to be screened together
     */
    @ConfigurationProperties("contributions")
    public record Contributions(@Nullable List<String> edgeKeys, @Bindable(defaultValue = "1.0") double knowledgeWeight,
                                Poison poison, Backdoor backdoor, @Nullable List<String> distrustedEdges,
                                @Bindable(defaultValue = "32") int batchAbove,
                                @Bindable(defaultValue = "500") long batchIntervalMs) {
        public Contributions {
            if (batchIntervalMs < 1) {
                throw new IllegalArgumentException("processor.contributions.batch-interval-ms must be at least 1, not "
                        + batchIntervalMs);
            }
            edgeKeys = orEmpty(edgeKeys);
            distrustedEdges = orEmpty(distrustedEdges).stream().map(String::strip).filter(e -> !e.isEmpty()).toList();
        }

        /** {@link #distrustedEdges} as a set. */
        public java.util.Set<String> distrusted() {
            return java.util.Set.copyOf(distrustedEdges);
        }

        /**
         * {@code processor.contributions.poison.*}: the poisoning detector ({@link PoisonDetector}).
         *
         * @param zThreshold    a summary is quarantined when its z-score (worst class) exceeds this
         * @param scaleRatio    norm ratio beyond which (or below 1/ratio) a quarantine is labelled "scaled"
         * @param minClassCount a class takes part in the comparison only with at least this many samples
         * @param minPeers      peers (other holders of the class) a class needs to be judged
         * @param peerSlack     a class judged against p peers is quarantined above z-threshold·(1 + peerSlack/p)
         * @param countCap      self-reported per-class counts count at most this factor × the median edge total,
         *                      in the screen and in the count-weighted targets ({@code CountBound}); 0 = no bound
         * @param minJudgedCount a summary's class is judged only with at least this many samples (smaller ones still
         *                      serve as peers)
         */
        /**
         * {@code processor.contributions.backdoor.*}: the backdoor screen ({@link BackdoorScreen}). Every sub-cluster
         * an edge sends for the judged class is classified by the other edges' mixtures; an edge whose sub-cluster the
         * fleet explains as another class, and which is typical of that class, has its data summary quarantined with
         * the reason, and an alert is raised.
         *
         * @param enabled         run the screen (rounds with sub-clusters only)
         * @param margin          nats per column by which the look-alike class must explain the sub-cluster better
         * @param typicalQuantile the sub-cluster must score at least this quantile of the look-alike class's own
         *                        sub-clusters
         * @param minPeers        the judged class needs moments from this many other edges
         * @param minLookalikePeers the look-alike class needs moments from this many other edges
         * @param triggerColumns  columns a trigger may stamp: a sub-cluster that far off the look-alike class's typical
         *                        sub-clusters still counts as typical of it
         * @param quarantineMargin a flag of at least this margin quarantines the edge's data summary; weaker flags
         *                        leave only that edge's flagged class out of the mixture (recorded and alerted)
         * @param allClasses      judge every class's sub-clusters; false: only the benign class's (a backdoor in a
         *                        detector makes attacks pass as benign)
         */
        @ConfigurationProperties("backdoor")
        public record Backdoor(
                @Bindable(defaultValue = "true") boolean enabled,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_MARGIN) double margin,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_TYPICAL_QUANTILE) double typicalQuantile,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_MIN_PEERS) int minPeers,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_MIN_LOOKALIKE_PEERS) int minLookalikePeers,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_TRIGGER_COLUMNS) int triggerColumns,
                @Bindable(defaultValue = "" + BackdoorScreen.Config.DEFAULT_QUARANTINE_MARGIN) double quarantineMargin,
                @Bindable(defaultValue = "false") boolean allClasses) {

            /** The screen for a round whose benign class has this index (-1: none, every class is judged). */
            public BackdoorScreen screen(int benignIndex) {
                return enabled ? new BackdoorScreen(new BackdoorScreen.Config(margin,
                        BackdoorScreen.Config.DEFAULT_DIMENSION_CAP, BackdoorScreen.Config.DEFAULT_VARIANCE_FLOOR,
                        typicalQuantile, minPeers, minLookalikePeers, triggerColumns, quarantineMargin, allClasses ? -1 : benignIndex)) : null;
            }
        }

        @ConfigurationProperties("poison")
        public record Poison(
                @Bindable(defaultValue = "8.0") double zThreshold,
                @Bindable(defaultValue = "1.5") double scaleRatio,
                @Bindable(defaultValue = "2") long minClassCount,
                @Bindable(defaultValue = "2") int minPeers,
                @Bindable(defaultValue = "0.0") double peerSlack,
                @Bindable(defaultValue = "4.0") double countCap,
                @Bindable(defaultValue = "5") long minJudgedCount) {

            public PoisonDetector.Config detectorConfig() {
                return new PoisonDetector.Config(zThreshold, scaleRatio, minClassCount, minPeers, peerSlack, countCap,
                        false, minJudgedCount);
            }
        }
    }

    /**
     * {@code processor.synthesis.*}: the synthetic-set optimiser, run off the stream threads.
     *
     * @param steps                optimiser steps of a fresh set
     * @param warmSteps            steps of a warm start from the current set
     * @param learningRate         optimiser learning rate
     * @param secondMomentWeight   weight of the second-moment term (when the round asks for second moments)
     * @param minRelativeGain      a warm-started set is published only when it lowers the loss by this fraction
     * @param debounceMs           target changes of a task within this time make one run
     * @param softLabelTemperature temperature of the synthetic samples' soft labels
     * @param quorum               a round's first set waits until this share of the expected edges answered (the
     *                             previous round's edges, else the registered fleet); 0 = build from the first answer
     * @param quorumWaitMs         the deadline for stragglers, after the round's creation: then the set is built from
     *                             the edges that answered
     * @param quorumQuietMs        short of a quorum, the set also waits until no new edge has answered for this long
     *                             (a large fleet's summaries still queued ahead of the aggregation keep it waiting)
     * @param quorumMaxWaitMs      the first set never waits longer than this after the round's creation
     */
    @ConfigurationProperties("synthesis")
    public record Synthesis(
            @Bindable(defaultValue = "300") int steps,
            @Bindable(defaultValue = "60") int warmSteps,
            @Bindable(defaultValue = "0.03") float learningRate,
            @Bindable(defaultValue = "0.5") float secondMomentWeight,
            @Bindable(defaultValue = "0.001") double minRelativeGain,
            @Bindable(defaultValue = "500") long debounceMs,
            @Bindable(defaultValue = "1.0") float softLabelTemperature,
            @Bindable(defaultValue = "1.0") double quorum,
            @Bindable(defaultValue = "10000") long quorumWaitMs,
            @Bindable(defaultValue = "2000") long quorumQuietMs,
            @Bindable(defaultValue = "60000") long quorumMaxWaitMs) {
    }

    /**
     * {@code processor.scoring.*}: scoring {@code edge.traffic} against the live model and raising alerts.
     *
     * @param modelId          the model flows are scored against; blank = the task id (the global edge model)
     * @param trustedKeys      the updater's Ed25519 public keys ({@code keyId=<base64>} or bare): when set, only model
     *                         updates signed by one are scored
     * @param trafficMasterKey Base64, at least 32 bytes, a secret: when set, a flow is scored only when its HMAC tag
     *                         matches the key derived from it for the edge it is keyed by (others go to
     *                         {@code edge.traffic.dlq}); never printed
     * @param alertThreshold   attack probability from which a flow raises an alert
     * @param batchSize        flows per forward pass
     * @param batchMaxMs       the longest a flow waits for its batch
     * @param replayWindow     with {@code trafficMasterKey}: how far below an edge's highest flow counter a flow may
     *                         arrive out of order and still be accepted, once; a multiple of 64. Seen or older
     *                         numbers go to {@code edge.traffic.dlq}
     */
    @ConfigurationProperties("scoring")
    public record Scoring(
            @Bindable(defaultValue = "") String modelId,
            @Nullable List<String> trustedKeys,
            @Bindable(defaultValue = "") String trafficMasterKey,
            @Bindable(defaultValue = "0.8") double alertThreshold,
            @Bindable(defaultValue = "2000") int batchSize,
            @Bindable(defaultValue = "50") long batchMaxMs,
            @Bindable(defaultValue = "4096") int replayWindow) {
        public Scoring {
            modelId = orBlank(modelId);
            trustedKeys = orEmpty(trustedKeys);
            trafficMasterKey = orBlank(trafficMasterKey);
        }

        /** The model id flows are scored against, for the given task. */
        public String modelIdFor(String taskId) {
            return modelId.isBlank() ? taskId : modelId;
        }

        /** Whether model updates must be signed by one of {@link #trustedKeys()}. */
        public boolean verifiesSignatures() {
            return trustedKeys.stream().anyMatch(k -> !k.isBlank());
        }

        /** The settings, with the traffic master key masked. */
        @Override
        public String toString() {
            return "Scoring[modelId=" + modelId + ", trustedKeys=" + trustedKeys + ", trafficMasterKey="
                    + (trafficMasterKey.isBlank() ? "" : "****") + ", alertThreshold=" + alertThreshold + ", batchSize="
                    + batchSize + ", batchMaxMs=" + batchMaxMs + "]";
        }
    }

    /** The model id flows are scored against: {@code processor.scoring.model-id}, or else the task id. */
    public String scoringModelId() {
        return scoring.modelIdFor(rounds.taskId());
    }

    private static String orBlank(String s) {
        return s == null ? "" : s;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
