/**
 * Files in and out of the engine: safetensors tensor files (reference fixtures, checkpoint tensors), read strictly,
 * a run's {@code metrics.jsonl} log, and {@link dev.ida4j.io.FileSync}, the fsync that checkpoints and the journal
 * make durable with.
 *
 * <p>May import: {@code tensor}.
 */
package dev.ida4j.io;
