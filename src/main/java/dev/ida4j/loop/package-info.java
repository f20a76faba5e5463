/**
 * The amplify-then-distill loop: generation of targets (amplified, or ground truth for the baseline), replay
 * buffers, the curriculum on instance size, training of X and of the learned overseer H′, evaluation and logging.
 *
 * <p>May import: {@code amplify}, {@code backend}, {@code checkpoint}, {@code cluster}, {@code io}, {@code model},
 * {@code optim}, {@code overseer}, {@code random}, {@code task}, {@code tensor}, {@code trace}.
 */
package dev.ida4j.loop;
