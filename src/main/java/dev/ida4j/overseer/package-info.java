/**
 * Overseers: the tasks' scripts (H) replayed over transcripts, batched one decision at a time, with error injection.
 *
 * <p>May import: {@code task}.
 */
package dev.ida4j.overseer;
