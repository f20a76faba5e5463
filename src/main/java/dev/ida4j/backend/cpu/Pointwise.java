package dev.ida4j.backend.cpu;

import dev.ida4j.backend.Activation;
import dev.ida4j.backend.DropoutRng;
import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast flat elementwise kernels: fill, GELU/ReLU, residual add, inverted dropout. Each is one vectorised pass over
 * [0, n), a {@link Blocks#BLOCK}-element block at a time over the pool (blocks start on vector boundaries, so only
 * the very end of a tensor has a scalar tail). Per-call arguments live in fields; the kernels are bound once.
 */
final class Pointwise {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** 64-bit lanes for the dropout hash, and floats of the same lane count (half the width) for its mask. */
    private static final VectorSpecies<Long> WORDS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(WORDS.vectorBitSize() / 2));
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private static final float GELU_SCALE = 0.7978845608028654f; // sqrt(2/pi)
    private static final float GELU_CUBE = 0.044715f;
    /** GELU forward clamps exp's argument here: e^±80 stays a normal float, and σ is 0 or 1 to fp32 beyond. */
    private static final float EXP_CLAMP = 80f;
    /**
     * GELU backward clamps x here: at |x| = 9, |2u| = 66, so σ(2u) and the gradient are already 0 or 1 to fp32, and
     * e^(-2u) stays within e^±66 (no exp clamp needed, e·s² stays a normal float).
     */
    private static final float GELU_X_CLAMP = 9f;

    /** Each worker's slice of {@link #scratch}: one vector, on a cache line of its own. */
    private static final long SCRATCH_BYTES = Math.max(64, S.vectorByteSize());

    /** Native memory for exp's int-to-float step, one vector per worker; freed with this object. */
    private final MemorySegment scratch;
    private final Blocks fillBlocks;
    private final Blocks geluForwardBlocks;
    private final Blocks geluBackwardBlocks;
    private final Blocks reluForwardBlocks;
    private final Blocks reluBackwardBlocks;
    private final Blocks residualForwardBlocks;
    private final Blocks residualBackwardBlocks;
    private final Blocks dropoutForwardBlocks;
    private final Blocks dropoutBackwardBlocks;

    // per-call arguments: outputs o1, o2 and inputs i1, i2 in each op's own order
    private MemorySegment o1;
    private MemorySegment o2;
    private MemorySegment i1;
    private MemorySegment i2;
    private float value;
    private long key;
    private int threshold;

    Pointwise(ThreadPool pool, Arena arena) {
        this.scratch = arena.allocate(pool.threads() * SCRATCH_BYTES, SCRATCH_BYTES);
        fillBlocks = new Blocks(pool, this::fillBlock);
        geluForwardBlocks = new Blocks(pool, this::geluForwardBlock);
        geluBackwardBlocks = new Blocks(pool, this::geluBackwardBlock);
        reluForwardBlocks = new Blocks(pool, this::reluForwardBlock);
        reluBackwardBlocks = new Blocks(pool, this::reluBackwardBlock);
        residualForwardBlocks = new Blocks(pool, this::residualForwardBlock);
        residualBackwardBlocks = new Blocks(pool, this::residualBackwardBlock);
        dropoutForwardBlocks = new Blocks(pool, this::dropoutForwardBlock);
        dropoutBackwardBlocks = new Blocks(pool, this::dropoutBackwardBlock);
    }

    // ---- fill ----

    void fill(Tensor t, float v) {
        o1 = t.segment();
        value = v;
        fillBlocks.run(t.numel());
    }

    private void fillBlock(int worker, long base, int len) {
        fillBlock(o1, value, base, len);
    }

    // out[base, base + len) = value
    private static void fillBlock(MemorySegment out, float value, long base, int len) {
        FloatVector v = FloatVector.broadcast(S, value);
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            v.intoMemorySegment(out, (base + j) * 4, ORDER);
        }
        for (; j < len; j++) {
            out.setAtIndex(F32, base + j, value);
        }
    }

    // ---- activations ----

    // out(n) = act(inp(n))
    void activationForward(Tensor out, Tensor inp, Activation act, long count) {
        o1 = out.segment();
        i1 = inp.segment();
        (act == Activation.GELU ? geluForwardBlocks : reluForwardBlocks).run(count);
    }

    // dinp(n) += act'(inp)·dout
    void activationBackward(Tensor dinp, Tensor dout, Tensor inp, Activation act, long count) {
        o1 = dinp.segment();
        i1 = dout.segment();
        i2 = inp.segment();
        (act == Activation.GELU ? geluBackwardBlocks : reluBackwardBlocks).run(count);
    }

    // GELU in the form x·σ(2u) = x/(1 + e^(-2u)), u = √(2/π)(x + 0.044715x³): equal to 0.5x(1 + tanh u) but free of
    // the cancellation in 1 + tanh u for negative x, and one exp instead of a tanh
    private void geluForwardBlock(int worker, long base, int len) {
        MemorySegment out = o1;
        MemorySegment inp = i1;
        long at = (long) worker * SCRATCH_BYTES;
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector x = FloatVector.fromMemorySegment(S, inp, off, ORDER);
            FloatVector u = x.mul(x).fma(GELU_SCALE * GELU_CUBE, GELU_SCALE).mul(x);
            FloatVector e = exp(u.mul(-2f).max(-EXP_CLAMP).min(EXP_CLAMP), scratch, at);
            x.div(e.add(1f)).intoMemorySegment(out, off, ORDER);
        }
        for (; j < len; j++) {
            float x = inp.getAtIndex(F32, base + j);
            float u = GELU_SCALE * x * (1 + GELU_CUBE * x * x);
            float e = (float) Math.exp(Math.clamp(-2 * u, -EXP_CLAMP, EXP_CLAMP));
            out.setAtIndex(F32, base + j, x / (1 + e));
        }
    }

    // with s = σ(2u) = 1/(1 + e), e = e^(-2u): d/dx x·s = s + 2x·s(1 - s)·du/dx, and s(1 - s) = e·s², which keeps
    // full relative precision where s is close to 1 (1 - s would cancel). x is clamped first (GELU_X_CLAMP), which
    // bounds x·du·e for any input
    private void geluBackwardBlock(int worker, long base, int len) {
        MemorySegment dinp = o1;
        MemorySegment dout = i1;
        MemorySegment inp = i2;
        FloatVector one = FloatVector.broadcast(S, 1f);
        long at = (long) worker * SCRATCH_BYTES;
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector x = FloatVector.fromMemorySegment(S, inp, off, ORDER).max(-GELU_X_CLAMP).min(GELU_X_CLAMP);
            FloatVector x2 = x.mul(x);
            FloatVector u = x2.fma(GELU_SCALE * GELU_CUBE, GELU_SCALE).mul(x);
            FloatVector du = x2.fma(3 * GELU_SCALE * GELU_CUBE, GELU_SCALE);
            FloatVector e = exp(u.mul(-2f), scratch, at);
            FloatVector s = one.div(e.add(1f));
            FloatVector grad = x.mul(du).mul(2f).mul(e.mul(s)).fma(s, s);
            FloatVector g = FloatVector.fromMemorySegment(S, dout, off, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(S, dinp, off, ORDER);
            g.fma(grad, d).intoMemorySegment(dinp, off, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            float x = Math.clamp(inp.getAtIndex(F32, i), -GELU_X_CLAMP, GELU_X_CLAMP);
            float u = GELU_SCALE * x * (1 + GELU_CUBE * x * x);
            float du = GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
            float e = (float) Math.exp(-2 * u);
            float s = 1 / (1 + e);
            float grad = s + 2 * x * du * (e * s) * s;
            dinp.setAtIndex(F32, i, dinp.getAtIndex(F32, i) + dout.getAtIndex(F32, i) * grad);
        }
    }

    /**
     * e^t lanewise for |t| &lt;= 87. t = k·ln2 + r with k an integer and |r| &lt;= ln2/2, so e^t = 2^k·e^r: e^r by a
     * degree-5 polynomial, 2^k built in the exponent bits. Relative error below 2.3e-7 on [-87, 87].
     *
     * <p>The int bits of 2^k become a float through {@code scratch} (one vector of native memory at {@code at}),
     * not through {@code reinterpretAsFloats()}: until C2 compiles a caller, the Vector API runs a reinterpret by
     * way of a heap MemorySegment, and that second segment class in the shared type profile of
     * {@code fromMemorySegment} leaves every later-compiled kernel with virtual calls on each load (LayerNorm
     * measured 1.6x slower). The store and reload cost about as much as the reinterpret.
     */
    static FloatVector exp(FloatVector t, MemorySegment scratch, long at) {
        final float log2e = 1.44269504088896341f;
        // adding 1.5·2²³ rounds t·log2(e) to the nearest integer k (then subtracted back out exactly)
        final float round = 0x1.8p23f;
        // ln2 split in two (Cody-Waite): the high part has 9 significant bits, so k·LN2_HI is exact for |k| < 2¹⁵
        // and r = t - k·ln2 keeps full precision
        final float ln2Hi = 0.693359375f;
        final float ln2Lo = -2.12194440e-4f;
        FloatVector k = t.fma(log2e, round).sub(round);
        FloatVector r = k.fma(FloatVector.broadcast(S, -ln2Hi), t);
        r = k.fma(FloatVector.broadcast(S, -ln2Lo), r);
        // minimax (relative error) fit of e^r on [-ln2/2, ln2/2]: 7.5e-8 in exact arithmetic, one term fewer than
        // the Taylor series of the same accuracy
        FloatVector p = r.fma(0.008297654800117016f, 0.04191538318991661f)
                .fma(r, FloatVector.broadcast(S, 0.16667574644088745f))
                .fma(r, FloatVector.broadcast(S, 0.49998894333839417f))
                .fma(r, FloatVector.broadcast(S, 0.9999997019767761f))
                .fma(r, FloatVector.broadcast(S, 1.0000001192092896f));
        // 2^k: k + 127 in the exponent field
        ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23)
                .intoMemorySegment(scratch, at, ORDER);
        return p.mul(FloatVector.fromMemorySegment(S, scratch, at, ORDER));
    }

    // out(n) = max(inp, 0)
    private void reluForwardBlock(int worker, long base, int len) {
        MemorySegment out = o1;
        MemorySegment inp = i1;
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector.fromMemorySegment(S, inp, off, ORDER).max(0f).intoMemorySegment(out, off, ORDER);
        }
        for (; j < len; j++) {
            float x = inp.getAtIndex(F32, base + j);
            out.setAtIndex(F32, base + j, x > 0 ? x : 0f);
        }
    }

    // dinp(n) += inp > 0 ? dout : 0
    private void reluBackwardBlock(int worker, long base, int len) {
        MemorySegment dinp = o1;
        MemorySegment dout = i1;
        MemorySegment inp = i2;
        FloatVector zero = FloatVector.zero(S);
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector x = FloatVector.fromMemorySegment(S, inp, off, ORDER);
            FloatVector g = FloatVector.fromMemorySegment(S, dout, off, ORDER);
            FloatVector d = FloatVector.fromMemorySegment(S, dinp, off, ORDER);
            d.add(zero.blend(g, x.compare(VectorOperators.GT, 0f))).intoMemorySegment(dinp, off, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            if (inp.getAtIndex(F32, i) > 0) {
                dinp.setAtIndex(F32, i, dinp.getAtIndex(F32, i) + dout.getAtIndex(F32, i));
            }
        }
    }

    // ---- residual ----

    // out(n) = a + b
    void residualForward(Tensor out, Tensor a, Tensor b, long count) {
        o1 = out.segment();
        i1 = a.segment();
        i2 = b.segment();
        residualForwardBlocks.run(count);
    }

    private void residualForwardBlock(int worker, long base, int len) {
        add(o1, i1, i2, base, len);
    }

    // da(n) += dout; db(n) += dout (either may be null)
    void residualBackward(Tensor da, Tensor db, Tensor dout, long count) {
        if (da == null && db == null) {
            return;
        }
        o1 = da == null ? null : da.segment();
        o2 = db == null ? null : db.segment();
        i1 = dout.segment();
        residualBackwardBlocks.run(count);
    }

    private void residualBackwardBlock(int worker, long base, int len) {
        if (o1 != null) {
            add(o1, o1, i1, base, len);
        }
        if (o2 != null) {
            add(o2, o2, i1, base, len);
        }
    }

    // out[base, base + len) = a + b (out may be a: accumulation)
    private static void add(MemorySegment out, MemorySegment a, MemorySegment b, long base, int len) {
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector.fromMemorySegment(S, a, off, ORDER)
                    .add(FloatVector.fromMemorySegment(S, b, off, ORDER))
                    .intoMemorySegment(out, off, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            out.setAtIndex(F32, i, a.getAtIndex(F32, i) + b.getAtIndex(F32, i));
        }
    }

    // ---- dropout ----

    // mask(n) = bits(key, i) < threshold ? 0 : 1/(1-p); out(n) = inp·mask
    void dropoutForward(Tensor out, Tensor mask, Tensor inp, float p, long seed, long count) {
        o1 = out.segment();
        o2 = mask.segment();
        i1 = inp.segment();
        value = DropoutRng.keepScale(p);
        key = DropoutRng.key(seed);
        threshold = DropoutRng.threshold(p);
        dropoutForwardBlocks.run(count);
    }

    // the counter hash of DropoutRng.bits on 64-bit lanes: lane j holds key + (i + j)·γ, so the mask is the scalar
    // function's bit for bit; a lane count of 64-bit words maps to a float species of the same lane count
    private void dropoutForwardBlock(int worker, long base, int len) {
        MemorySegment out = o1;
        MemorySegment mask = o2;
        MemorySegment inp = i1;
        float scale = value;
        long k = key;
        int thr = threshold;
        if (thr == 0) {
            // p = 0 drops nothing (no k < 0): mask 1, out = inp, without hashing
            MemorySegment.copy(inp, base * 4, out, base * 4, len * 4L);
            fillBlock(mask, 1f, base, len);
            return;
        }
        FloatVector keep = FloatVector.broadcast(HALF, scale);
        LongVector step = LongVector.broadcast(WORDS, WORDS.length() * DropoutRng.GAMMA);
        LongVector counter = LongVector.zero(WORDS).addIndex(1).mul(DropoutRng.GAMMA)
                .add(k + base * DropoutRng.GAMMA);
        int j = 0;
        for (int bound = WORDS.loopBound(len); j < bound; j += WORDS.length()) {
            long off = (base + j) * 4;
            LongVector z = counter;
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(DropoutRng.MIX1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(DropoutRng.MIX2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            VectorMask<Float> drop = z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.LT, thr)
                    .cast(HALF);
            FloatVector m = keep.blend(0f, drop);
            m.intoMemorySegment(mask, off, ORDER);
            FloatVector.fromMemorySegment(HALF, inp, off, ORDER).mul(m).intoMemorySegment(out, off, ORDER);
            counter = counter.add(step);
        }
        for (; j < len; j++) {
            long i = base + j;
            float m = DropoutRng.bits(k, i) < thr ? 0f : scale;
            mask.setAtIndex(F32, i, m);
            out.setAtIndex(F32, i, inp.getAtIndex(F32, i) * m);
        }
    }

    // dinp(n) += dout·mask
    void dropoutBackward(Tensor dinp, Tensor dout, Tensor mask, long count) {
        o1 = dinp.segment();
        i1 = dout.segment();
        i2 = mask.segment();
        dropoutBackwardBlocks.run(count);
    }

    private void dropoutBackwardBlock(int worker, long base, int len) {
        MemorySegment dinp = o1;
        MemorySegment dout = i1;
        MemorySegment mask = i2;
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += S.length()) {
            long off = (base + j) * 4;
            FloatVector g = FloatVector.fromMemorySegment(S, dout, off, ORDER);
            FloatVector m = FloatVector.fromMemorySegment(S, mask, off, ORDER);
            g.fma(m, FloatVector.fromMemorySegment(S, dinp, off, ORDER)).intoMemorySegment(dinp, off, ORDER);
        }
        for (; j < len; j++) {
            long i = base + j;
            dinp.setAtIndex(F32, i, dinp.getAtIndex(F32, i) + dout.getAtIndex(F32, i) * mask.getAtIndex(F32, i));
        }
    }
}
