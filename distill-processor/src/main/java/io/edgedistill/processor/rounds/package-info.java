/**
 * Rounds: the round specs of the configured task, published and read back.
 *
 * <ul>
 *   <li>{@link io.edgedistill.processor.rounds.RoundFactory} — builds round r's spec (fitted feature spec,
 *       seed, embedding-network family);</li>
 *   <li>{@link io.edgedistill.processor.rounds.RoundService} — learns the current round from {@code distill.rounds}
 *       on start and opens new ones (on request or on a timer);</li>
 *   <li>{@link io.edgedistill.processor.rounds.RoundsGlobalProcessor} — global processor of {@code distill.rounds}:
 *       the current round per task, which every other stage validates against.</li>
 * </ul>
 * A spec's network family and summary options are read by {@link io.edgedistill.schemas.mapping.RoundSpecs}, the
 * reading the edges use too.
 */
package io.edgedistill.processor.rounds;
