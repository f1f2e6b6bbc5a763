package io.edgedistill.deploy;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.edgedistill.core.signing.SignedPayload;
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.core.trust.TrustList;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.client.KafkaClientSettings;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operator's side of {@code keys.trust}: reads the newest trust list that the root key verifies, publishes the
 * next one, and reads which versions each key signed on {@code models.updates} (for a retirement's cut-over).
 */
public final class TrustListChannel {
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private final KafkaClientSettings kafka;

    public TrustListChannel(KafkaClientSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * What the topic holds, in one read: the newest list {@code root} signed, and the highest sequence of any list on
     * it, whichever root signed it (a new list is numbered above it, so that it takes effect also after a switch to
     * another root key).
     */
    private record Lists(Optional<TrustList> newest, long highestSequence) {
    }

    private Lists read(PublicKey root) {
        Map<String, PublicKey> roots = Map.of(io.edgedistill.core.signing.Ed25519Keys.keyId(root), root);
        TrustList newest = null;
        long highest = 0;
        for (Object o : readAllValues(Topics.TRUST)) {
            if (!(o instanceof KeyTrustList t)) {
                continue;
            }
            try {
                highest = Math.max(highest, TrustList.fromJson(t.getPayload()).sequence());
            } catch (IllegalArgumentException e) {
                continue; // not a list: skipped
            }
            try {
                TrustList l = SignedTrustList.of(t.getPayload(), t.getRootKeyId(), t.getSignature()).verify(roots);
                if (newest == null || l.sequence() > newest.sequence()) {
                    newest = l;
                }
            } catch (SignedTrustList.Refused e) {
                // not ours (another root, or forged): skipped, as edges skip it
            }
        }
        return new Lists(Optional.ofNullable(newest), highest);
    }

    /** The newest list on the topic that {@code root} signed; empty when there is none yet. */
    public Optional<TrustList> current(PublicKey root) {
        return read(root).newest();
    }

    /**
     * Signs {@code list} with the root key, numbered above every list on the topic, publishes it (acknowledged by every
     * in-sync replica) and reads it back: another list published at the same time fails this one.
     *
     * @return the list as published
     */
    TrustList publish(TrustList list, KeyPair root) throws Exception {
        list = list.withSequence(Math.max(list.sequence(), read(root.getPublic()).highestSequence() + 1));
        SignedTrustList signed = SignedTrustList.sign(list, root);
        KeyTrustList record = KeyTrustList.newBuilder().setPayload(signed.payload()).setRootKeyId(signed.rootKeyId())
                .setSignature(ByteBuffer.wrap(signed.signature())).build();
        Map<String, Object> cfg = kafka.reliableAvroProducer("edgedistill-keys");
        cfg.put("key.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(cfg)) {
            producer.send(new ProducerRecord<>(Topics.TRUST, Topics.TRUST_KEY, record)).get();
        }
        Lists after = read(root.getPublic());
        if (after.highestSequence() != list.sequence() || !after.newest().map(list::equals).orElse(false)) {
            throw new IllegalStateException("trust list " + list.sequence() + " was published, but another list was published "
                    + "at the same time: check `keys show` and publish again");
        }
        return list;
    }

    /**
     * The cut-over of a retiring updater key, per model id (canaries included), from the updates on
     * {@code models.updates} whose signature verifies (a forged record cannot widen it): one above the highest version
     * the key signed; for a model id whose records by the key compaction has removed, the newest version another
     * listed key signed (the key signed only versions below it). Every update the key signed stays valid; nothing
     * newer does.
     *
     * @param keys the listed updater keys (the retiring one included), by id
     */
    Map<String, Long> cutOverOf(String keyId, Map<String, PublicKey> keys) {
        Map<String, Long> own = new HashMap<>();
        Map<String, Long> others = new HashMap<>();
        for (Object o : readAllValues(Topics.MODEL_UPDATES)) {
            if (!(o instanceof ModelUpdate u) || u.getSigningKeyId() == null || !keys.containsKey(u.getSigningKeyId())) {
                continue;
            }
            byte[] sig = new byte[u.getSignature().remaining()];
            u.getSignature().duplicate().get(sig);
            boolean verified;
            try {
                verified = new SignedPayload(u.getModelId(), u.getVersion(), u.getFormat(), u.getSha256(),
                        u.getSyntheticSetVersion(), u.getAudience()).verify(keys.get(u.getSigningKeyId()), sig);
            } catch (IllegalArgumentException e) {
                verified = false;
            }
            if (!verified) {
                continue;
            }
            if (keyId.equals(u.getSigningKeyId())) {
                own.merge(u.getModelId(), u.getVersion() + 1, Math::max);
            } else {
                others.merge(u.getModelId(), u.getVersion(), Math::max);
            }
        }
        Map<String, Long> cut = new HashMap<>(others);
        cut.putAll(own);
        return cut;
    }

    /** Every decodable value of the topic, from its beginning to its end at the time of the call. */
    private List<Object> readAllValues(String topic) {
        Map<String, Object> cfg = kafka.common();
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "edgedistill-keys-" + UUID.randomUUID());
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        List<Object> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cfg);
             Deserializer<SpecificRecord> values = AvroSerdes.deserializer(kafka.registry(), false)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, READ_LIMIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + READ_LIMIT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        out.add(values.deserialize(topic, r.value()));
                    } catch (RuntimeException e) {
                        // a record that does not decode is nobody's key or model: skipped
                    }
                }
            }
        }
        return out;
    }
}
