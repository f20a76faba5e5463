/**
 * Files in and out of the engine: safetensors tensor files (reference fixtures, checkpoint tensors), read strictly,
 * and a run's {@code metrics.jsonl} log.
 */
package dev.ida4j.io;
