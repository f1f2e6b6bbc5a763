package io.edgedistill.processor.scoring;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Which numbered flows of one edge have been seen: the edge's newest epoch, the highest counter seen in it, and a
 * bitmap of the {@code window} counters below that. A flow is accepted once: a number seen before is a replay, a number
 * of an older epoch or more than {@code window} below the highest is refused as too old to tell, and flows may arrive
 * out of order within the window. A newer epoch (the edge restarted) starts afresh. The state is a few hundred bytes per
 * edge ({@link #encode}), kept in a changelogged store by {@link TrafficScoringProcessor}. Pure; not thread-safe.
 */
final class ReplayWindow {
    private final int window;
    private long epoch = Long.MIN_VALUE;
    private long max = -1;
    private final long[] seen; // bit i: counter max - i was seen (bit 0 is max itself)

    ReplayWindow(int window) {
        if (window < 64 || window % 64 != 0) {
            throw new IllegalArgumentException("the replay window must be a positive multiple of 64, not " + window);
        }
        this.window = window;
        this.seen = new long[window / 64];
    }

    /** The state of one edge as stored; null or empty = no flow seen yet. */
    static ReplayWindow decode(byte[] state, int window) {
        ReplayWindow w = new ReplayWindow(window);
        if (state != null && state.length == 16 + w.seen.length * 8) {
            ByteBuffer b = ByteBuffer.wrap(state);
            w.epoch = b.getLong();
            w.max = b.getLong();
            for (int i = 0; i < w.seen.length; i++) {
                w.seen[i] = b.getLong();
            }
        }
        return w;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(16 + seen.length * 8).putLong(epoch).putLong(max);
        for (long l : seen) {
            b.putLong(l);
        }
        return b.array();
    }

    /** Records the flow numbered (epoch, counter); why it is refused, or empty when it is new. */
    Optional<String> offer(long flowEpoch, long counter) {
        if (counter < 0) {
            return Optional.of("negative flow counter " + counter);
        }
        if (flowEpoch < epoch) {
            return Optional.of("replay: epoch " + flowEpoch + " is older than the edge's current epoch " + epoch);
        }
        if (flowEpoch > epoch) {
            epoch = flowEpoch;
            max = counter;
            java.util.Arrays.fill(seen, 0L);
            set(0);
            return Optional.empty();
        }
        if (counter > max) {
            shift(counter - max);
            max = counter;
            set(0);
            return Optional.empty();
        }
        long back = max - counter;
        if (back >= window) {
            return Optional.of("too old: counter " + counter + " is " + back + " below the edge's highest " + max
                    + ", outside the replay window of " + window);
        }
        if (get((int) back)) {
            return Optional.of("replay: flow (" + flowEpoch + ", " + counter + ") was seen before");
        }
        set((int) back);
        return Optional.empty();
    }

    private boolean get(int i) {
        return (seen[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(int i) {
        seen[i >>> 6] |= 1L << (i & 63);
    }

    /** Moves every bit {@code by} positions back (older); bits beyond the window fall off. */
    private void shift(long by) {
        if (by >= window) {
            java.util.Arrays.fill(seen, 0L);
            return;
        }
        int words = (int) (by >>> 6);
        int bits = (int) (by & 63);
        for (int i = seen.length - 1; i >= 0; i--) {
            int src = i - words;
            long v = src >= 0 ? seen[src] << bits : 0L;
            if (bits > 0 && src - 1 >= 0) {
                v |= seen[src - 1] >>> (64 - bits);
            }
            seen[i] = v;
        }
    }
}
