// Multi-head attention's non-GEMM parts; the products (scores = q·kᵀ/√HS, out = att·v and their gradients) are
// cuBLAS strided-batched GEMMs over (B·NH) heads. Heads are made contiguous first: (B,T,NH,HS) -> (B,NH,T,HS).
// The masked softmax writes the probabilities in place of the scores; a query that sees no key gets all zeros.
// Math: dev.ida4j.backend.ref.RefAttention.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

namespace {
__device__ inline long warp_row(long rows) {
  long row = (long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  return row < rows ? row : -1;
}
}  // namespace

// dst(B,NH,T,HS) = src(B,T,NH,HS)
IDA4J_KERNEL void permute_heads(float* dst, const float* src, int b, int t, int nh, int hs) {
  long n = (long)b * t * nh * hs;
  IDA4J_GRID_STRIDE(i, n) {
    int d = (int)(i % hs);
    long rest = i / hs;
    int ti = (int)(rest % t);
    rest /= t;
    int h = (int)(rest % nh);
    long bi = rest / nh;
    dst[i] = src[((bi * t + ti) * nh + h) * hs + d];
  }
}

// dst(B,T,NH,HS) = [dst +] src(B,NH,T,HS)
IDA4J_KERNEL void unpermute_heads(float* dst, const float* src, int b, int t, int nh, int hs, int accumulate) {
  long n = (long)b * t * nh * hs;
  IDA4J_GRID_STRIDE(i, n) {
    int d = (int)(i % hs);
    long rest = i / hs;
    int h = (int)(rest % nh);
    rest /= nh;
    int ti = (int)(rest % t);
    long bi = rest / t;
    float x = src[((bi * nh + h) * t + ti) * hs + d];
    dst[i] = accumulate ? dst[i] + x : x;
  }
}

// att(B,NH,Tq,Tk): scaled scores in, probabilities out. Query i of batch b sees key j when key_mask(B,Tk) is null
// or nonzero at (b, j) and, if causal, j <= i + (Tk - Tq).
IDA4J_KERNEL void attention_softmax_forward(float* att, const float* key_mask, int b, int nh, int tq, int tk,
                                            int causal) {
  long row = warp_row((long)b * nh * tq);
  if (row < 0) return;
  int lane = threadIdx.x & 31;
  int i = (int)(row % tq);
  long bi = row / ((long)nh * tq);
  int last = causal ? i + (tk - tq) : tk - 1;
  const float* mask = key_mask ? key_mask + bi * tk : nullptr;
  float* a = att + row * tk;
  float max = -INFINITY;
  for (int j = lane; j < tk; j += 32) {
    if (j <= last && (!mask || mask[j] != 0.0f)) max = fmaxf(max, a[j]);
  }
  max = warp_max(max);
  // subtract the row max so exp never overflows; a row that sees no key keeps max -inf and sum 0
  float sum = 0.0f;
  for (int j = lane; j < tk; j += 32) {
    float e = (j <= last && (!mask || mask[j] != 0.0f)) ? expf(a[j] - max) : 0.0f;
    a[j] = e;
    sum += e;
  }
  sum = warp_sum(sum);
  float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  for (int j = lane; j < tk; j += 32) a[j] *= inv;
}

// softmax backward in place: datt(rows, Tk) <- att ⊙ (datt - Σ_j att·datt)
IDA4J_KERNEL void attention_softmax_backward(float* datt, const float* att, long rows, int tk) {
  long row = warp_row(rows);
  if (row < 0) return;
  int lane = threadIdx.x & 31;
  float* d = datt + row * tk;
  const float* a = att + row * tk;
  float dot = 0.0f;
  for (int j = lane; j < tk; j += 32) dot += a[j] * d[j];
  dot = warp_sum(dot);
  for (int j = lane; j < tk; j += 32) d[j] = a[j] * (d[j] - dot);
}
