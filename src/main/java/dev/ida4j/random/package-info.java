/** Seeded random numbers whose whole state can be saved in a checkpoint and restored exactly. */
package dev.ida4j.random;
