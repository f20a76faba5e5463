/**
 * The Task SPI (facts, questions, answers as token arrays, ground truth, text form), the algorithmic overseer H's
 * protocol ({@link dev.ida4j.task.Script}, asking through {@link dev.ida4j.task.Subquestions}), and the five reference
 * tasks. Nothing here depends on the overseers that run the scripts.
 *
 * <p>May import: nothing of ida4j.
 */
package dev.ida4j.task;
