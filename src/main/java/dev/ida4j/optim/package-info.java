/**
 * Optimizers over flat parameter blocks: AdamW with global-norm clipping and non-finite step skipping
 * ({@link dev.ida4j.optim.NonFiniteGuard}), and Polyak averaging of a student into an EMA teacher.
 *
 * <p>May import: {@code backend}, {@code tensor}.
 */
package dev.ida4j.optim;
