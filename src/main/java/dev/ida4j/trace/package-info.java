/**
 * Traces of amplification trees: what answered each subquestion, the first error on the path of each wrong answer,
 * where H′ or a person parted from H and H′'s odds, written as JSON Lines with a viewer page ({@code TRACES.md}).
 *
 * <p>May import: {@code amplify}, {@code human}, {@code model}, {@code overseer}, {@code task}.
 */
package dev.ida4j.trace;
