package io.edgedistill.processor.contributions;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import io.edgedistill.core.signing.ContributionSignature;
import io.edgedistill.core.trust.KeyTrust;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.processor.topology.DeadLetteringDecoder;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.DeadLetter;
import io.edgedistill.schemas.RoundSpec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * First stage for {@code edge.summaries} and {@code edge.knowledge}: decodes the raw bytes, validates the
 * contribution against the task's current round (from the global rounds store) and either forwards the
 * mapped core summary keyed by task id, or the dead letter (keyed by the original key bytes). One instance
 * type serves both topics: what differs between the two records is read by the {@link ContributionAdapter}.
 *
 * @param <T> the Avro contribution type
 */
public final class ContributionIntakeProcessor<T>
        implements Processor<byte[], byte[], byte[], ContributionIntakeProcessor.ContributionOrDeadLetter> {

    /** Output: exactly one of (taskId, summary) or deadLetter. */
    public record ContributionOrDeadLetter(String taskId, SummaryStats summary, DeadLetter deadLetter) {
    }

    private final Deserializer<T> deserializer;
    private final Deserializer<RoundSpec> roundDeserializer;
    private final ContributionAdapter<T> adapter;
    private final String service;
    private final int maxValueBytes;
    private final Runnable onDeadLetter;
    private final KeyTrust edgeKeys;
    private final java.util.function.Supplier<java.util.Set<String>> distrusted;
    private ProcessorContext<byte[], ContributionOrDeadLetter> context;
    private KeyValueStore<String, byte[]> rounds;
    private DeadLetteringDecoder<T> decoder;
    private String currentKey;

    /** Dead-letter error class of a contribution not signed by the edge it claims (with edge keys configured). */
    static final String BAD_SIGNATURE = "ContributionSignature";
    /** Dead-letter error class of a contribution or flow of an edge the operator distrusts. */
    public static final String DISTRUSTED_EDGE = "DistrustedEdge";

    /**
     * @param edgeKeys   the edge keys trusted at the time a record is processed (they change as trust lists apply);
     *                   until any is configured or listed, contributions need no signature
     * @param distrusted edges whose contributions are refused now ({@code processor.contributions.distrusted-edges}
     *                   and the operator's trust list)
     */
    public ContributionIntakeProcessor(Deserializer<T> deserializer, Deserializer<RoundSpec> roundDeserializer,
                                       ContributionAdapter<T> adapter, String service, int maxValueBytes,
                                       KeyTrust edgeKeys,
                                       java.util.function.Supplier<java.util.Set<String>> distrusted,
                                       Runnable onDeadLetter) {
        this.distrusted = distrusted;
        this.deserializer = deserializer;
        this.roundDeserializer = roundDeserializer;
        this.adapter = adapter;
        this.service = service;
        this.maxValueBytes = maxValueBytes;
        this.onDeadLetter = onDeadLetter;
        this.edgeKeys = edgeKeys;
    }

    @Override
    public void init(ProcessorContext<byte[], ContributionOrDeadLetter> context) {
        this.context = context;
        this.rounds = context.getStateStore(ProcessorTopology.ROUNDS_STORE);
        this.decoder = new DeadLetteringDecoder<>(deserializer,
                v -> adapter.violations(v, currentKey, currentRound(adapter.taskId(v))), service, maxValueBytes);
    }

    private RoundSpec currentRound(String taskId) {
        byte[] raw = rounds.get(taskId);
        return raw == null ? null : roundDeserializer.deserialize(ProcessorTopology.ROUNDS_TOPIC, raw);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        currentKey = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        DeadLetteringDecoder.Decoded<T> r = decoder.decode(context, record);
        if (r.value() == null) {
            onDeadLetter.run();
            context.forward(record.withValue(new ContributionOrDeadLetter(null, null, r.deadLetter())));
            return;
        }
        String claimed = adapter.edgeId(r.value());
        if (distrusted.get().contains(claimed)) {
            onDeadLetter.run();
            context.forward(record.withValue(new ContributionOrDeadLetter(null, null, decoder.refuse(context, record,
                    DISTRUSTED_EDGE, "edge " + claimed + " is distrusted by the operator"))));
            return;
        }
        if (edgeKeys.edgeSignaturesRequired()) {
            Map<String, ContributionSignature.EdgeKey> keys = edgeKeys.edgeKeys();
            byte[] signer = header(record, ContributionSignature.SIGNER_HEADER);
            Optional<String> refused = ContributionSignature.check(keys,
                    context.recordMetadata().map(m -> m.topic()).orElse(""), record.value(),
                    signer == null ? null : new String(signer, StandardCharsets.UTF_8),
                    header(record, ContributionSignature.SIGNATURE_HEADER), adapter.edgeId(r.value()));
            if (refused.isPresent()) {
                onDeadLetter.run();
                context.forward(record.withValue(new ContributionOrDeadLetter(null, null,
                        decoder.refuse(context, record, BAD_SIGNATURE, refused.get()))));
                return;
            }
        }
        String taskId = adapter.taskId(r.value());
        SummaryStats core = adapter.toCore(r.value(), currentRound(taskId));
        context.forward(record.withValue(new ContributionOrDeadLetter(taskId, core, null)));
    }

    private static byte[] header(Record<byte[], byte[]> record, String name) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(name);
        return h == null ? null : h.value();
    }
}
