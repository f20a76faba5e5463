/**
 * The {@code ida4j} command line (picocli): one class per command, the launcher's entry point, exit codes and the
 * one-line errors for bad input.
 *
 * <p>May import: {@code amplify}, {@code backend}, {@code checkpoint}, {@code cluster}, {@code human}, {@code io},
 * {@code loop}, {@code model}, {@code optim}, {@code overseer}, {@code random}, {@code report}, {@code task},
 * {@code tensor}, {@code trace}.
 */
package dev.ida4j.cli;
