package dev.ida4j.bench;

/**
 * One GEMM problem as the benchmarks name it: "MxNxK", optionally ":TN" (op(A) = Aᵀ, A stored K x M),
 * ":NT" (op(B) = Bᵀ, B stored N x K) or ":TT". Row-major, C = op(A)·op(B) is M x N.
 */
record GemmShape(int m, int n, int k, boolean transA, boolean transB) {

    static GemmShape parse(String s) {
        String[] parts = s.split(":");
        String[] d = parts[0].split("x");
        if (d.length != 3 || parts.length > 2) {
            throw new IllegalArgumentException("shape '" + s + "' is not MxNxK[:TN|:NT|:TT|:NN]");
        }
        String t = parts.length == 2 ? parts[1] : "NN";
        if (!t.matches("[NT][NT]")) {
            throw new IllegalArgumentException("shape '" + s + "': transpose flags must be NN, TN, NT or TT");
        }
        return new GemmShape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]),
                t.charAt(0) == 'T', t.charAt(1) == 'T');
    }

    /** Row length of A as stored. */
    int lda() {
        return transA ? m : k;
    }

    /** Row length of B as stored. */
    int ldb() {
        return transB ? k : n;
    }

    /** Floating-point operations of one product (a multiply and an add per term). */
    double flops() {
        return 2.0 * m * n * k;
    }
}
