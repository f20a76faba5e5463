/**
 * The amplifier: batched evaluation of decomposition trees, Amplify^overseer(model), in lock-step rounds that answer
 * every pending subquestion of a whole batch of contexts with one model call.
 */
package dev.ida4j.amplify;
