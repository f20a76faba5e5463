/**
 * {@code ida4j report}: reads runs' {@code metrics.jsonl} logs and draws them as PNG and SVG plots with a
 * self-contained {@code report.html}. Only the command line uses it; training never loads it (nor XChart).
 *
 * <p>May import: {@code io}, {@code loop}, {@code trace}.
 */
package dev.ida4j.report;
