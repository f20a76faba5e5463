/** The Task SPI (facts, questions, answers as token arrays, ground truth, text form) and the five reference tasks. */
package dev.ida4j.task;
