package io.edgedistill.processor.trust;

import java.util.Map;
import java.security.PublicKey;

import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.trust.SignedTrustList;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.KeyTrustList;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.DeadLetterSink;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Global processor of {@code keys.trust}: applies each trust list that one of the operator's root keys signed and
 * that is newer than the applied one to the processor's {@link KeyTrust}. From then on the contribution intake
 * checks edge signatures against its edge keys, and the live models against its updater keys: a scoring model
 * whose key is revoked (or retired below its version) stops scoring ({@link LiveModels#reviewTrust}). A list that
 * does not decode or verify goes to {@code keys.trust.dlq} and changes nothing. The store keeps the applied list's
 * raw record (key {@code fleet}); global stores are rebuilt from the topic at every start, which re-applies the lists
 * in order.
 */
public final class TrustListGlobalProcessor implements Processor<byte[], byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(TrustListGlobalProcessor.class);
    /** Dead-letter error class of a trust list that no root key verifies. */
    public static final String REFUSED = "TrustListRefused";

    private final DeadLetteringDecoder<KeyTrustList> decoder;
    private final Map<String, PublicKey> roots;
    private final KeyTrust trust;
    private final LiveModels models;
    private final DeadLetterSink deadLetters;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    public TrustListGlobalProcessor(Deserializer<KeyTrustList> deserializer, Map<String, PublicKey> roots, KeyTrust trust,
                                    LiveModels models, DeadLetterSink deadLetters) {
        this.decoder = new DeadLetteringDecoder<>(deserializer, ContractChecks.TRUST_LIST,
                ProcessorTopology.SERVICE + "/trust", ProcessorTopology.MAX_GLOBAL_VALUE_BYTES);
        this.roots = Map.copyOf(roots);
        this.trust = trust;
        this.models = models;
        this.deadLetters = deadLetters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(ProcessorTopology.TRUST_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone withdraws nothing: only a newer signed list changes the trust
        }
        DeadLetteringDecoder.Decoded<KeyTrustList> r = decoder.decode(context, record);
        if (r.deadLetter() != null) {
            deadLetters.send(r.deadLetter());
            return;
        }
        KeyTrustList t = r.value();
        try {
            if (trust.apply(SignedTrustList.of(t.getPayload(), t.getRootKeyId(), t.getSignature()).verify(roots))) {
                store.put(ProcessorTopology.TRUST_KEY, record.value());
                LOG.info("trust list {} applied: {} edge keys, {} updater keys trusted", trust.sequence(),
                        trust.edgeKeys().size(), trust.updaterKeys().size());
                models.reviewTrust();
            }
        } catch (SignedTrustList.Refused e) {
            deadLetters.send(decoder.refuse(context, record, REFUSED, e.getMessage()));
        }
    }
}
