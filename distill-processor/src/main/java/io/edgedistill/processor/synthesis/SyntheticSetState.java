package io.edgedistill.processor.synthesis;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.edgedistill.core.synth.DistilledSet;
import io.edgedistill.schemas.SyntheticSample;
import io.edgedistill.schemas.SyntheticSet;

/** The current (last published) synthetic set per task, in Avro and core form. Thread-safe. */
public final class SyntheticSetState {

    /** A published version. */
    public record PublishedSet(SyntheticSet avro, DistilledSet set) {
        public long version() {
            return avro.getVersion();
        }

        public long roundId() {
            return avro.getRoundId();
        }
    }

    private final Map<String, PublishedSet> current = new ConcurrentHashMap<>();

    public Optional<PublishedSet> current(String taskId) {
        return Optional.ofNullable(current.get(taskId));
    }

    /** Records a version if it is newer than the one held (versions are monotonic per task). */
    public void update(SyntheticSet avro) {
        PublishedSet next = new PublishedSet(avro, toCore(avro));
        current.merge(avro.getTaskId(), next, (old, neu) -> neu.version() > old.version() ? neu : old);
    }

    /** Core form of an Avro set (for warm starts after a restart). */
    public static DistilledSet toCore(SyntheticSet a) {
        int d = a.getFeatureDim();
        int numC = a.getClasses().size();
        int m = a.getSamples().size();
        float[] x = new float[m * d];
        int[] labels = new int[m];
        boolean soft = m > 0;
        for (SyntheticSample s : a.getSamples()) {
            soft &= s.getSoftLabel().size() == numC;
        }
        float[] softLabels = soft ? new float[m * numC] : null;
        for (int i = 0; i < m; i++) {
            SyntheticSample s = a.getSamples().get(i);
            labels[i] = s.getLabel();
            for (int j = 0; j < d; j++) {
                x[i * d + j] = s.getFeatures().get(j);
            }
            if (soft) {
                for (int c = 0; c < numC; c++) {
                    softLabels[i * numC + c] = s.getSoftLabel().get(c);
                }
            }
        }
        return new DistilledSet(numC, d, a.getSamplesPerClass(), x, labels, softLabels, a.getMatchingLoss(),
                a.getOptimisationSteps());
    }
}
