package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.edgedistill.schemas.TrafficFlow;
import io.edgedistill.schemas.serde.PlainAvroSerde;
import org.junit.jupiter.api.Test;

class FlowEncoderTest {
    private final PlainAvroSerde<TrafficFlow> serde = PlainAvroSerde.of(TrafficFlow.class, 4242);

    @Test
    void writesExactlyWhatTheSerializerWritesForEveryRow() {
        Flows f = new Flows("edge-é1", LocalData.generated(3, 600, null)); // a non-ASCII id: lengths are in bytes
        for (boolean labelled : new boolean[] {true, false}) {
            TrafficFlow first = f.flow(0, 0, Instant.ofEpochMilli(1_700_000_000_123L), labelled);
            FlowEncoder e = FlowEncoder.verified(f, labelled, 0, first, serde.encode(first)).orElseThrow();
            for (int i = 0; i < 2 * f.size(); i++) {
                int row = i % f.size();
                long seq = 1_000_000L * i + 7;
                Instant at = Instant.ofEpochMilli(i % 3 == 0 ? 0 : 1_700_000_000_000L + 37L * i);
                TrafficFlow flow = f.flow(row, seq, at, labelled);
                assertThat(e.encode(row, flow.getFlowId(), at.toEpochMilli())).isEqualTo(serde.encode(flow));
            }
        }
    }

    @Test
    void isNotUsedWhenTheSerializerWritesSomethingElse() {
        Flows f = new Flows("edge-1", LocalData.generated(3, 50, null));
        TrafficFlow first = f.flow(0, 0, Instant.now(), true);
        byte[] other = serde.encode(first);
        other[other.length - 1] ^= 1;
        assertThat(FlowEncoder.verified(f, true, 0, first, other)).isEmpty();
        byte[] noMagic = serde.encode(first);
        noMagic[0] = 1;
        assertThat(FlowEncoder.verified(f, true, 0, first, noMagic)).isEmpty();
        assertThat(FlowEncoder.verified(f, false, 0, first, serde.encode(first))).as("label setting differs").isEmpty();
        assertThat(FlowEncoder.verified(f, true, 0, first, null)).isEmpty();
    }

    @Test
    void varLongIsAvrosZigZagEncoding() {
        byte[] b = new byte[10];
        assertThat(FlowEncoder.varLong(0, b, 0)).isEqualTo(1);
        assertThat(b[0]).isEqualTo((byte) 0);
        assertThat(FlowEncoder.varLong(-1, b, 0)).isEqualTo(1);
        assertThat(b[0]).isEqualTo((byte) 1);
        assertThat(FlowEncoder.varLong(64, b, 0)).isEqualTo(2);
        assertThat(new byte[] {b[0], b[1]}).containsExactly((byte) 0x80, (byte) 0x01);
        assertThat(FlowEncoder.varLong(Long.MIN_VALUE, b, 0)).isEqualTo(10);
    }
}
