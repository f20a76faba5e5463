package dev.ida4j.backend;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a backend's matrix products round their inputs; storage, accumulation and every other op stay fp32, and
 * parameters stay fp32 master weights. The CPU backends compute in {@link #FP32} only.
 */
public enum MatmulPrecision {
    /** Exact fp32 products. */
    FP32,
    /** Inputs rounded to TF32 (10 mantissa bits) on tensor cores, fp32 accumulation: PyTorch's allow_tf32. */
    TF32,
    /**
     * Inputs rounded to bfloat16 (7 mantissa bits, to nearest even) on tensor cores, fp32 accumulation and fp32
     * results. Mixed precision, not autocast: weights, activations and gradients are stored in fp32 and only the
     * products read bfloat16 copies of their operands.
     */
    BF16;

    /** The lower-case name used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision named {@code label} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the valid ones
     */
    public static MatmulPrecision parse(String label) {
        for (MatmulPrecision p : values()) {
            if (p.label().equalsIgnoreCase(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + label + "': expected "
                + String.join(", ", Arrays.stream(values()).map(MatmulPrecision::label).toList()));
    }
}
