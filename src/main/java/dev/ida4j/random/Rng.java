package dev.ida4j.random;

import java.util.random.RandomGenerator;

/**
 * xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Unlike {@code java.util.Random} or
 * {@code SplittableRandom}, its whole state is four longs that {@link #state()} exports and {@link #restore}
 * puts back, so a resumed run draws exactly the numbers the uninterrupted run would have drawn.
 *
 * <p>Not thread-safe: one generator per worker. {@link #split()} derives an independent child deterministically.
 */
public final class Rng implements RandomGenerator {
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    public Rng(long seed) {
        long z = seed;
        s0 = splitMix(z += 0x9E3779B97F4A7C15L);
        s1 = splitMix(z += 0x9E3779B97F4A7C15L);
        s2 = splitMix(z += 0x9E3779B97F4A7C15L);
        s3 = splitMix(z + 0x9E3779B97F4A7C15L);
    }

    private Rng(long[] state) {
        restore(state);
    }

    /** A generator that continues from a saved {@link #state()}. */
    public static Rng fromState(long[] state) {
        return new Rng(state);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A new generator seeded from this one's next output (this one advances by one draw). */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** The four state words, for a checkpoint. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    /** Puts back a state from {@link #state()}; an all-zero state is refused (xoshiro would emit only zeros). */
    public void restore(long[] state) {
        if (state.length != 4) {
            throw new IllegalArgumentException("an Rng state is 4 longs, got " + state.length);
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("an all-zero Rng state is invalid");
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }
}
