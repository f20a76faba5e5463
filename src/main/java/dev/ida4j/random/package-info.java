/**
 * Seeded random numbers whose whole state can be saved in a checkpoint and restored exactly.
 *
 * <p>May import: nothing of ida4j.
 */
package dev.ida4j.random;
