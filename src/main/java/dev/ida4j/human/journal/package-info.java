/**
 * The transcript journal: an append-only file of length-prefixed, CRC32C-checksummed records, each durable before
 * it is acknowledged, keyed by the submitter's id so that a retried submission is stored once.
 */
package dev.ida4j.human.journal;
