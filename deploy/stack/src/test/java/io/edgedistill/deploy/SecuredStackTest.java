package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.edgedistill.schemas.ContractSamples;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.security.KafkaClientSecurity;
import io.edgedistill.schemas.serde.AvroSerdes;
import io.edgedistill.schemas.serde.RegistryAccess;
import io.edgedistill.schemas.serde.SchemaCatalog;
import io.edgedistill.schemas.serde.WireFormat;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The secured stack on a real broker (SASL/SCRAM-SHA-512, StandardAuthorizer, the ACL plan): authentication is
 * required, each principal may do what it uses and is refused the rest, with the exceptions clients really get; and its
 * registry (HTTPS only, basic auth, the operator alone registers schemas and changes rules). One stack for the class.
 */
@Tag("integration")
class SecuredStackTest {

    private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);
    private static Path dir;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("edgedistill-secured-");
        stack = LocalStack.builder().dataDir(dir).secured(true).brokerHeap("512m")
                .edges(List.of("edge-1", "edge-2")).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    // ---------------------------------------------------------------- authentication

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() {
        KafkaBroker.Security broker = stack.security().orElseThrow().brokerSecurity();
        for (KafkaClientSecurity wrong : List.of(broker.client("edge-1", "not-the-password"), broker.client("edge-99", "whatever"),
                broker.client("admin", "guessed-admin-password"))) {
            try (Admin admin = admin(wrong)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .as(wrong.toString()).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            try (KafkaProducer<byte[], byte[]> p = producer(wrong)) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>("edge.summaries", "edge-1".getBytes(), VALUE)).get())
                        .as(wrong.toString()).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    void anUnauthenticatedClientGetsNothing() {
        // the listener speaks SASL only: a plaintext client's requests are never answered
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(cfg)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void theClientListenerSpeaksTlsOnly() throws Exception {
        // the right password without TLS: the listener expects a TLS handshake, so no request is ever answered
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        KafkaClientSecurity.scram("edge-1", stack.security().orElseThrow().password("edge-1")).applyTo(cfg);
        try (Admin admin = Admin.create(cfg)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).hasCauseInstanceOf(TimeoutException.class);
        }
        // TLS without the stack's CA: the broker's certificate is not trusted
        Map<String, Object> untrusting = new HashMap<>(cfg);
        KafkaClientSecurity.sasl("SASL_SSL", KafkaBroker.MECHANISM, "edge-1", stack.security().orElseThrow().password("edge-1"))
                .applyTo(untrusting);
        try (Admin admin = Admin.create(untrusting)) {
            assertThatThrownBy(() -> admin.listTopics().names().get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
        // every principal's file names SASL_SSL and the stack's trust store (which holds the CA only)
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(stack.clientProperties("edge-1"))) {
            p.load(r);
        }
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        Path ca = Path.of(p.getProperty("ssl.truststore.location"));
        assertThat(ca).isRegularFile().startsWith(dir.resolve("security"));
        assertThat(p.getProperty("ssl.truststore.type")).isEqualTo("PEM");
        assertThat(Files.readString(ca)).as("the CA's certificate alone, no key")
                .contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
        assertThat(ca.resolveSibling("ca.p12")).as("the CA's key is gone once it has signed").doesNotExist();
    }

    @Test
    void clientPropertiesFilesAreWrittenOwnerOnlyAndWork() throws Exception {
        Path file = stack.clientProperties("edge-1");
        assertThat(file).startsWith(dir.resolve("security"));
        assertThat(Files.getPosixFilePermissions(file)).map(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.getPosixFilePermissions(dir.resolve("security/credentials.properties")))
                .map(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.readString(dir.resolve("kafka/server.properties"))).contains("StandardAuthorizer")
                .contains("allow.everyone.if.no.acl.found=false");
        assertThat(dir.resolve("kafka/format.args")).doesNotExist();
        KafkaClientSecurity fromFile = KafkaClientSecurity.resolve(file.toString(), "", "", "", "");
        assertThat(fromFile).isEqualTo(stack.clientSecurity("edge-1"));
        try (KafkaProducer<byte[], byte[]> p = producer(fromFile)) {
            p.send(new ProducerRecord<>("edge.summaries", "edge-1".getBytes(), VALUE)).get();
        }
    }

    // ---------------------------------------------------------------- edges

    @Test
    void anEdgeWritesWhatEdgesSendAndReadsRoundsAndModels() throws Exception {
        try (KafkaProducer<byte[], byte[]> edge = producer(stack.clientSecurity("edge-1"))) {
            for (String topic : List.of("edge.summaries", "edge.knowledge", "edge.traffic", "edge.status", "alerts.attacks",
                    "distill.rounds.dlq", "models.updates.dlq")) {
                assertThat(edge.send(new ProducerRecord<>(topic, "edge-1".getBytes(), VALUE)).get().offset()).as(topic).isNotNegative();
            }
        }
        RecordMetadata round = send("distill-processor", "distill.rounds", "task-a");
        RecordMetadata model = send("model-updater", "models.updates", "task-a");
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("edge-1"), null)) {
            assertThat(new String(StackIntegrationTest.readAt(c, round).key())).isEqualTo("task-a");
            assertThat(new String(StackIntegrationTest.readAt(c, model).key())).isEqualTo("task-a");
        }
    }

    @Test
    void anEdgeCannotPublishModelsSetsOrRounds() {
        for (String topic : List.of("models.updates", "distill.synthetic-sets", "distill.rounds", "edge.summaries.dlq")) {
            try (KafkaProducer<byte[], byte[]> edge = producer(stack.clientSecurity("edge-1"))) {
                assertThatThrownBy(() -> edge.send(new ProducerRecord<>(topic, "edge-1".getBytes(), VALUE)).get())
                        .as(topic).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void anEdgeCannotReadWhatEdgesSend() {
        for (String topic : List.of("edge.summaries", "edge.traffic", "edge.knowledge", "distill.synthetic-sets", "alerts.attacks")) {
            try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("edge-2"), null)) {
                c.assign(List.of(new TopicPartition(topic, 0)));
                c.seekToBeginning(c.assignment());
                assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).as(topic).isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void anEdgeHasOnlyItsOwnGroupsAndNoAdministration() throws Exception {
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("edge-1"), "edge-2.watch")) {
            c.subscribe(List.of("distill.rounds"));
            assertThatThrownBy(() -> pollUntilAssigned(c)).isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("edge-1"), "edge-1.watch")) {
            c.subscribe(List.of("distill.rounds"));
            pollUntilAssigned(c);
            assertThat(c.assignment()).isNotEmpty();
        }
        try (Admin edge = admin(stack.clientSecurity("edge-1"))) {
            assertThatThrownBy(() -> edge.createTopics(List.of(new NewTopic("edge-1.private", 1, (short) 1))).all().get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> edge.createAcls(List.of(allow("User:edge-1", "models.updates", AclOperation.WRITE))).all().get())
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> edge.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("edge-2",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "taken-over"))).all().get())
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
        }
    }

    @Test
    void edgesAddedLaterGetTheirOwnPrincipal() throws Exception {
        assertThatThrownBy(() -> stack.clientSecurity("edge-3")).isInstanceOf(IllegalArgumentException.class);
        stack.addEdges(List.of("edge-3"));
        try (KafkaProducer<byte[], byte[]> edge = producer(stack.clientSecurity("edge-3"))) {
            edge.send(new ProducerRecord<>("edge.summaries", "edge-3".getBytes(), VALUE)).get();
            assertThatThrownBy(() -> edge.send(new ProducerRecord<>("models.updates", "edge-3".getBytes(), VALUE)).get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThatThrownBy(() -> stack.addEdges(List.of("admin"))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- services

    @Test
    void theUpdaterPublishesModelsAndReadsSetsButNothingElse() throws Exception {
        send("model-updater", "models.updates", "m-1");
        send("model-updater", "distill.synthetic-sets.dlq", "task-a");
        RecordMetadata set = send("distill-processor", "distill.synthetic-sets", "task-a");
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("model-updater"), "model-updater-acl-test")) {
            c.subscribe(List.of("distill.synthetic-sets"));
            boolean seen = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!seen && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    seen |= r.offset() == set.offset();
                }
            }
            assertThat(seen).as("the updater reads synthetic sets in its group").isTrue();
            c.commitSync();
        }
        // a rolled-back canary is reported on alerts.attacks; the staged rollout reads edge.status without a group
        send("model-updater", "alerts.attacks", "edge-1,edge-2");
        RecordMetadata status = send("edge-1", "edge.status", "edge-1");
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("model-updater"), null)) {
            TopicPartition tp = new TopicPartition("edge.status", status.partition());
            c.assign(List.of(tp));
            c.seek(tp, status.offset());
            assertThat(c.poll(Duration.ofSeconds(10))).as("the updater reads edge.status").isNotEmpty();
        }
        for (String topic : List.of("distill.rounds", "distill.synthetic-sets", "edge.summaries")) {
            try (KafkaProducer<byte[], byte[]> p = producer(stack.clientSecurity("model-updater"))) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k".getBytes(), VALUE)).get())
                        .as(topic).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("model-updater"), null)) {
            c.assign(List.of(new TopicPartition("edge.traffic", 0)));
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("model-updater"), "distill-processor")) {
            c.subscribe(List.of("models.updates"));
            assertThatThrownBy(() -> pollUntilAssigned(c)).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    /**
     * A Kafka Streams application shaped like the processor (exactly-once v2, a global store over distill.rounds, a
     * repartition topic and a changelogged store, DLQ and alert outputs) runs under the processor's principal: the
     * plan gives it its internal topics, group and transactional ids.
     */
    @Test
    void theProcessorRunsExactlyOnceStreamsButCannotPublishModels() throws Exception {
        send("distill-processor", "distill.rounds", "task-s");
        send("distill-processor", "distill.synthetic-sets", "task-s");
        RecordMetadata summary = send("edge-2", "edge.summaries", "edge-2");

        StreamsBuilder b = new StreamsBuilder();
        b.globalTable("distill.rounds", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        b.stream("edge.summaries", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("by-task").withNumberOfPartitions(1))
                .groupByKey().count()
                .toStream().mapValues(n -> ("count " + n).getBytes(StandardCharsets.UTF_8))
                .to("alerts.attacks", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "distill-processor-acl-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        stack.clientSecurity("distill-processor").applyTo(p);
        List<Throwable> errors = new ArrayList<>();
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            streams.setUncaughtExceptionHandler(e -> {
                errors.add(e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            try (KafkaConsumer<byte[], byte[]> operator = consumer(stack.clientSecurity("operator"), null)) {
                List<TopicPartition> parts = operator.partitionsFor("alerts.attacks").stream()
                        .map(pi -> new TopicPartition("alerts.attacks", pi.partition())).toList();
                operator.assign(parts);
                operator.seekToBeginning(parts);
                boolean counted = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!counted && System.nanoTime() < deadline && errors.isEmpty()) {
                    for (ConsumerRecord<byte[], byte[]> r : operator.poll(Duration.ofMillis(200))) {
                        counted |= new String(r.key()).equals("edge-2") && new String(r.value()).startsWith("count ");
                    }
                }
                assertThat(errors).isEmpty();
                assertThat(counted).as("the processor's Streams app committed a count of " + summary).isTrue();
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
        try (Admin admin = stack.admin()) {
            assertThat(admin.listTopics().names().get()).contains("distill-processor-acl-test-by-task-repartition");
        }
        for (String topic : List.of("models.updates", "edge.summaries", "edge.traffic")) {
            try (KafkaProducer<byte[], byte[]> proc = producer(stack.clientSecurity("distill-processor"))) {
                assertThatThrownBy(() -> proc.send(new ProducerRecord<>(topic, "k".getBytes(), VALUE)).get())
                        .as(topic).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void theOperatorReadsButCannotWrite() throws Exception {
        RecordMetadata alert = send("edge-1", "alerts.attacks", "edge-1");
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("operator"), null)) {
            assertThat(new String(StackIntegrationTest.readAt(c, alert).key())).isEqualTo("edge-1");
        }
        // with WRITE on no topic it cannot even get an idempotent producer id (IDEMPOTENT_WRITE on the cluster) ...
        try (KafkaProducer<byte[], byte[]> op = producer(stack.clientSecurity("operator"))) {
            assertThatThrownBy(() -> op.send(new ProducerRecord<>("alerts.attacks", "k".getBytes(), VALUE)).get())
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
        }
        // ... and a plain producer is refused the topic
        Map<String, Object> plain = new HashMap<>(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"));
        try (KafkaProducer<byte[], byte[]> op = producer(stack.clientSecurity("operator"), plain)) {
            assertThatThrownBy(() -> op.send(new ProducerRecord<>("alerts.attacks", "k".getBytes(), VALUE)).get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theConsoleReadsAndMeasuresLagButCannotWrite() throws Exception {
        RecordMetadata alert = send("edge-1", "alerts.attacks", "edge-1");
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("console"), null)) {
            assertThat(new String(StackIntegrationTest.readAt(c, alert).key())).isEqualTo("edge-1");
        }
        // lag: it may see another principal's group and its committed offsets (DESCRIBE), though it can join none
        TopicPartition p = new TopicPartition("alerts.attacks", alert.partition());
        try (KafkaConsumer<byte[], byte[]> op = consumer(stack.clientSecurity("operator"), "operator-lag-check")) {
            op.commitSync(Map.of(p, new org.apache.kafka.clients.consumer.OffsetAndMetadata(alert.offset())));
        }
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        stack.clientSecurity("console").applyTo(cfg);
        try (Admin console = Admin.create(cfg)) {
            assertThat(console.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups()).all().get())
                    .anyMatch(g -> g.groupId().equals("operator-lag-check"));
            assertThat(console.listConsumerGroupOffsets("operator-lag-check").partitionsToOffsetAndMetadata().get().get(p).offset())
                    .isEqualTo(alert.offset());
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("console"), "console-group")) {
            assertThatThrownBy(() -> c.commitSync(Map.of(p, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        Map<String, Object> plain = new HashMap<>(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"));
        try (KafkaProducer<byte[], byte[]> op = producer(stack.clientSecurity("console"), plain)) {
            assertThatThrownBy(() -> op.send(new ProducerRecord<>("alerts.attacks", "k".getBytes(), VALUE)).get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    // ---------------------------------------------------------------- the plan

    @Test
    void theAclPlanIsIdempotentAndRemovesDrift() throws Exception {
        AclPlan plan = stack.aclPlan();
        AclBinding drift = allow("User:edge-2", "models.updates", AclOperation.WRITE);
        AclBinding foreign = allow("User:someone-else", "alerts.attacks", AclOperation.READ);
        try (Admin admin = stack.admin()) {
            assertThat(plan.apply(admin, stack.edges()).changed()).as("second application").isFalse();
            admin.createAcls(List.of(drift, foreign)).all().get();
            // ACLs reach the broker's authorizer through the metadata log: the plan must see the drift before it can remove it
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(List.of(drift, foreign)));
            AclPlan.Result r = plan.apply(admin, stack.edges());
            assertThat(r.deleted()).containsExactly(drift);
            assertThat(r.created()).isEmpty();
            Set<AclBinding> now = Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get());
            assertThat(now).doesNotContain(drift).contains(foreign);
            admin.deleteAcls(List.of(foreign.toFilter())).all().get();
        }
    }

    @Test
    void provisionCreatesMissingUsersOnlyAndTheirFilesWork() throws Exception {
        Path creds = dir.resolve("provisioned");
        int rc = new picocli.CommandLine(new ProvisionMain()).execute("--bootstrap-server", stack.bootstrapServers(),
                "--command-config", stack.clientProperties("admin").toString(), "--replication-factor", "1",
                "--credentials-dir", creds.toString(), "--edge", "edge-1,edge-2,edge-9");
        assertThat(rc).isZero();
        // existing users kept their passwords: no file for them, and the stack's own files still work
        assertThat(creds.resolve("edge-1.properties")).doesNotExist();
        assertThat(creds.resolve("distill-processor.properties")).doesNotExist();
        send("edge-1", "edge.summaries", "edge-1");
        KafkaClientSecurity edge9 = KafkaClientSecurity.fromFile(creds.resolve("edge-9.properties"));
        try (KafkaProducer<byte[], byte[]> p = producer(edge9)) {
            p.send(new ProducerRecord<>("edge.traffic", "edge-9".getBytes(), VALUE)).get();
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("models.updates", "edge-9".getBytes(), VALUE)).get())
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (Admin admin = stack.admin()) {
            admin.deleteAcls(List.of(new AclBindingFilter(
                    new org.apache.kafka.common.resource.ResourcePatternFilter(ResourceType.ANY, null, PatternType.ANY),
                    new org.apache.kafka.common.acl.AccessControlEntryFilter("User:edge-9", null, AclOperation.ANY,
                            AclPermissionType.ANY)))).all().get();
        }
    }

    // ---------------------------------------------------------------- the registry

    @Test
    void theRegistrySpeaksHttpsOnlyAndAnswersNoStranger() throws Exception {
        String url = stack.registryUrl();
        assertThat(url).startsWith("https://127.0.0.1:");
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(url.replace("https:", "http:") + "/system/info"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP on the registry's port").isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(url + "/system/info")).build(),
                HttpResponse.BodyHandlers.ofString())).as("a client without the stack's CA")
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        for (String path : List.of("/search/artifacts", "/groups/default/artifacts", "/admin/rules", "/groups/default/artifacts/"
                + "edge.traffic-value/versions")) {
            assertThat(registry("GET", url + path, null, null, null).statusCode()).as("anonymous " + path).isEqualTo(401);
            assertThat(registry("GET", url + path, "edges", "not-the-password", null).statusCode()).as("wrong password " + path)
                    .isEqualTo(401);
            assertThat(registry("GET", url + path, "edges", stack.security().orElseThrow().registryPassword("edges"), null)
                    .statusCode()).as("a reader " + path).isEqualTo(200);
        }
        assertThat(registry("GET", stack.confluentRegistryUrl() + "/subjects", null, null, null).statusCode()).isEqualTo(401);
        assertThat(Files.getPosixFilePermissions(dir.resolve("registry/config/application.properties")))
                .map(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.readString(dir.resolve("registry/config/application.properties")))
                .as("digests, never a password").doesNotContain(stack.security().orElseThrow().registryPassword("edges"));
    }

    @Test
    void onlyTheOperatorRegistersSchemasOrChangesRules() throws Exception {
        String url = stack.registryUrl();
        String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\",\\\"fields\\\":[]}";
        String artifact = "{\"artifactId\":\"%s\",\"artifactType\":\"AVRO\",\"firstVersion\":{\"content\":{\"content\":\""
                + schema + "\",\"contentType\":\"application/json\"}}}";
        String rule = "{\"ruleType\":\"COMPATIBILITY\",\"config\":\"NONE\"}";
        long before = artifactCount();
        StackSecurity sec = stack.security().orElseThrow();
        List<String[]> refused = new ArrayList<>();
        refused.add(new String[] {null, null, "401"});
        for (String reader : List.of("distill-processor", "model-updater", "console", "operator", StackSecurity.EDGES_REGISTRY_USER)) {
            refused.add(new String[] {reader, sec.registryPassword(reader), "403"});
        }
        for (String[] who : refused) {
            String as = who[0] == null ? "anonymous" : who[0];
            assertThat(registry("POST", url + "/groups/default/artifacts", who[0], who[1], artifact.formatted("probe-" + as))
                    .statusCode()).as(as + " registers a subject").isEqualTo(Integer.parseInt(who[2]));
            assertThat(registry("POST", stack.confluentRegistryUrl() + "/subjects/probe-" + as + "-value/versions", who[0], who[1],
                    "{\"schema\":\"" + schema + "\"}").statusCode()).as(as + " registers through the Confluent API")
                    .isEqualTo(Integer.parseInt(who[2]));
            assertThat(registry("PUT", url + "/admin/rules/COMPATIBILITY", who[0], who[1], rule).statusCode())
                    .as(as + " changes the compatibility rule").isEqualTo(Integer.parseInt(who[2]));
        }
        assertThat(artifactCount()).as("refused requests register nothing").isEqualTo(before);
        assertThat(stack.registry().globalRule("COMPATIBILITY")).isEqualTo("BACKWARD");
        assertThat(registry("POST", url + "/groups/default/artifacts", "admin", sec.registryPassword("admin"),
                artifact.formatted("probe-admin")).statusCode()).as("the operator registers").isEqualTo(200);
        assertThat(artifactCount()).isEqualTo(before + 1);
    }

    @Test
    void readOnlyPrincipalsWriteAndReadWithTheSchemasTheStackRegistered() throws Exception {
        assertThat(artifactIds()).as("registered at the stack's start").containsAll(SchemaCatalog.samples().keySet().stream()
                .map(t -> t + "-value").toList());
        RegistryAccess edge = stack.clientSettings("edge-1").registry();
        assertThat(edge.autoRegister()).isFalse();
        assertThat(edge.toString()).contains("as " + StackSecurity.EDGES_REGISTRY_USER);
        // records with nested types (RoundSpec) and without (TrafficFlow), each written by a reader and read by another
        TrafficFlow flow = ContractSamples.trafficFlow(7, "edge-1");
        RoundSpec round = ContractSamples.roundSpec(7);
        RegistryAccess processor = stack.clientSettings("distill-processor").registry();
        try (Serializer<TrafficFlow> edgeWriter = AvroSerdes.serializer(edge, false);
             Deserializer<TrafficFlow> processorReader = AvroSerdes.deserializer(processor, false);
             Serializer<RoundSpec> processorWriter = AvroSerdes.serializer(processor, false);
             Deserializer<RoundSpec> edgeReader = AvroSerdes.deserializer(edge, false)) {
            byte[] wire = edgeWriter.serialize(Topics.TRAFFIC, flow);
            assertThat(WireFormat.schemaId(wire)).isPresent();
            assertThat(processorReader.deserialize(Topics.TRAFFIC, wire)).isEqualTo(flow);
            assertThat(edgeReader.deserialize(Topics.ROUNDS, processorWriter.serialize(Topics.ROUNDS, round))).isEqualTo(round);
        }
        // a schema the operator has not registered: a read-only writer fails, and registers nothing
        try (Serializer<RoundSpec> writer = AvroSerdes.serializer(edge, false)) {
            assertThatThrownBy(() -> writer.serialize(Topics.TRAFFIC, round)).isInstanceOf(RuntimeException.class);
        }
        assertThat(versions(Topics.TRAFFIC + "-value")).isEqualTo(1);
        // provision registers again as its command-config's registry user: found, nothing new
        int rc = new picocli.CommandLine(new ProvisionMain()).execute("--bootstrap-server", stack.bootstrapServers(),
                "--command-config", stack.clientProperties("admin").toString(), "--replication-factor", "1",
                "--credentials-dir", dir.resolve("provisioned-registry").toString(), "--registry-url", stack.registryUrl());
        assertThat(rc).isZero();
        assertThat(versions(Topics.TRAFFIC + "-value")).isEqualTo(1);
    }

    @Test
    void aNodeConfluentClientPassesCredentialsToTheBrokerAndTheRegistry() throws Exception {
        StackSecurity sec = stack.security().orElseThrow();
        String flowId = "node-flow-" + java.util.UUID.randomUUID();
        String valueJson = "{\"edgeId\":\"edge-1\",\"flowId\":\"" + flowId + "\",\"observedAt\":1700000000123,"
                + "\"numeric\":{\"Dur\":1.5},\"categorical\":{\"Proto\":\"udp\"},\"label\":\"UDPFlood\"}";
        Map<String, String> env = new HashMap<>(Map.of("BOOTSTRAP", stack.bootstrapServers(), "REGISTRY", stack.confluentRegistryUrl(),
                "TOPIC", Topics.TRAFFIC, "VALUE_JSON", valueJson, "KEY", "edge-1",
                "CA_FILE", sec.tls().caCertificate().toString(), "KAFKA_USERNAME", "edge-1", "KAFKA_PASSWORD", sec.password("edge-1")));
        NodeInterop.Result anonymous = NodeInterop.node("produce", env);
        assertThat(anonymous.exit()).as("no registry credentials: " + anonymous.output()).isNotZero();
        assertThat(anonymous.output()).contains("401");

        env.put("REGISTRY_USER_INFO", StackSecurity.EDGES_REGISTRY_USER + ":" + sec.registryPassword(StackSecurity.EDGES_REGISTRY_USER));
        NodeInterop.Result produced = NodeInterop.node("produce", env);
        assertThat(produced.exit()).as(produced.output()).isZero();
        com.fasterxml.jackson.databind.JsonNode md = new com.fasterxml.jackson.databind.ObjectMapper().readTree(produced.result());
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack.clientSecurity("distill-processor"), null);
             Deserializer<TrafficFlow> reader = AvroSerdes.deserializer(stack.clientSettings("distill-processor").registry(), false)) {
            TopicPartition tp = new TopicPartition(Topics.TRAFFIC, md.path("partition").asInt());
            c.assign(List.of(tp));
            c.seek(tp, md.path("offset").asLong());
            ConsumerRecord<byte[], byte[]> raw = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (raw == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    raw = raw == null ? r : raw;
                }
            }
            assertThat(raw).as("the Node client's record").isNotNull();
            TrafficFlow flow = reader.deserialize(Topics.TRAFFIC, raw.value());
            assertThat(flow.getFlowId()).isEqualTo(flowId);
            assertThat(WireFormat.schemaId(raw.value()).orElseThrow()).isEqualTo(md.path("schemaId").asInt());
        }
    }

    private static long artifactCount() throws Exception {
        return artifactIds().size();
    }

    private static List<String> artifactIds() throws Exception {
        HttpResponse<String> r = registry("GET", stack.registryUrl() + "/groups/default/artifacts?limit=1000", "admin",
                stack.security().orElseThrow().registryPassword("admin"), null);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("artifacts")
                .forEach(a -> ids.add(a.path("artifactId").asText()));
        return ids;
    }

    private static int versions(String subject) throws Exception {
        HttpResponse<String> r = registry("GET", stack.registryUrl() + "/groups/default/artifacts/" + subject + "/versions", "admin",
                stack.security().orElseThrow().registryPassword("admin"), null);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("count").asInt();
    }

    /** One request to the registry, trusting the stack's CA, as {@code user} (none: anonymous). */
    private static HttpResponse<String> registry(String method, String url, String user, String password, String json)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(Pem.trusting(stack.security().orElseThrow().tls().caCertificate()))
                .connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", url.contains("/ccompat/") ? "application/vnd.schemaregistry.v1+json" : "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------- helpers

    private static AclBinding allow(String principal, String topic, AclOperation op) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    private static RecordMetadata send(String principal, String topic, String key) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(stack.clientSecurity(principal))) {
            return p.send(new ProducerRecord<>(topic, 0, key.getBytes(), VALUE)).get();
        }
    }

    private static void pollUntilAssigned(KafkaConsumer<byte[], byte[]> c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200));
        }
        if (c.assignment().isEmpty()) {
            throw new KafkaException("no assignment within 30 s");
        }
    }

    private static Admin admin(KafkaClientSecurity security) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(security.applyTo(cfg));
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaClientSecurity security) {
        return producer(security, Map.of());
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaClientSecurity security, Map<String, Object> overrides) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        cfg.putAll(overrides);
        return new KafkaProducer<>(security.applyTo(cfg));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaClientSecurity security, String group) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cfg.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        if (group != null) {
            cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(security.applyTo(cfg));
    }
}
