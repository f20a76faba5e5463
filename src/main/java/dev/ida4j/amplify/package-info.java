/**
 * The amplifier: batched evaluation of decomposition trees, Amplify^overseer(model), in lock-step rounds that answer
 * every pending subquestion of a whole batch of contexts with one model call.
 *
 * <p>May import: {@code overseer}, {@code task}.
 */
package dev.ida4j.amplify;
