package io.edgedistill.edge.core;

import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.EdgeStatus;
import io.edgedistill.schemas.EdgeSummary;

/** Where an edge's control messages go (Kafka in production, a list in tests). */
public interface EdgeOutput {
    void summary(EdgeSummary summary);

    void knowledge(EdgeKnowledge knowledge);

    void alert(AttackAlert alert);

    /** What the edge runs and how it fares; best effort (an output that keeps no status ignores it). */
    default void status(EdgeStatus status) {
    }
}
