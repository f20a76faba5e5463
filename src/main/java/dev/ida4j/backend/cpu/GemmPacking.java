package dev.ida4j.backend.cpu;

import static dev.ida4j.backend.cpu.GemmKernel.F32;
import static dev.ida4j.backend.cpu.GemmKernel.KC;
import static dev.ida4j.backend.cpu.GemmKernel.L;
import static dev.ida4j.backend.cpu.GemmKernel.MR;
import static dev.ida4j.backend.cpu.GemmKernel.NR;
import static dev.ida4j.backend.cpu.GemmKernel.NV;
import static dev.ida4j.backend.cpu.GemmKernel.ORDER;
import static dev.ida4j.backend.cpu.GemmKernel.S;
import static dev.ida4j.backend.cpu.GemmKernel.VB;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Packing for the GEMM: copies a block of op(A) or op(B) out of its row-major home (any leading dimension, either
 * orientation) into the contiguous micro-panel layouts {@link GemmKernel} reads, zero-padding partial panels so the
 * kernel never needs an edge case in its K loop. The transposed orientations are handled here, once per block,
 * instead of in the kernel.
 */
final class GemmPacking {
    private static final long A_PANEL = 4L * MR * KC;

    private GemmPacking() {
    }

    /**
     * Packs op(a)[i0 + i][p0 + p] (i < mc, p < kc) into MR-row micro-panels: panel q at {@code q·MR·KC} floats, row r
     * at {@code r·KC}. {@code a} holds element (0,0) of op(a)'s storage at byte {@code aOff}; {@code lda} is its row
     * length in floats: op(a) = a(M,K) or, when {@code trans}, a stored (K,M).
     */
    static void packA(MemorySegment dst, MemorySegment a, long aOff, long lda, boolean trans,
                      int i0, int mc, int p0, int kc) {
        int panels = (mc + MR - 1) / MR;
        if (!trans) {
            for (int i = 0; i < panels * MR; i++) {
                long d = (i / MR) * A_PANEL + (i % MR) * 4L * KC;
                if (i < mc) {
                    MemorySegment.copy(a, aOff + 4 * ((i0 + i) * lda + p0), dst, d, 4L * kc);
                } else {
                    zero(dst, d, kc);
                }
            }
            return;
        }
        for (int q = 0; q < panels; q++) {
            int rows = Math.min(MR, mc - q * MR);
            long d = q * A_PANEL;
            for (int p = 0; p < kc; p++) {
                long s = aOff + 4 * ((p0 + p) * lda + i0 + (long) q * MR);
                for (int r = 0; r < rows; r++) {
                    dst.set(F32, d + r * 4L * KC + 4L * p, a.get(F32, s + 4L * r));
                }
            }
            for (int r = rows; r < MR; r++) {
                zero(dst, d + r * 4L * KC, kc);
            }
        }
    }

    /**
     * Packs op(b)[p0 + p][j0 + j] (p < kc, j < nc) into NR-column micro-panels: panel t at {@code t·kc·NR} floats,
     * K step p at {@code p·NR}. op(b) = b(K,N) or, when {@code trans}, b stored (N,K); {@code ldb} as for packA.
     */
    static void packB(MemorySegment dst, MemorySegment b, long bOff, long ldb, boolean trans,
                      int j0, int nc, int p0, int kc) {
        int panels = (nc + NR - 1) / NR;
        for (int t = 0; t < panels; t++) {
            int cols = Math.min(NR, nc - t * NR);
            long d = 4L * t * kc * NR;
            int j = j0 + t * NR;
            if (!trans) {
                for (int p = 0; p < kc; p++) {
                    long src = bOff + 4 * ((p0 + p) * ldb + j);
                    long dp = d + 4L * p * NR;
                    for (int v = 0; v < NV; v++) {
                        if (cols >= (v + 1) * L) {
                            FloatVector.fromMemorySegment(S, b, src + v * VB, ORDER).intoMemorySegment(dst, dp + v * VB, ORDER);
                        } else {
                            // masked loads read only the valid columns and give zeros for the padding
                            FloatVector.fromMemorySegment(S, b, src + v * VB, ORDER, S.indexInRange(v * L, cols))
                                    .intoMemorySegment(dst, dp + v * VB, ORDER);
                        }
                    }
                }
                continue;
            }
            for (int jj = 0; jj < NR; jj++) {
                if (jj < cols) {
                    long s = bOff + 4 * ((j + jj) * ldb + p0);
                    for (int p = 0; p < kc; p++) {
                        dst.set(F32, d + 4L * (p * NR + jj), b.get(F32, s + 4L * p));
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        dst.set(F32, d + 4L * (p * NR + jj), 0f);
                    }
                }
            }
        }
    }

    private static void zero(MemorySegment dst, long off, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(F32, off + 4L * i, 0f);
        }
    }
}
