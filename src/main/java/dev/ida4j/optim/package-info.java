/** Optimizers over flat parameter blocks: AdamW with global-norm clipping. */
package dev.ida4j.optim;
