/** Cloud aggregation (docs/design.md §3.3): exact count-weighted global targets with replacement, decay and knowledge weights, and the poisoning detector that quarantines outlying summaries with a recorded reason. */
package io.edgedistill.core.aggregate;
