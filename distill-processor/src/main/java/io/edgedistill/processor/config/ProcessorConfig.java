package io.edgedistill.processor.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Every setting of the distill-processor, bound from {@code processor.*} in application.yml and overridable
 * by environment variables ({@code PROCESSOR_BOOTSTRAP_SERVERS}, ...) or system properties
 * ({@code -Dprocessor.bootstrap-servers=...}). A plain mutable bean, so tests build one with {@code new}.
 */
@ConfigurationProperties("processor")
public class ProcessorConfig {
    // --- Kafka / registry
    private String applicationId = "distill-processor";
    private String bootstrapServers = "127.0.0.1:9092";
    private String registryUrl = "http://127.0.0.1:8081/apis/registry/v3";
    private String stateDir = "";
    private int streamThreads = 2;
    private long commitIntervalMs = 100;
    private boolean startStreams = true;
    /** Static group membership: a stable id per processor instance lets a restarted instance take its tasks back at once. */
    private String instanceId = "";
    private int sessionTimeoutMs = 15_000;
    // Kafka client security, for every client of the processor (see KafkaClientSecurity.resolve)
    private String clientProperties = "";
    private String securityProtocol = "";
    private String saslMechanism = "";
    private String saslUsername = "";
    private String saslPassword = "";

    // --- task / rounds
    private String taskId = "5g-nidd-attacks";
    private long taskSeed = 20241;
    private int numNetworks = 8;
    private int hiddenDim = 128;
    private int embedDim = 64;
    private String activation = "relu";
    private String generator = "splitmix64-v1";
    private int samplesPerClass = 10;
    private boolean secondMoments = false;
    /** "generated" (5G-NIDD generator) or a path to a 5G-NIDD Combined.csv file. */
    private String dataset = "generated";
    private int datasetRows = 20000;
    private long datasetSeed = 7;
    private boolean openRoundOnStart = true;
    /** 0 = rounds only on request (POST /rounds). */
    private long roundIntervalMs = 0;

    // --- aggregation / poisoning defence
    private double poisonZThreshold = 8.0;
    private double poisonScaleRatio = 1.5;
    private long poisonMinClassCount = 2;
    private int poisonMinPeers = 2;
    private double knowledgeWeight = 1.0;

    // --- synthetic-set optimiser
    private int synthSteps = 300;
    private int synthWarmSteps = 60;
    private float synthLearningRate = 0.03f;
    private float synthSecondMomentWeight = 0.5f;
    private double synthMinRelativeGain = 0.001;
    private long synthDebounceMs = 500;
    private float softLabelTemperature = 1.0f;

    // --- traffic scoring
    /** Model id scored against; empty = the task id (the global edge model). */
    private String scoringModelId = "";
    /** Ed25519 public keys ({@code keyId=base64} or bare base64) whose signatures make a model update scoreable. */
    private java.util.List<String> trustedKeys = new java.util.ArrayList<>();
    /**
     * Edges' contribution-signing public keys, {@code edgeId=<base64 X.509>}: when any is set, summaries and knowledge
     * are accepted only when signed by the key of the edge they claim (others are dead-lettered).
     */
    private java.util.List<String> edgeKeys = new java.util.ArrayList<>();
    /**
     * Base64 traffic master key (at least 32 bytes): when set, a flow is scored only when its HMAC tag matches the
     * key derived for the edge it is keyed by ({@code io.edgedistill.core.signing.TrafficMac}); others are
     * dead-lettered. Keep it secret (environment or secret store).
     */
    private String trafficMasterKey = "";
    private double alertThreshold = 0.8;
    private int scoringBatchSize = 2000;
    private long scoringBatchMaxMs = 50;

