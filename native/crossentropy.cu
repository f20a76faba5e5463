// Fused softmax + cross-entropy, forward and backward. One block per row for the forward (max, sum of exps and
// the loss in log-sum-exp form, exact even where the target's probability rounds to 0); the backward is
// pointwise. Targets are checked (embedding.cu's check_indices) before either runs.
// Math: dev.ida4j.backend.ref.RefCrossEntropy.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

// probs(N,V) = softmax(logits(N,V)); losses(N) = -log probs[targets] · mask (mask nullable)
IDA4J_KERNEL void crossentropy_forward(float* losses, float* probs, const float* logits, const int* targets,
                                       const float* mask, int n, int v) {
  __shared__ float scratch[32];
  long row = blockIdx.x;
  if (row >= n) return;
  const float* x = logits + row * v;
  float max = -INFINITY;
  for (int j = threadIdx.x; j < v; j += blockDim.x) max = fmaxf(max, x[j]);
  max = block_max(max, scratch);
  float sum = 0.0f;
  for (int j = threadIdx.x; j < v; j += blockDim.x) sum += expf(x[j] - max);
  sum = block_sum(sum, scratch);
  float inv = 1.0f / sum;
  float* p = probs + row * v;
  for (int j = threadIdx.x; j < v; j += blockDim.x) p[j] = expf(x[j] - max) * inv;
  if (threadIdx.x == 0) {
    float loss = logf(sum) + max - x[targets[row]];
    losses[row] = mask ? loss * mask[row] : loss;
  }
}

// dlogits(N,V) += dlosses(N)·mask·(probs - onehot(targets)); n = N·V
IDA4J_KERNEL void crossentropy_backward(float* dlogits, const float* dlosses, const float* probs,
                                        const int* targets, const float* mask, int v, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    long row = i / v;
    int j = (int)(i - row * v);
    float scale = mask ? dlosses[row] * mask[row] : dlosses[row];
    dlogits[i] += scale * (probs[i] - (j == targets[row] ? 1.0f : 0.0f));
  }
}
