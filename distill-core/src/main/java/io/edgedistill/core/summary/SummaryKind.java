package io.edgedistill.core.summary;

/** What a summary describes. */
public enum SummaryKind {
    /** Per-class summary of an edge's labelled local data window (docs/design.md §3.2). */
    DATA,
    /** Reverse-distillation summary: only samples the deployed model gets wrong or is unsure of (§3.5). */
    KNOWLEDGE
}
