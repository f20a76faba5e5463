package dev.ida4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernel: one MR x NR tile of C from an A micro-panel and a B micro-panel that
 * {@link GemmPacking} laid out contiguously. The whole tile lives in 2·MR vector registers (16 on AVX-512, plus
 * two B vectors and one broadcast: 19 of 32), the K loop is innermost and every step is 2·MR independent FMAs, which
 * keeps both FMA pipes of a core busy (latency 4 x 2 pipes needs at least 8 chains in flight).
 *
 * <p>Packed layouts (fixed by the block sizes, so every address in the K loop is a constant displacement):
 * A micro-panel: MR rows, row r at {@code r·KC} floats, element p of the row at p (only kc ≤ KC used);
 * B micro-panel: kc rows of NR floats, row p at {@code p·NR}.
 */
final class GemmKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512). */
    static final int L = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /** K block: a B micro-panel (KC x NR, 32 KiB) stays in L1/L2 while all A micro-panels of a block stream past. */
    static final int KC = 256;

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes between rows of a packed A micro-panel. */
    static final long A_ROW = 4L * KC;
    /** Bytes of one K step of a packed B micro-panel. */
    static final long B_ROW = 4L * NR;
    private static final long VB = 4L * L;

    private GemmKernel() {
    }

    /**
     * tile(MR,NR) = Σ_{p<kc} A[r][p]·B[p][j], stored row-major (NR floats a row) at the start of {@code tile}.
     * Only the panels and the tile are live across the K loop, which keeps C2 from spilling loop registers.
     */
    static void product(int kc, MemorySegment pa, long aOff, MemorySegment pb, long bOff, MemorySegment tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + p * B_ROW;
            long ao = aOff + 4L * p;
            FloatVector b0 = FloatVector.fromMemorySegment(S, pb, bo, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, pb, bo + VB, ORDER);
            FloatVector a = FloatVector.broadcast(S, pa.get(F32, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa.get(F32, ao + A_ROW));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 2 * A_ROW));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 3 * A_ROW));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 4 * A_ROW));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 5 * A_ROW));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 6 * A_ROW));
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 7 * A_ROW));
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoMemorySegment(tile, 0, ORDER);
        c01.intoMemorySegment(tile, VB, ORDER);
        c10.intoMemorySegment(tile, B_ROW, ORDER);
        c11.intoMemorySegment(tile, B_ROW + VB, ORDER);
        c20.intoMemorySegment(tile, 2 * B_ROW, ORDER);
        c21.intoMemorySegment(tile, 2 * B_ROW + VB, ORDER);
        c30.intoMemorySegment(tile, 3 * B_ROW, ORDER);
        c31.intoMemorySegment(tile, 3 * B_ROW + VB, ORDER);
        c40.intoMemorySegment(tile, 4 * B_ROW, ORDER);
        c41.intoMemorySegment(tile, 4 * B_ROW + VB, ORDER);
        c50.intoMemorySegment(tile, 5 * B_ROW, ORDER);
        c51.intoMemorySegment(tile, 5 * B_ROW + VB, ORDER);
        c60.intoMemorySegment(tile, 6 * B_ROW, ORDER);
        c61.intoMemorySegment(tile, 6 * B_ROW + VB, ORDER);
        c70.intoMemorySegment(tile, 7 * B_ROW, ORDER);
        c71.intoMemorySegment(tile, 7 * B_ROW + VB, ORDER);
    }

    /**
     * dst(MR,NR) = [dst +] bias + tile for a full tile; {@code dst} rows are {@code ld} bytes apart, {@code bias}
     * (NR floats at {@code biasOff}) may be null, {@code load} adds the current contents of dst.
     */
    static void store(MemorySegment tile, MemorySegment dst, long dOff, long ld, boolean load,
                      MemorySegment bias, long biasOff) {
        FloatVector z0 = FloatVector.zero(S), z1 = FloatVector.zero(S);
        if (bias != null) {
            z0 = FloatVector.fromMemorySegment(S, bias, biasOff, ORDER);
            z1 = FloatVector.fromMemorySegment(S, bias, biasOff + VB, ORDER);
        }
        for (int r = 0; r < MR; r++) {
            FloatVector v0 = FloatVector.fromMemorySegment(S, tile, r * B_ROW, ORDER).add(z0);
            FloatVector v1 = FloatVector.fromMemorySegment(S, tile, r * B_ROW + VB, ORDER).add(z1);
            row(dst, dOff + r * ld, load, v0, v1);
        }
    }

    private static void row(MemorySegment dst, long off, boolean load, FloatVector v0, FloatVector v1) {
        if (load) {
            v0 = v0.add(FloatVector.fromMemorySegment(S, dst, off, ORDER));
            v1 = v1.add(FloatVector.fromMemorySegment(S, dst, off + VB, ORDER));
        }
        v0.intoMemorySegment(dst, off, ORDER);
        v1.intoMemorySegment(dst, off + VB, ORDER);
    }
}
