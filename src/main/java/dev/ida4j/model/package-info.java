/**
 * Models over the {@link dev.ida4j.backend.Backend}, each with hand-written forward and backward passes.
 * Dimension letters, used in every shape comment: B batch, T sequence length, C channels, V vocabulary,
 * NH heads, HS head size (C = NH·HS), L layers.
 *
 * <p>May import: {@code backend}, {@code optim}, {@code random}, {@code tensor}.
 */
package dev.ida4j.model;
