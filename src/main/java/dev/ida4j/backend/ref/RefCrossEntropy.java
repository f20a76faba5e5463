package dev.ida4j.backend.ref;

import dev.ida4j.tensor.Tensor;

/** Reference fused softmax + cross-entropy with an optional per-row mask, sums in double. */
final class RefCrossEntropy {
    private RefCrossEntropy() {
    }

    // probs(N,V) = softmax(logits(N,V)); losses(N) = -log probs[targets] · mask
    static void forward(Tensor losses, Tensor probs, Tensor logits, Tensor targets, Tensor mask, int n, int v) {
        checkTargets("crossEntropyForward", targets, n, v);
        for (int i = 0; i < n; i++) {
            long row = (long) i * v;
            // subtract the row max so exp never overflows
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits.get(row + j));
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits.get(row + j) - max);
            }
            for (int j = 0; j < v; j++) {
                probs.set(row + j, (float) (Math.exp(logits.get(row + j) - max) / sum));
            }
            // log-sum-exp form: exact even where the target's probability rounds to 0 in float
            double loss = Math.log(sum) + max - logits.get(row + targets.getInt(i));
            losses.set(i, (float) (loss * (mask == null ? 1 : mask.get(i))));
        }
    }

    // dlogits(N,V) += dlosses(N)·mask·(probs - onehot(targets))
    static void backward(Tensor dlogits, Tensor dlosses, Tensor probs, Tensor targets, Tensor mask, int n, int v) {
        checkTargets("crossEntropyBackward", targets, n, v);
        for (int i = 0; i < n; i++) {
            double scale = (double) dlosses.get(i) * (mask == null ? 1 : mask.get(i));
            int target = targets.getInt(i);
            for (int j = 0; j < v; j++) {
                long at = (long) i * v + j;
                double grad = scale * (probs.get(at) - (j == target ? 1 : 0));
                dlogits.set(at, (float) (dlogits.get(at) + grad));
            }
        }
    }

    private static void checkTargets(String op, Tensor targets, int n, int v) {
        for (int i = 0; i < n; i++) {
            int target = targets.getInt(i);
            if (target < 0 || target >= v) {
                throw new IllegalArgumentException(op + ": targets[" + i + "] = " + target
                        + " is outside the vocabulary [0, " + v + ")");
            }
        }
    }
}
