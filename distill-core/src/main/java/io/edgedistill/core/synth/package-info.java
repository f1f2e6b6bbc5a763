/** Synthetic-set optimisation by distribution matching over all K networks (docs/design.md §3.4), initialised from summary information only, warm-startable, with summary-derived soft labels. */
package io.edgedistill.core.synth;
