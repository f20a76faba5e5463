package dev.ida4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one product kernel of {@link Attention}: four rows of c(M, N) = a(M, K)·b(K, N) over float arrays, with
 * a read through row and column strides (so aᵀ costs nothing) one scalar at a time, and b and c row-major with N a
 * whole number of vectors. Sixteen accumulators (4 rows × 4 vectors) stay in registers: enough independent
 * multiply-adds to hide their latency, and every loaded b vector is used four times.
 */
final class AttentionTile {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private AttentionTile() {
    }

    /**
     * c[cAt + r·ldc + j] = Σ_{p ∈ [p0, p1)} a[aAt + r·aRow + p·aCol] · b[p·ldb + j] for r in [0, 4) and
     * j in [0, n); an empty range [p0, p1) writes zeros.
     */
    static void rows4(float[] a, int aAt, int aRow, int aCol, float[] b, int ldb, int p0, int p1,
                      float[] c, int cAt, int ldc, int n) {
        int a1 = aAt + aRow;
        int a2 = aAt + 2 * aRow;
        int a3 = aAt + 3 * aRow;
        int j = 0;
        for (; j <= n - 4 * L; j += 4 * L) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
            FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
            FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
            for (int p = p0; p < p1; p++) {
                int bp = p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
                int ap = p * aCol;
                FloatVector x = FloatVector.broadcast(S, a[aAt + ap]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                c02 = b2.fma(x, c02);
                c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(S, a[a1 + ap]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                c12 = b2.fma(x, c12);
                c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(S, a[a2 + ap]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                c22 = b2.fma(x, c22);
                c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(S, a[a3 + ap]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
                c32 = b2.fma(x, c32);
                c33 = b3.fma(x, c33);
            }
            int c0 = cAt + j;
            c00.intoArray(c, c0);
            c01.intoArray(c, c0 + L);
            c02.intoArray(c, c0 + 2 * L);
            c03.intoArray(c, c0 + 3 * L);
            c10.intoArray(c, c0 + ldc);
            c11.intoArray(c, c0 + ldc + L);
            c12.intoArray(c, c0 + ldc + 2 * L);
            c13.intoArray(c, c0 + ldc + 3 * L);
            c20.intoArray(c, c0 + 2 * ldc);
            c21.intoArray(c, c0 + 2 * ldc + L);
            c22.intoArray(c, c0 + 2 * ldc + 2 * L);
            c23.intoArray(c, c0 + 2 * ldc + 3 * L);
            c30.intoArray(c, c0 + 3 * ldc);
            c31.intoArray(c, c0 + 3 * ldc + L);
            c32.intoArray(c, c0 + 3 * ldc + 2 * L);
            c33.intoArray(c, c0 + 3 * ldc + 3 * L);
        }
        for (; j < n; j += L) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
            for (int p = p0; p < p1; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, p * ldb + j);
                int ap = p * aCol;
                c0 = bv.fma(FloatVector.broadcast(S, a[aAt + ap]), c0);
                c1 = bv.fma(FloatVector.broadcast(S, a[a1 + ap]), c1);
                c2 = bv.fma(FloatVector.broadcast(S, a[a2 + ap]), c2);
                c3 = bv.fma(FloatVector.broadcast(S, a[a3 + ap]), c3);
            }
            c0.intoArray(c, cAt + j);
            c1.intoArray(c, cAt + ldc + j);
            c2.intoArray(c, cAt + 2 * ldc + j);
            c3.intoArray(c, cAt + 3 * ldc + j);
        }
    }
}
