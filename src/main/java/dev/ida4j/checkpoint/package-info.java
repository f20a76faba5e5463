/**
 * Crash-safe, verified training checkpoints in a run directory: tensors in safetensors files, everything else in
 * {@code state.json}, every byte covered by a CRC32C, committed by an atomic rename after every byte is durable.
 *
 * <p>May import: {@code backend}, {@code io}, {@code tensor}.
 */
package dev.ida4j.checkpoint;
