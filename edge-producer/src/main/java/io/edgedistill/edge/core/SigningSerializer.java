package io.edgedistill.edge.core;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Map;

import io.edgedistill.core.signing.ContributionSignature;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes with a delegate and signs the exact bytes with the edge's key ({@link ContributionSignature}): the
 * producer calls a value serializer with the record's headers before they become read-only, so the signature
 * headers travel with the record they sign.
 */
final class SigningSerializer<T> implements Serializer<T> {
    private final Serializer<T> delegate;
    private final PrivateKey key;
    private final byte[] keyId;

    SigningSerializer(Serializer<T> delegate, PrivateKey key, String keyId) {
        this.delegate = delegate;
        this.key = key;
        this.keyId = keyId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return delegate.serialize(topic, data); // no headers to carry a signature: used only for priming
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        byte[] value = delegate.serialize(topic, headers, data);
        if (value != null && headers != null) {
            headers.remove(ContributionSignature.SIGNER_HEADER);
            headers.remove(ContributionSignature.SIGNATURE_HEADER);
            headers.add(ContributionSignature.SIGNER_HEADER, keyId);
            headers.add(ContributionSignature.SIGNATURE_HEADER, ContributionSignature.sign(key, topic, value));
        }
        return value;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
