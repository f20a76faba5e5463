/**
 * The amplify-then-distill loop: generation of targets (amplified, or ground truth for the baseline), replay
 * buffers, the curriculum on instance size, training of X and of the learned overseer H′, evaluation and logging.
 */
package dev.ida4j.loop;
