/**
 * A person as the overseer H: sessions in which someone decomposes a task's question in its text form, helped or
 * checked by the learned overseer H′, with every finished transcript saved to the journal. The page and the
 * terminal are front ends over {@link dev.ida4j.oversight.Desk}.
 */
package dev.ida4j.oversight;
