/** MLP classifiers on DJL (docs/design.md §3.5): teacher training, knowledge distillation into a small edge student, a versioned checksummed binary model format, validation metrics and the publication gate, and reverse distillation at the edge. */
package io.edgedistill.core.model;
