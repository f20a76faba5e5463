/** Files in and out of the engine: safetensors tensor files (reference fixtures, model checkpoints), read strictly. */
package dev.ida4j.io;
