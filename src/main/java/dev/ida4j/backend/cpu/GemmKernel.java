package dev.ida4j.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SGEMM micro-kernels: one MR x NR tile of C (8 rows x 3 vectors, 8 x 48 floats on AVX-512) from an A
 * micro-panel and a B micro-panel that {@link GemmPacking} laid out contiguously. The tile lives in 24 vector
 * registers (plus three B vectors and a broadcast: 28 of 32); the K loop is innermost and each step is 3 vector
 * loads, 8 broadcasts and 24 independent FMAs, enough chains to keep the FMA pipes busy (latency 4 x 2 pipes needs
 * at least 8). Measured against the alternatives on the 2-core EPYC (Zen 4, per CPU-second, in L1): 8x3 and 6x3
 * vectors ran about 15% faster than 8x2 and 12x2, 4x4 and 6x4 about 5% behind. The tile goes to a scratch buffer
 * and {@link #store} adds it into C: writing C from the kernel itself made C2 spill accumulators in the K loop.
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
    /** Vectors across a row of the register tile. */
    static final int NV = 3;
    /** Columns of the register tile. */
    static final int NR = NV * L;
    /**
     * K block: an A micro-panel (MR x KC, 16 KiB) stays in L1 while it sweeps a block's B micro-panels. Larger KC
     * means fewer passes over C (each pass reads and writes every C tile); 512 beat 256 and 384 by 3-8%.
     */
    static final int KC = 512;

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes between rows of a packed A micro-panel. */
    static final long A_ROW = 4L * KC;
    /** Bytes of one K step of a packed B micro-panel. */
    static final long B_ROW = 4L * NR;
    /** Bytes of one vector. */
    static final long VB = 4L * L;

    private GemmKernel() {
    }

    /**
     * tile(MR,NR) = Σ_{p<kc} A[r][p]·B[p][j], row-major (NR floats a row) at the start of {@code tile}. Only the
     * panels and the tile are live across the K loop, which keeps C2 from spilling any of its 32 vector registers;
     * the caller adds the tile into C (a few dozen memory operations against kc·MR·NV FMAs). Each sum runs over p in
     * order, whichever thread computes the tile, so results do not depend on the thread count.
     */
    static void product(int kc, MemorySegment pa, long aOff, MemorySegment pb, long bOff, MemorySegment tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + p * B_ROW;
            long ao = aOff + 4L * p;
            FloatVector b0 = FloatVector.fromMemorySegment(S, pb, bo, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, pb, bo + VB, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(S, pb, bo + 2 * VB, ORDER);
            FloatVector a = FloatVector.broadcast(S, pa.get(F32, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(S, pa.get(F32, ao + A_ROW));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 2 * A_ROW));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 3 * A_ROW));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 4 * A_ROW));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 5 * A_ROW));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 6 * A_ROW));
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            c62 = a.fma(b2, c62);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 7 * A_ROW));
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            c72 = a.fma(b2, c72);
        }
        c00.intoMemorySegment(tile, 0, ORDER);
        c01.intoMemorySegment(tile, VB, ORDER);
        c02.intoMemorySegment(tile, 2 * VB, ORDER);
        c10.intoMemorySegment(tile, B_ROW, ORDER);
        c11.intoMemorySegment(tile, B_ROW + VB, ORDER);
        c12.intoMemorySegment(tile, B_ROW + 2 * VB, ORDER);
        c20.intoMemorySegment(tile, 2 * B_ROW, ORDER);
        c21.intoMemorySegment(tile, 2 * B_ROW + VB, ORDER);
        c22.intoMemorySegment(tile, 2 * B_ROW + 2 * VB, ORDER);
        c30.intoMemorySegment(tile, 3 * B_ROW, ORDER);
        c31.intoMemorySegment(tile, 3 * B_ROW + VB, ORDER);
        c32.intoMemorySegment(tile, 3 * B_ROW + 2 * VB, ORDER);
        c40.intoMemorySegment(tile, 4 * B_ROW, ORDER);
        c41.intoMemorySegment(tile, 4 * B_ROW + VB, ORDER);
        c42.intoMemorySegment(tile, 4 * B_ROW + 2 * VB, ORDER);
        c50.intoMemorySegment(tile, 5 * B_ROW, ORDER);
        c51.intoMemorySegment(tile, 5 * B_ROW + VB, ORDER);
        c52.intoMemorySegment(tile, 5 * B_ROW + 2 * VB, ORDER);
        c60.intoMemorySegment(tile, 6 * B_ROW, ORDER);
        c61.intoMemorySegment(tile, 6 * B_ROW + VB, ORDER);
        c62.intoMemorySegment(tile, 6 * B_ROW + 2 * VB, ORDER);
        c70.intoMemorySegment(tile, 7 * B_ROW, ORDER);
        c71.intoMemorySegment(tile, 7 * B_ROW + VB, ORDER);
        c72.intoMemorySegment(tile, 7 * B_ROW + 2 * VB, ORDER);
    }

    /** As {@link #product} for the first 2 vectors of each B row: the last panel of a width NR does not divide. */
    static void product2(int kc, MemorySegment pa, long aOff, MemorySegment pb, long bOff, MemorySegment tile) {
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

    /** As {@link #product} for the first vector of each B row: the last panel of a width NR does not divide. */
    static void product1(int kc, MemorySegment pa, long aOff, MemorySegment pb, long bOff, MemorySegment tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + p * B_ROW;
            long ao = aOff + 4L * p;
            FloatVector b0 = FloatVector.fromMemorySegment(S, pb, bo, ORDER);
            FloatVector a = FloatVector.broadcast(S, pa.get(F32, ao));
            c00 = a.fma(b0, c00);
            a = FloatVector.broadcast(S, pa.get(F32, ao + A_ROW));
            c10 = a.fma(b0, c10);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 2 * A_ROW));
            c20 = a.fma(b0, c20);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 3 * A_ROW));
            c30 = a.fma(b0, c30);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 4 * A_ROW));
            c40 = a.fma(b0, c40);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 5 * A_ROW));
            c50 = a.fma(b0, c50);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 6 * A_ROW));
            c60 = a.fma(b0, c60);
            a = FloatVector.broadcast(S, pa.get(F32, ao + 7 * A_ROW));
            c70 = a.fma(b0, c70);
        }
        c00.intoMemorySegment(tile, 0, ORDER);
        c10.intoMemorySegment(tile, B_ROW, ORDER);
        c20.intoMemorySegment(tile, 2 * B_ROW, ORDER);
        c30.intoMemorySegment(tile, 3 * B_ROW, ORDER);
        c40.intoMemorySegment(tile, 4 * B_ROW, ORDER);
        c50.intoMemorySegment(tile, 5 * B_ROW, ORDER);
        c60.intoMemorySegment(tile, 6 * B_ROW, ORDER);
        c70.intoMemorySegment(tile, 7 * B_ROW, ORDER);
    }

    /**
     * Adds a computed tile into C: dst[r][j] = [dst +] bias[j] + tile[r][j] for r < rows, j < cols (a partial tile at
     * an edge writes only its valid part). {@code dst} rows are {@code ld} bytes apart; {@code bias} (at
     * {@code biasOff}) may be null; {@code load} keeps dst's current contents (accumulate, or a later K slice).
     */
    static void store(MemorySegment tile, MemorySegment dst, long dOff, long ld, int rows, int cols, boolean load,
                      MemorySegment bias, long biasOff) {
        for (int v = 0; v * L < cols; v++) {
            long col = v * VB;
            if (cols - v * L >= L) {
                FloatVector z = bias == null ? FloatVector.zero(S)
                        : FloatVector.fromMemorySegment(S, bias, biasOff + col, ORDER);
                for (int r = 0; r < rows; r++) {
                    long at = dOff + r * ld + col;
                    FloatVector x = FloatVector.fromMemorySegment(S, tile, r * B_ROW + col, ORDER).add(z);
                    if (load) {
                        x = x.add(FloatVector.fromMemorySegment(S, dst, at, ORDER));
                    }
                    x.intoMemorySegment(dst, at, ORDER);
                }
            } else {
                // the last, partial vector of an edge tile: masked, so nothing past column cols is read or written
                VectorMask<Float> m = S.indexInRange(v * L, cols);
                FloatVector z = bias == null ? FloatVector.zero(S)
                        : FloatVector.fromMemorySegment(S, bias, biasOff + col, ORDER, m);
                for (int r = 0; r < rows; r++) {
                    long at = dOff + r * ld + col;
                    FloatVector x = FloatVector.fromMemorySegment(S, tile, r * B_ROW + col, ORDER).add(z);
                    if (load) {
                        x = x.add(FloatVector.fromMemorySegment(S, dst, at, ORDER, m));
                    }
                    x.intoMemorySegment(dst, at, ORDER, m);
                }
            }
        }
    }
}