    public String getApplicationId() { return applicationId; }
    public void setApplicationId(String v) { applicationId = v; }
    public String getBootstrapServers() { return bootstrapServers; }
    public void setBootstrapServers(String v) { bootstrapServers = v; }
    public String getRegistryUrl() { return registryUrl; }
    public void setRegistryUrl(String v) { registryUrl = v; }
    public String getStateDir() { return stateDir; }
    public void setStateDir(String v) { stateDir = v; }
    public int getStreamThreads() { return streamThreads; }
    public void setStreamThreads(int v) { streamThreads = v; }
    public java.util.List<String> getTrustedKeys() { return trustedKeys; }
    public java.util.List<String> getEdgeKeys() { return edgeKeys; }
    public void setEdgeKeys(java.util.List<String> v) { edgeKeys = v == null ? new java.util.ArrayList<>() : v; }
    public String getTrafficMasterKey() { return trafficMasterKey; }
    public void setTrafficMasterKey(String v) { trafficMasterKey = v == null ? "" : v; }
    public void setTrustedKeys(java.util.List<String> v) { trustedKeys = v; }
    public String getInstanceId() { return instanceId; }
    public void setInstanceId(String v) { instanceId = v; }
    public int getSessionTimeoutMs() { return sessionTimeoutMs; }
    public void setSessionTimeoutMs(int v) { sessionTimeoutMs = v; }
    public long getCommitIntervalMs() { return commitIntervalMs; }
    public void setCommitIntervalMs(long v) { commitIntervalMs = v; }
    public boolean isStartStreams() { return startStreams; }
    public void setStartStreams(boolean v) { startStreams = v; }
    public String getClientProperties() { return clientProperties; }
    public void setClientProperties(String v) { clientProperties = v; }
    public String getSecurityProtocol() { return securityProtocol; }
    public void setSecurityProtocol(String v) { securityProtocol = v; }
    public String getSaslMechanism() { return saslMechanism; }
    public void setSaslMechanism(String v) { saslMechanism = v; }
    public String getSaslUsername() { return saslUsername; }
    public void setSaslUsername(String v) { saslUsername = v; }
    public String getSaslPassword() { return saslPassword; }
    public void setSaslPassword(String v) { saslPassword = v; }
    public String getTaskId() { return taskId; }
    public void setTaskId(String v) { taskId = v; }
    public long getTaskSeed() { return taskSeed; }
    public void setTaskSeed(long v) { taskSeed = v; }
    public int getNumNetworks() { return numNetworks; }
    public void setNumNetworks(int v) { numNetworks = v; }
    public int getHiddenDim() { return hiddenDim; }
    public void setHiddenDim(int v) { hiddenDim = v; }
    public int getEmbedDim() { return embedDim; }
    public void setEmbedDim(int v) { embedDim = v; }
    public String getActivation() { return activation; }
    public void setActivation(String v) { activation = v; }
    public String getGenerator() { return generator; }
    public void setGenerator(String v) { generator = v; }
    public int getSamplesPerClass() { return samplesPerClass; }
    public void setSamplesPerClass(int v) { samplesPerClass = v; }
    public boolean isSecondMoments() { return secondMoments; }
    public void setSecondMoments(boolean v) { secondMoments = v; }
    public String getDataset() { return dataset; }
    public void setDataset(String v) { dataset = v; }
    public int getDatasetRows() { return datasetRows; }
    public void setDatasetRows(int v) { datasetRows = v; }
    public long getDatasetSeed() { return datasetSeed; }
    public void setDatasetSeed(long v) { datasetSeed = v; }
    public boolean isOpenRoundOnStart() { return openRoundOnStart; }
    public void setOpenRoundOnStart(boolean v) { openRoundOnStart = v; }
    public long getRoundIntervalMs() { return roundIntervalMs; }
    public void setRoundIntervalMs(long v) { roundIntervalMs = v; }
    public double getPoisonZThreshold() { return poisonZThreshold; }
    public void setPoisonZThreshold(double v) { poisonZThreshold = v; }
    public double getPoisonScaleRatio() { return poisonScaleRatio; }
    public void setPoisonScaleRatio(double v) { poisonScaleRatio = v; }
    public long getPoisonMinClassCount() { return poisonMinClassCount; }
    public void setPoisonMinClassCount(long v) { poisonMinClassCount = v; }
    public int getPoisonMinPeers() { return poisonMinPeers; }
    public void setPoisonMinPeers(int v) { poisonMinPeers = v; }
    public double getKnowledgeWeight() { return knowledgeWeight; }
    public void setKnowledgeWeight(double v) { knowledgeWeight = v; }
    public int getSynthSteps() { return synthSteps; }
    public void setSynthSteps(int v) { synthSteps = v; }
    public int getSynthWarmSteps() { return synthWarmSteps; }
    public void setSynthWarmSteps(int v) { synthWarmSteps = v; }
    public float getSynthLearningRate() { return synthLearningRate; }
    public void setSynthLearningRate(float v) { synthLearningRate = v; }
    public float getSynthSecondMomentWeight() { return synthSecondMomentWeight; }
    public void setSynthSecondMomentWeight(float v) { synthSecondMomentWeight = v; }
    public double getSynthMinRelativeGain() { return synthMinRelativeGain; }
    public void setSynthMinRelativeGain(double v) { synthMinRelativeGain = v; }
    public long getSynthDebounceMs() { return synthDebounceMs; }
    public void setSynthDebounceMs(long v) { synthDebounceMs = v; }
    public float getSoftLabelTemperature() { return softLabelTemperature; }
    public void setSoftLabelTemperature(float v) { softLabelTemperature = v; }
    public String getScoringModelId() { return scoringModelId; }
    public void setScoringModelId(String v) { scoringModelId = v; }
    public double getAlertThreshold() { return alertThreshold; }
    public void setAlertThreshold(double v) { alertThreshold = v; }
    public int getScoringBatchSize() { return scoringBatchSize; }
    public void setScoringBatchSize(int v) { scoringBatchSize = v; }
    public long getScoringBatchMaxMs() { return scoringBatchMaxMs; }
    public void setScoringBatchMaxMs(long v) { scoringBatchMaxMs = v; }

    /** How every Kafka client of the processor authenticates (plaintext when nothing is configured). */
    public io.edgedistill.schemas.security.KafkaClientSecurity kafkaSecurity() {
        return io.edgedistill.schemas.security.KafkaClientSecurity.resolve(clientProperties, securityProtocol, saslMechanism,
                saslUsername, saslPassword);
    }

    /** The model id traffic is scored against. */
    public String effectiveScoringModelId() {
        return scoringModelId == null || scoringModelId.isBlank() ? taskId : scoringModelId;
    }
}
