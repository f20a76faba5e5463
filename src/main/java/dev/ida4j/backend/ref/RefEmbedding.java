package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** Reference token + position embedding: a row lookup forward, a scatter-add backward, sums in double. */
final class RefEmbedding {
    private RefEmbedding() {
    }

    // out(B,T,C) = wte[ids(B,T)] + wpe[t]; wte(V,C), wpe(T',C) or null
    static void forward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        checkIds("embeddingForward", ids, wte.numel() / c, b, t);
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                long row = (long) bi * t + ti;
                long tok = (long) ids.getInt(row) * c;
                for (int ci = 0; ci < c; ci++) {
                    double x = wte.get(tok + ci);
                    if (wpe != null) {
                        x += wpe.get((long) ti * c + ci);
                    }
                    out.set(row * c + ci, (float) x);
                }
            }
        }
    }

    // dwte[ids] += dout(B,T,C); dwpe[t] += Σ_b dout[b,t]; either gradient may be null
    static void backward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        if (dwte != null) {
            checkIds("embeddingBackward", ids, dwte.numel() / c, b, t);
            for (long row = 0; row < (long) b * t; row++) {
                long tok = (long) ids.getInt(row) * c;
                for (int ci = 0; ci < c; ci++) {
                    dwte.set(tok + ci, (float) ((double) dwte.get(tok + ci) + dout.get(row * c + ci)));
                }
            }
        }
        if (dwpe != null) {
            for (int ti = 0; ti < t; ti++) {
                for (int ci = 0; ci < c; ci++) {
                    double sum = dwpe.get((long) ti * c + ci);
                    for (int bi = 0; bi < b; bi++) {
                        sum += dout.get(((long) bi * t + ti) * c + ci);
                    }
                    dwpe.set((long) ti * c + ci, (float) sum);
                }
            }
        }
    }

    private static void checkIds(String op, Tensor ids, long rows, int b, int t) {
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                int id = ids.getInt((long) bi * t + ti);
                if (id < 0 || id >= rows) {
                    throw new IllegalArgumentException(op + ": ids[" + bi + ", " + ti + "] = " + id
                            + " is outside the table's rows [0, " + rows + ")");
                }
            }
        }
    }
}
