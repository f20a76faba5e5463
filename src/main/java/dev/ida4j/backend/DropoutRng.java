package dev.ida4j.backend;

/**
 * The counter-based random function behind dropout, shared by every backend (the CUDA kernel ports these lines):
 * a pure function of (seed, element index), so a mask never depends on thread count, launch shape or device.
 *
 * <p>bits(seed, i) = mix(mix(seed) + i·γ), with mix the splitmix64 finaliser and γ its golden-ratio increment;
 * the top 24 bits give a uniform float u = k/2²⁴ in [0, 1), and element i is dropped when u &lt; p.
 */
public final class DropoutRng {
    /** splitmix64's increment: 2⁶⁴/φ, odd, so i·γ visits distinct counters for distinct i. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** The finaliser's two multipliers (public for vectorised copies of {@link #mix}). */
    public static final long MIX1 = 0xBF58476D1CE4E5B9L;
    public static final long MIX2 = 0x94D049BB133111EBL;

    private DropoutRng() {
    }

    /** The splitmix64 finaliser: a bijection on 64-bit words whose every output bit depends on every input bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }

    /** The per-call key; hoisted out of kernel loops, and mixed so that nearby seeds give unrelated streams. */
    public static long key(long seed) {
        return mix(seed);
    }

    /** 24 random bits for element {@code index} under {@code key}: an integer k in [0, 2²⁴). */
    public static int bits(long key, long index) {
        return (int) (mix(key + index * GAMMA) >>> 40);
    }

    /** Uniform in [0, 1): k/2²⁴, exact in float. */
    public static float uniform(long seed, long index) {
        return bits(key(seed), index) * 0x1.0p-24f;
    }

    /**
     * The integer form of the test u &lt; p: k·2⁻²⁴ &lt; p ⇔ k &lt; p·2²⁴ ⇔ k &lt; ceil(p·2²⁴), exact because p·2²⁴ is
     * exact in double. Element i is dropped when {@code bits(key, i) < threshold(p)}.
     */
    public static int threshold(float p) {
        return (int) Math.ceil(p * 0x1.0p24);
    }

    /** The value of a kept element, 1/(1-p), rounded to float once so that every backend stores the same number. */
    public static float keepScale(float p) {
        return 1f / (1f - p);
    }

    /** mask(i) for dropout probability p: 0 or {@link #keepScale}. */
    public static float mask(long seed, long index, float p) {
        return uniform(seed, index) < p ? 0f : keepScale(p);
    }
}
