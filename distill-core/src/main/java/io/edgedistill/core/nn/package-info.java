/** Seeded random embedding networks: a portable weight generator (SplitMix64 keyed by seed, network and layer) that is bit-identical on every platform, and the batched evaluation of all K networks (docs/design.md §3.1). */
package io.edgedistill.core.nn;
