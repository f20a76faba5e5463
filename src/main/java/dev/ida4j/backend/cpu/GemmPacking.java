package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.GemmKernel.A_ROW;
import static dev.ida4j.backend.cpu.GemmKernel.B_ROW;
import static dev.ida4j.backend.cpu.GemmKernel.F32;
import static dev.ida4j.backend.cpu.GemmKernel.KC;
import static dev.ida4j.backend.cpu.GemmKernel.L;
import static dev.ida4j.backend.cpu.GemmKernel.MR;
import static dev.ida4j.backend.cpu.GemmKernel.NR;
import static dev.ida4j.backend.cpu.GemmKernel.NV;
import static dev.ida4j.backend.cpu.GemmKernel.ORDER;
import static dev.ida4j.backend.cpu.GemmKernel.S;
import static dev.ida4j.backend.cpu.GemmKernel.VB;
import static dev.ida4j.backend.cpu.Lanes.HI1;
import static dev.ida4j.backend.cpu.Lanes.HI2;
import static dev.ida4j.backend.cpu.Lanes.HI4;
import static dev.ida4j.backend.cpu.Lanes.HI8;
import static dev.ida4j.backend.cpu.Lanes.LO1;
import static dev.ida4j.backend.cpu.Lanes.LO2;
import static dev.ida4j.backend.cpu.Lanes.LO4;
import static dev.ida4j.backend.cpu.Lanes.LO8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Packing for the GEMM: copies a block of op(A) or op(B) out of its row-major home (any leading dimension, either
 * orientation) into the contiguous micro-panel layouts {@link GemmKernel} reads, zero-padding partial panels so the
 * kernel never needs an edge case in its K loop. The two orientations that need a transpose (op(A) = Aᵀ and
 * op(B) = Bᵀ) go through 16x16 register transposes when vectors have 16 lanes, with scalar loops for the rest.
 */
final class GemmPacking {
    private static final long A_PANEL = 4L * MR * KC;
    /** Whether the 16x16 register transpose applies (512-bit vectors). */
    private static final boolean T16 = Lanes.T16;

    private GemmPacking() {
    }

    /**
     * Packs op(a)[i0 + i][p0 + p] (i < mc, p < kc) into MR-row micro-panels: panel q at {@code q·MR·KC} floats, row r
     * at {@code r·KC}. {@code a} holds element (0,0) of op(a)'s storage at byte {@code aOff}; {@code lda} is its row
     * length in floats: op(a) = a(M,K) or, when {@code trans}, a stored (K,M). The buffer must hold MC rows, MC a
     * multiple of 16 (the transposing path writes whole 16-row groups).
     */
    static void packA(MemorySegment dst, MemorySegment a, long aOff, long lda, boolean trans,
                      int i0, int mc, int p0, int kc) {
        int rowsPadded = (mc + MR - 1) / MR * MR;
        if (!trans) {
            for (int i = 0; i < rowsPadded; i++) {
                long d = aRow(i);
                if (i < mc) {
                    MemorySegment.copy(a, aOff + 4 * ((i0 + i) * lda + p0), dst, d, 4L * kc);
                } else {
                    for (int p = 0; p < kc; p++) {
                        dst.set(F32, d + 4L * p, 0f);
                    }
                }
            }
            return;
        }
        if (!T16) {
            packATransposed(dst, a, aOff, lda, i0, mc, p0, kc, 0, rowsPadded, 0);
            return;
        }
        // stored a is (K, M): 16 of its rows (K steps) x 16 columns (our rows) transpose into 16 packed row pieces;
        // the 16 stored rows are read left to right, so each of their cache lines is fetched once, in order
        // only whole groups of 16 valid rows take the transpose; a last partial group (whose columns past mc may lie
        // past the end of a) goes through the scalar loop, which writes its padding rows as zeros
        int rows16 = (rowsPadded + 15) / 16 * 16;
        int whole = mc / 16 * 16;
        int p = 0;
        for (; p + 16 <= kc; p += 16) {
            for (int i = 0; i < whole; i += 16) {
                transpose16(a, aOff + 4 * ((p0 + p) * lda + i0 + i), 4 * lda, dst, aRow(i) + 4L * p, A_ROW);
            }
        }
        packATransposed(dst, a, aOff, lda, i0, mc, p0, p, whole, rows16, 0);
        packATransposed(dst, a, aOff, lda, i0, mc, p0, kc, 0, rows16, p);
    }

