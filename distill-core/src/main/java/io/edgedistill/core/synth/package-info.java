/** Synthetic-set optimisation by distribution matching over all K networks (DESIGN §3.4), initialised from summary information only, warm-startable, with summary-derived soft labels. */
package io.edgedistill.core.synth;
