/**
 * Models over the {@link dev.ida4j.backend.Backend}, each with hand-written forward and backward passes.
 * Dimension letters, used in every shape comment: B batch, T sequence length, C channels, V vocabulary,
 * NH heads, HS head size (C = NH·HS), L layers.
 */
package dev.ida4j.model;
