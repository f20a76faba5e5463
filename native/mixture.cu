// The copy/generate mixture (pointer-generator output), forward and backward: one block per row, the K + 1
// mixture weights (forward) or their gradients (backward) in dynamic shared memory. K is small (the number of copy
// distributions), so the backward recomputes p per mixture component rather than storing it.
// Math: dev.ida4j.backend.ref.RefMixture.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

namespace {
constexpr float kFloor = 1e-30f;  // Backend.MIXTURE_FLOOR: log(0) would make the loss infinite

// p(row, j) = Σ_{m<K} mix_m·dists_m(j) + mix_K·gen(j)
__device__ inline float probability(const float* mix_row, const float* dists, const float* gen_row, long row, int j,
                                    int k, int v) {
  float p = mix_row[k] * gen_row[j];
  for (int m = 0; m < k; m++) p += mix_row[m] * dists[((long)row * k + m) * v + j];
  return p;
}

// out[0, len) = softmax(x[0, len)) by the whole block
__device__ inline void block_softmax(float* out, float* shared_copy, const float* x, int len, float* scratch) {
  float max = -INFINITY;
  for (int j = threadIdx.x; j < len; j += blockDim.x) max = fmaxf(max, x[j]);
  max = block_max(max, scratch);
  float sum = 0.0f;
  for (int j = threadIdx.x; j < len; j += blockDim.x) sum += expf(x[j] - max);
  float inv = 1.0f / block_sum(sum, scratch);
  for (int j = threadIdx.x; j < len; j += blockDim.x) {
    float p = expf(x[j] - max) * inv;
    out[j] = p;
    if (shared_copy) shared_copy[j] = p;
  }
}
}  // namespace

// gen(N,V) = softmax(gen_logits); mix(N,K+1) = softmax(mix_logits); logp(N,V) = log(max(p, floor))
IDA4J_KERNEL void mixture_forward(float* logp, float* mix, float* gen, const float* dists, const float* gen_logits,
                                  const float* mix_logits, int n, int k, int v) {
  extern __shared__ float mix_row[];  // k + 1
  __shared__ float scratch[32];
  long row = blockIdx.x;
  if (row >= n) return;
  block_softmax(mix + row * (k + 1), mix_row, mix_logits + row * (k + 1), k + 1, scratch);
  float* gen_row = gen + row * v;
  block_softmax(gen_row, nullptr, gen_logits + row * v, v, scratch);
  __syncthreads();  // mix_row and gen_row complete (each thread reads entries others wrote)
  for (int j = threadIdx.x; j < v; j += blockDim.x) {
    logp[row * v + j] = logf(fmaxf(probability(mix_row, dists, gen_row, row, j, k, v), kFloor));
  }
}

// dp = dlogp/p (0 where the floor binds); ddists += mix_m·dp; dgen_logits += gen ⊙ mix_K·(dp - dmix_K);
// dmix_logits += mix ⊙ (dmix - Σ mix·dmix), dmix_m = Σ_v dists_m·dp, dmix_K = Σ_v gen·dp; each gradient nullable
IDA4J_KERNEL void mixture_backward(float* ddists, float* dgen_logits, float* dmix_logits, const float* dlogp,
                                   const float* dists, const float* gen, const float* mix, int n, int k, int v) {
  extern __shared__ float dmix[];  // k + 1
  __shared__ float scratch[32];
  long row = blockIdx.x;
  if (row >= n) return;
  const float* mix_row = mix + row * (k + 1);
  const float* gen_row = gen + row * v;
  const float* dl = dlogp + row * v;
  for (int m = 0; m <= k; m++) {
    float partial = 0.0f;
    for (int j = threadIdx.x; j < v; j += blockDim.x) {
      float p = probability(mix_row, dists, gen_row, row, j, k, v);
      float dp = p > kFloor ? dl[j] / p : 0.0f;
      partial += (m < k ? dists[((long)row * k + m) * v + j] : gen_row[j]) * dp;
    }
    float total = block_sum(partial, scratch);
    if (threadIdx.x == 0) dmix[m] = total;
  }
  __syncthreads();
  float mixDot = 0.0f;
  for (int m = 0; m <= k; m++) mixDot += mix_row[m] * dmix[m];
  if (dmix_logits) {
    for (int m = threadIdx.x; m <= k; m += blockDim.x) {
      dmix_logits[row * (k + 1) + m] += mix_row[m] * (dmix[m] - mixDot);
    }
  }
  float mixGen = mix_row[k];
  for (int j = threadIdx.x; j < v; j += blockDim.x) {
    float p = probability(mix_row, dists, gen_row, row, j, k, v);
    float dp = p > kFloor ? dl[j] / p : 0.0f;
    if (dgen_logits) dgen_logits[row * v + j] += gen_row[j] * mixGen * (dp - dmix[k]);
    if (ddists) {
      for (int m = 0; m < k; m++) ddists[((long)row * k + m) * v + j] += mix_row[m] * dp;
    }
  }
}