    /** Byte offset of packed row i: panel i / MR, row i % MR (so 16 consecutive rows are A_ROW apart). */
    private static long aRow(int i) {
        return (i / MR) * A_PANEL + (i % MR) * A_ROW;
    }

    /** Scalar transposing packA for rows [iFrom, iTo) and K steps [pFrom, kc); rows past mc become zeros. */
    private static void packATransposed(MemorySegment dst, MemorySegment a, long aOff, long lda, int i0, int mc,
                                        int p0, int kc, int iFrom, int iTo, int pFrom) {
        // two loops rather than a branch per element: C2 kept failing a profiled loop predicate on that branch
        int valid = Math.max(iFrom, Math.min(iTo, mc));
        for (int p = pFrom; p < kc; p++) {
            long s = aOff + 4 * ((p0 + p) * lda + i0);
            for (int i = iFrom; i < valid; i++) {
                dst.set(F32, aRow(i) + 4L * p, a.get(F32, s + 4L * i));
            }
            for (int i = valid; i < iTo; i++) {
                dst.set(F32, aRow(i) + 4L * p, 0f);
            }
        }
    }

    /**
     * Packs micro-panel t of op(b)[p0 + p][j0 + j] (p < kc, j < nc): columns j0 + t·NR onwards, at byte
     * {@code dOff + 4·t·kc·NR} of dst, K step p at {@code p·NR} floats. op(b) = b(K,N) or, when {@code trans}, b
     * stored (N,K); {@code ldb} as for packA. Panels are independent, so threads can pack one block side by side.
     */
    static void packB(MemorySegment dst, long dOff, MemorySegment b, long bOff, long ldb, boolean trans,
                      int j0, int nc, int p0, int kc, int t) {
        int cols = Math.min(NR, nc - t * NR);
        long d = dOff + 4L * t * kc * NR;
        int j = j0 + t * NR;
        if (!trans) {
            for (int p = 0; p < kc; p++) {
                long src = bOff + 4 * ((p0 + p) * ldb + j);
                long dp = d + p * B_ROW;
                for (int v = 0; v < NV; v++) {
                    if (cols >= (v + 1) * L) {
                        FloatVector.fromMemorySegment(S, b, src + v * VB, ORDER)
                                .intoMemorySegment(dst, dp + v * VB, ORDER);
                    } else {
                        // masked loads read only the valid columns and give zeros for the padding
                        FloatVector.fromMemorySegment(S, b, src + v * VB, ORDER, S.indexInRange(v * L, cols))
                                .intoMemorySegment(dst, dp + v * VB, ORDER);
                    }
                }
            }
            return;
        }
        // stored b is (N, K): each of our columns is a stored row
        long src = bOff + 4 * (j * ldb + p0);
        if (!T16) {
            packBTransposed(dst, d, b, src, ldb, cols, kc, 0, NR, 0);
            return;
        }
        for (int g = 0; g < NR; g += 16) {
            int p = 0;
            // a group of fewer than 16 columns (the last panel's) goes through the scalar loop
            for (; cols - g >= 16 && p + 16 <= kc; p += 16) {
                transpose16(b, src + 4 * (g * ldb + p), 4 * ldb, dst, d + 4L * (p * NR + g), B_ROW);
            }
            packBTransposed(dst, d, b, src, ldb, cols, kc, g, g + 16, p);
        }
    }

    /**
     * {@link #packB} of panels [t0, t1) of the block at once, b not transposed: row p of op(b) is read left to right
     * across those panels, one contiguous stream per row, instead of panel by panel down kc rows (kc separate short
     * reads, each a page apart once a row is 4 KiB, which the prefetchers do not follow: the weight gradients, whose
     * B is a layer's input activations, stalled on them).
     */
    static void packBRows(MemorySegment dst, long dOff, MemorySegment b, long bOff, long ldb,
                          int j0, int nc, int p0, int kc, int t0, int t1) {
        int whole = Math.min(t1, nc / NR);
        long panel = 4L * kc * NR;
        for (int p = 0; p < kc; p++) {
            long src = bOff + 4 * ((p0 + p) * ldb + j0);
            long dp = dOff + p * B_ROW;
            for (int t = t0; t < whole; t++) {
                long s = src + t * B_ROW;
                long d = dp + t * panel;
                for (int v = 0; v < NV; v++) {
                    FloatVector.fromMemorySegment(S, b, s + v * VB, ORDER).intoMemorySegment(dst, d + v * VB, ORDER);
                }
            }
        }
        for (int t = Math.max(t0, whole); t < t1; t++) {
            packB(dst, dOff, b, bOff, ldb, false, j0, nc, p0, kc, t);   // the last, partial panel
        }
    }

