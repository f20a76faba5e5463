package dev.ida4j.model.answerer;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The answerer's traffic with host arrays, through one staging buffer allocated at capacity: token ids in, masks
 * and one-hot copy values built from the facts, losses and log-probabilities out, and the choice of each answer
 * token (sampling or argmax). Validates the caller's arrays, naming the bad one.
 */
final class HostIo {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final Backend backend;
    private final AnswererConfig cfg;
    private final MemorySegment staging;
    private final float[] right;   // (B·Q) per question: its mask while all its tokens so far are right, else 0
    private final int[] targets;   // (B·Q) one position's targets

    HostIo(Backend backend, AnswererConfig cfg, Dims cap, Arena host) {
        this.backend = backend;
        this.cfg = cfg;
        int kv = cfg.copyHeads() * cfg.vocab();
        long elements = Math.max(Math.max((long) cap.nf() * kv, (long) cap.nq() * cfg.vocab()),
                Math.max((long) cap.nq() * Math.max(cfg.questionLength(), cfg.answerLength()),
                        (long) cap.nf() * cfg.factLength()));
        this.staging = host.allocate(elements * 4, 64);
        this.right = new float[cap.nq()];
        this.targets = new int[cap.nq()];
    }

    void checkTokens(String op, String name, int[] tokens, long expected) {
        if (tokens.length != expected) {
            throw new IllegalArgumentException("Answerer." + op + ": " + name + " has " + tokens.length
                    + " elements, expected " + expected);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= cfg.vocab()) {
                throw new IllegalArgumentException("Answerer." + op + ": " + name + "[" + i + "] = " + tokens[i]
                        + " is outside the vocabulary [0, " + cfg.vocab() + ")");
            }
        }
    }

    /** Fact ids, the fact mask (a fact of all-zero tokens is blank) and the one-hot copy values. */
    void facts(Map<String, Tensor> acts, Dims d, int[] tokens, Tensor ids) {
        int w = cfg.factLength();
        int v = cfg.vocab();
        checkTokens("facts", "factTokens", tokens, (long) d.nf() * w);
        copyInts(ids, tokens, 0, tokens.length);
        for (int r = 0; r < d.nf(); r++) {
            boolean blank = true;
            for (int j = 0; j < w; j++) {
                blank &= tokens[r * w + j] == 0;
            }
            staging.setAtIndex(F32, r, blank ? 0f : 1f);
        }
        backend.copyIn(acts.get("fact.mask"), staging);
        // onehot(b, f, K·V): head k's value row of fact r is the one-hot vector of the fact's k-th token
        staging.asSlice(0, (long) d.nf() * w * v * 4).fill((byte) 0);
        for (int r = 0; r < d.nf(); r++) {
            for (int k = 0; k < w; k++) {
                staging.setAtIndex(F32, ((long) r * w + k) * v + tokens[r * w + k], 1f);
            }
        }
        backend.copyIn(acts.get("fact.onehot"), staging);
    }

    void questions(Map<String, Tensor> acts, Dims d, int[] tokens, Tensor ids) {
        checkTokens("setBatch", "questionTokens", tokens, (long) d.nq() * cfg.questionLength());
        copyInts(ids, tokens, 0, tokens.length);
    }

    /** Each position's targets (b·q) and teacher-forced prefix ids (b·q, i). */
    void answers(Map<String, Tensor> acts, Dims d, int[] tokens, AnswerHead[] heads) {
        int la = cfg.answerLength();
        checkTokens("setBatch", "answerTokens", tokens, (long) d.nq() * la);
        for (int i = 0; i < la; i++) {
            for (int r = 0; r < d.nq(); r++) {
                staging.setAtIndex(I32, r, tokens[r * la + i]);
            }
            backend.copyIn(heads[i].targets(acts), staging);
            if (i > 0) {
                for (int r = 0; r < d.nq(); r++) {
                    for (int j = 0; j < i; j++) {
                        staging.setAtIndex(I32, (long) r * i + j, tokens[r * la + j]);
                    }
                }
                backend.copyIn(heads[i].prevIds(acts), staging);
            }
        }
    }

    /** Copies the mask, sets d(loss)/d(losses) = 1/Σ mask; returns Σ mask. */
    double questionMask(Map<String, Tensor> acts, Dims d, float[] mask) {
        if (mask.length != d.nq()) {
            throw new IllegalArgumentException("Answerer.setBatch: questionMask has " + mask.length
                    + " elements, expected b·q = " + d.nq());
        }
        double total = 0;
        for (int i = 0; i < mask.length; i++) {
            if (!(mask[i] >= 0) || Float.isInfinite(mask[i])) {
                throw new IllegalArgumentException("Answerer.setBatch: questionMask[" + i + "] = " + mask[i]
                        + " must be finite and non-negative");
            }
            total += mask[i];
        }
        MemorySegment.copy(mask, 0, staging, F32, 0, mask.length);
        backend.copyIn(acts.get("question.mask"), staging);
        backend.fill(acts.get("dlosses"), total > 0 ? (float) (1 / total) : 0f);
        return total;
    }

    /** Σ of the first n elements of t. */
    double sum(Tensor t, int n) {
        backend.copyOut(staging, t);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += staging.getAtIndex(F32, i);
        }
        return s;
    }

    /** out (b·q·La) = argmax of each position's logp. */
    void argmax(Map<String, Tensor> acts, Dims d, AnswerHead[] heads, int[] out) {
        int la = cfg.answerLength();
        if (out.length != d.nq() * la) {
            throw new IllegalArgumentException("Answerer.predictions: out has " + out.length
                    + " elements, expected b·q·La = " + d.nq() * la);
        }
        for (int i = 0; i < la; i++) {
            backend.copyOut(staging, heads[i].logp(acts));
            for (int r = 0; r < d.nq(); r++) {
                out[r * la + i] = argmaxRow(r);
            }
        }
    }

    /** Weighted fraction of questions whose argmax tokens all equal the targets. */
    float exactMatch(Map<String, Tensor> acts, Dims d, AnswerHead[] heads, double total) {
        if (total == 0) {
            return 0f;
        }
        int nq = d.nq();
        int la = cfg.answerLength();
        // staging holds one position at a time: reduce to a per-question "all right so far" weight
        backend.copyOut(staging, acts.get("question.mask"));
        MemorySegment.copy(staging, F32, 0, right, 0, nq);
        for (int i = 0; i < la; i++) {
            backend.copyOut(staging, heads[i].targets(acts));
            MemorySegment.copy(staging, I32, 0, targets, 0, nq);
            backend.copyOut(staging, heads[i].logp(acts));
            for (int r = 0; r < nq; r++) {
                if (argmaxRow(r) != targets[r]) {
                    right[r] = 0;
                }
            }
        }
        double sum = 0;
        for (int r = 0; r < nq; r++) {
            sum += right[r];
        }
        return (float) (sum / total);
    }

    private int argmaxRow(int r) {
        int v = cfg.vocab();
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            float x = staging.getAtIndex(F32, (long) r * v + j);
            if (x > max) {
                max = x;
                best = j;
            }
        }
        return best;
    }

    /** Question ids of chunk [start, start + d.q()) of each of the b contexts, out of q per context. */
    void questionChunk(Dims d, int q, int start, int[] tokens, Tensor ids) {
        int lq = cfg.questionLength();
        for (int c = 0; c < d.b(); c++) {
            for (int j = 0; j < d.q(); j++) {
                MemorySegment.copy(tokens, ((c * q) + start + j) * lq, staging, I32,
                        ((long) c * d.q() + j) * lq * 4, lq);
            }
        }
        backend.copyIn(ids, staging);
    }

    /** The chunk's answer tokens 0..i-1 chosen so far, as position i's prefix ids (b·q, i). */
    void prefixChunk(Dims d, int q, int start, int i, int[] answers, Tensor prevIds) {
        int la = cfg.answerLength();
        for (int c = 0; c < d.b(); c++) {
            for (int j = 0; j < d.q(); j++) {
                int row = c * d.q() + j;
                int src = ((c * q) + start + j) * la;
                for (int t = 0; t < i; t++) {
                    staging.setAtIndex(I32, (long) row * i + t, answers[src + t]);
                }
            }
        }
        backend.copyIn(prevIds, staging);
    }

    /**
     * Chooses token i of each question of the chunk: a draw from p = exp(logp) with rng, or the argmax; adds the
     * chosen token's log-probability to {@code answerLogp} (b·q), unless null.
     */
    void choose(Dims d, int q, int start, int i, Tensor logp, RandomGenerator rng, int[] answers,
                float[] answerLogp) {
        int v = cfg.vocab();
        int la = cfg.answerLength();
        backend.copyOut(staging, logp);
        for (int c = 0; c < d.b(); c++) {
            for (int j = 0; j < d.q(); j++) {
                int row = c * d.q() + j;
                int token = rng == null ? argmaxRow(row) : sample(row, v, rng);
                answers[((c * q) + start + j) * la + i] = token;
                if (answerLogp != null) {
                    answerLogp[c * q + start + j] += staging.getAtIndex(F32, (long) row * v + token);
                }
            }
        }
    }

    private int sample(int row, int v, RandomGenerator rng) {
        double total = 0;
        for (int j = 0; j < v; j++) {
            total += Math.exp(staging.getAtIndex(F32, (long) row * v + j));
        }
        // p sums to 1 up to rounding (and the floor): draw against the actual total
        double u = rng.nextDouble() * total;
        double acc = 0;
        for (int j = 0; j < v; j++) {
            acc += Math.exp(staging.getAtIndex(F32, (long) row * v + j));
            if (u < acc) {
                return j;
            }
        }
        return v - 1;
    }

    private void copyInts(Tensor dst, int[] src, int from, int count) {
        MemorySegment.copy(src, from, staging, I32, 0, count);
        backend.copyIn(dst, staging);
    }
}
