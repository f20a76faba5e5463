/**
 * A person as the overseer H ({@link dev.ida4j.human.HumanOverseer}) and everything around them: sessions in which
 * someone decomposes a task's question in its text form, helped or checked by the learned overseer H′, with every
 * finished transcript saved to the journal. The page and the terminal are front ends over
 * {@link dev.ida4j.human.Desk}; the journal ({@code human.journal}) and the page's server ({@code human.web}) are the
 * subpackages.
 *
 * <p>May import: {@code amplify}, {@code io}, {@code overseer}, {@code random}, {@code task}.
 */
package dev.ida4j.human;
