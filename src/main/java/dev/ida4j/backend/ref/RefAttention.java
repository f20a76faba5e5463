package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/**
 * Reference multi-head scaled dot-product attention, sums in double. Head h of a row is channels
 * [h·HS, (h+1)·HS); query i of a head sees key j when keyMask[b, j] is not 0 and, if causal, j ≤ i + (Tk - Tq).
 */
final class RefAttention {
    private RefAttention() {
    }

    // q(B,Tq,C), k(B,Tk,C), v(B,Tk,C), keyMask(B,Tk) or null -> att(B,NH,Tq,Tk), out(B,Tq,C)
    static void forward(Tensor out, Tensor att, Tensor q, Tensor k, Tensor v, Tensor keyMask,
                        int b, int tq, int tk, int nh, int hs, boolean causal) {
        int c = nh * hs;
        double scale = 1 / Math.sqrt(hs);
        double[] scores = new double[tk];
        boolean[] sees = new boolean[tk];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < tq; i++) {
                    long qRow = ((long) bi * tq + i) * c + (long) h * hs;
                    long attRow = (((long) bi * nh + h) * tq + i) * tk;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        sees[j] = (keyMask == null || keyMask.get((long) bi * tk + j) != 0)
                                && (!causal || j <= i + (tk - tq));
                        if (sees[j]) {
                            long kRow = ((long) bi * tk + j) * c + (long) h * hs;
                            double dot = 0;
                            for (int d = 0; d < hs; d++) {
                                dot += (double) q.get(qRow + d) * k.get(kRow + d);
                            }
                            scores[j] = dot * scale;
                            max = Math.max(max, scores[j]);
                        }
                    }
                    // subtract the row max so exp never overflows; a row that sees no key keeps sum 0
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        scores[j] = sees[j] ? Math.exp(scores[j] - max) : 0;
                        sum += scores[j];
                    }
                    for (int j = 0; j < tk; j++) {
                        att.set(attRow + j, (float) (sum > 0 ? scores[j] / sum : 0));
                    }
                    for (int d = 0; d < hs; d++) {
                        double o = 0;
                        for (int j = 0; j < tk; j++) {
                            o += (double) att.get(attRow + j) * v.get(((long) bi * tk + j) * c + (long) h * hs + d);
                        }
                        out.set(qRow + d, (float) o);
                    }
                }
            }
        }
    }

    // datt = dout·vᵀ; dscores = att ⊙ (datt - Σ_j att·datt);
    // dq += dscores·k/√HS; dk += dscoresᵀ·q/√HS; dv += attᵀ·dout
    static void backward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor q, Tensor k, Tensor v, Tensor att,
                         int b, int tq, int tk, int nh, int hs) {
        int c = nh * hs;
        double scale = 1 / Math.sqrt(hs);
        double[][] dscores = new double[tq][tk];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < nh; h++) {
                long head = (long) h * hs;
                long qBase = (long) bi * tq * c + head;
                long kBase = (long) bi * tk * c + head;
                long attBase = ((long) bi * nh + h) * tq * tk;
                for (int i = 0; i < tq; i++) {
                    double[] datt = dscores[i];
                    double weighted = 0;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int d = 0; d < hs; d++) {
                            dot += (double) dout.get(qBase + (long) i * c + d) * v.get(kBase + (long) j * c + d);
                        }
                        datt[j] = dot;
                        weighted += att.get(attBase + (long) i * tk + j) * dot;
                    }
                    // softmax backward; dropped keys have att 0, so their scores get no gradient
                    for (int j = 0; j < tk; j++) {
                        datt[j] = att.get(attBase + (long) i * tk + j) * (datt[j] - weighted);
                    }
                }
                for (int d = 0; d < hs; d++) {
                    for (int i = 0; dq != null && i < tq; i++) {
                        double sum = 0;
                        for (int j = 0; j < tk; j++) {
                            sum += dscores[i][j] * k.get(kBase + (long) j * c + d);
                        }
                        long at = qBase + (long) i * c + d;
                        dq.set(at, (float) (dq.get(at) + sum * scale));
                    }
                    for (int j = 0; j < tk; j++) {
                        double dkSum = 0;
                        double dvSum = 0;
                        for (int i = 0; i < tq; i++) {
                            dkSum += dscores[i][j] * q.get(qBase + (long) i * c + d);
                            dvSum += (double) att.get(attBase + (long) i * tk + j) * dout.get(qBase + (long) i * c + d);
                        }
                        long at = kBase + (long) j * c + d;
                        if (dk != null) {
                            dk.set(at, (float) (dk.get(at) + dkSum * scale));
                        }
                        if (dv != null) {
                            dv.set(at, (float) (dv.get(at) + dvSum));
                        }
                    }
                }
            }
        }
    }
}