    /** Scalar transposing packB of one panel for columns [jFrom, jTo) and K steps [pFrom, kc); zeros past cols. */
    private static void packBTransposed(MemorySegment dst, long d, MemorySegment b, long src, long ldb, int cols,
                                        int kc, int jFrom, int jTo, int pFrom) {
        for (int jj = jFrom; jj < jTo; jj++) {
            for (int p = pFrom; p < kc; p++) {
                dst.set(F32, d + 4L * (p * NR + jj), jj < cols ? b.get(F32, src + 4 * (jj * ldb + p)) : 0f);
            }
        }
    }

    /**
     * Loads 16 rows of 16 floats ({@code srcStride} bytes apart, all in range), transposes them in registers and
     * stores row l of the transpose at {@code dstOff + l·dstStride}: four butterfly stages of 16 two-source permutes
     * (vpermt2ps on AVX-512). The loads are unmasked on purpose: masked ones, even with every lane set, ran the Vector
     * API's scalar fallback in H′'s decode products (about a tenth of a learning run's samples).
     */
    private static void transpose16(MemorySegment src, long srcOff, long srcStride,
                                    MemorySegment dst, long dstOff, long dstStride) {
        FloatVector v0 = FloatVector.fromMemorySegment(S, src, srcOff, ORDER);
        FloatVector v1 = FloatVector.fromMemorySegment(S, src, srcOff + 1 * srcStride, ORDER);
        FloatVector v2 = FloatVector.fromMemorySegment(S, src, srcOff + 2 * srcStride, ORDER);
        FloatVector v3 = FloatVector.fromMemorySegment(S, src, srcOff + 3 * srcStride, ORDER);
        FloatVector v4 = FloatVector.fromMemorySegment(S, src, srcOff + 4 * srcStride, ORDER);
        FloatVector v5 = FloatVector.fromMemorySegment(S, src, srcOff + 5 * srcStride, ORDER);
        FloatVector v6 = FloatVector.fromMemorySegment(S, src, srcOff + 6 * srcStride, ORDER);
        FloatVector v7 = FloatVector.fromMemorySegment(S, src, srcOff + 7 * srcStride, ORDER);
        FloatVector v8 = FloatVector.fromMemorySegment(S, src, srcOff + 8 * srcStride, ORDER);
        FloatVector v9 = FloatVector.fromMemorySegment(S, src, srcOff + 9 * srcStride, ORDER);
        FloatVector v10 = FloatVector.fromMemorySegment(S, src, srcOff + 10 * srcStride, ORDER);
        FloatVector v11 = FloatVector.fromMemorySegment(S, src, srcOff + 11 * srcStride, ORDER);
        FloatVector v12 = FloatVector.fromMemorySegment(S, src, srcOff + 12 * srcStride, ORDER);
        FloatVector v13 = FloatVector.fromMemorySegment(S, src, srcOff + 13 * srcStride, ORDER);
        FloatVector v14 = FloatVector.fromMemorySegment(S, src, srcOff + 14 * srcStride, ORDER);
        FloatVector v15 = FloatVector.fromMemorySegment(S, src, srcOff + 15 * srcStride, ORDER);
        FloatVector t;
        // stage 8: swap the off-diagonal 8x8 blocks of each 16x16 block
        t = LO8.selectFrom(v0, v8);
        v8 = HI8.selectFrom(v0, v8);
        v0 = t;
        t = LO8.selectFrom(v1, v9);
        v9 = HI8.selectFrom(v1, v9);
        v1 = t;
        t = LO8.selectFrom(v2, v10);
        v10 = HI8.selectFrom(v2, v10);
        v2 = t;
        t = LO8.selectFrom(v3, v11);
        v11 = HI8.selectFrom(v3, v11);
        v3 = t;
        t = LO8.selectFrom(v4, v12);
        v12 = HI8.selectFrom(v4, v12);
        v4 = t;
        t = LO8.selectFrom(v5, v13);
        v13 = HI8.selectFrom(v5, v13);
        v5 = t;
        t = LO8.selectFrom(v6, v14);
        v14 = HI8.selectFrom(v6, v14);
        v6 = t;
        t = LO8.selectFrom(v7, v15);
        v15 = HI8.selectFrom(v7, v15);
        v7 = t;
        // stage 4: swap the off-diagonal 4x4 blocks of each 8x8 block
        t = LO4.selectFrom(v0, v4);
        v4 = HI4.selectFrom(v0, v4);
        v0 = t;
        t = LO4.selectFrom(v1, v5);
        v5 = HI4.selectFrom(v1, v5);
        v1 = t;
        t = LO4.selectFrom(v2, v6);
        v6 = HI4.selectFrom(v2, v6);
        v2 = t;
        t = LO4.selectFrom(v3, v7);
        v7 = HI4.selectFrom(v3, v7);
        v3 = t;
        t = LO4.selectFrom(v8, v12);
        v12 = HI4.selectFrom(v8, v12);
        v8 = t;
        t = LO4.selectFrom(v9, v13);
        v13 = HI4.selectFrom(v9, v13);
        v9 = t;
        t = LO4.selectFrom(v10, v14);
        v14 = HI4.selectFrom(v10, v14);
        v10 = t;
        t = LO4.selectFrom(v11, v15);
        v15 = HI4.selectFrom(v11, v15);
        v11 = t;
        // stage 2: swap the off-diagonal 2x2 blocks of each 4x4 block
        t = LO2.selectFrom(v0, v2);
        v2 = HI2.selectFrom(v0, v2);
        v0 = t;
        t = LO2.selectFrom(v1, v3);
        v3 = HI2.selectFrom(v1, v3);
        v1 = t;
        t = LO2.selectFrom(v4, v6);
        v6 = HI2.selectFrom(v4, v6);
        v4 = t;
        t = LO2.selectFrom(v5, v7);
        v7 = HI2.selectFrom(v5, v7);
        v5 = t;
        t = LO2.selectFrom(v8, v10);
        v10 = HI2.selectFrom(v8, v10);
        v8 = t;
        t = LO2.selectFrom(v9, v11);
        v11 = HI2.selectFrom(v9, v11);
        v9 = t;
        t = LO2.selectFrom(v12, v14);
        v14 = HI2.selectFrom(v12, v14);
        v12 = t;
        t = LO2.selectFrom(v13, v15);
        v15 = HI2.selectFrom(v13, v15);
        v13 = t;
        // stage 1: swap the off-diagonal 1x1 blocks of each 2x2 block
        t = LO1.selectFrom(v0, v1);
        v1 = HI1.selectFrom(v0, v1);
        v0 = t;
        t = LO1.selectFrom(v2, v3);
        v3 = HI1.selectFrom(v2, v3);
        v2 = t;
        t = LO1.selectFrom(v4, v5);
        v5 = HI1.selectFrom(v4, v5);
        v4 = t;
        t = LO1.selectFrom(v6, v7);
        v7 = HI1.selectFrom(v6, v7);
        v6 = t;
        t = LO1.selectFrom(v8, v9);
        v9 = HI1.selectFrom(v8, v9);
        v8 = t;
        t = LO1.selectFrom(v10, v11);
        v11 = HI1.selectFrom(v10, v11);
        v10 = t;
        t = LO1.selectFrom(v12, v13);
        v13 = HI1.selectFrom(v12, v13);
        v12 = t;
        t = LO1.selectFrom(v14, v15);
        v15 = HI1.selectFrom(v14, v15);
        v14 = t;
        v0.intoMemorySegment(dst, dstOff, ORDER);
        v1.intoMemorySegment(dst, dstOff + 1 * dstStride, ORDER);
        v2.intoMemorySegment(dst, dstOff + 2 * dstStride, ORDER);
        v3.intoMemorySegment(dst, dstOff + 3 * dstStride, ORDER);
        v4.intoMemorySegment(dst, dstOff + 4 * dstStride, ORDER);
        v5.intoMemorySegment(dst, dstOff + 5 * dstStride, ORDER);
        v6.intoMemorySegment(dst, dstOff + 6 * dstStride, ORDER);
        v7.intoMemorySegment(dst, dstOff + 7 * dstStride, ORDER);
        v8.intoMemorySegment(dst, dstOff + 8 * dstStride, ORDER);
        v9.intoMemorySegment(dst, dstOff + 9 * dstStride, ORDER);
        v10.intoMemorySegment(dst, dstOff + 10 * dstStride, ORDER);
        v11.intoMemorySegment(dst, dstOff + 11 * dstStride, ORDER);
        v12.intoMemorySegment(dst, dstOff + 12 * dstStride, ORDER);
        v13.intoMemorySegment(dst, dstOff + 13 * dstStride, ORDER);
        v14.intoMemorySegment(dst, dstOff + 14 * dstStride, ORDER);
        v15.intoMemorySegment(dst, dstOff + 15 * dstStride, ORDER);
    }
}
