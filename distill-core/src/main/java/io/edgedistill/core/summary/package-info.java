/** Edge summaries (docs/design.md §3.2): per-class counts, mean embeddings, optional second and input-space moments, optional differential privacy with the analytic Gaussian mechanism. */
package io.edgedistill.core.summary;
