// LayerNorm (per row over C, eps 1e-5) and BatchNorm (per channel over N rows), forward and backward side by side.
// Row statistics take one warp per row; per-channel sums take (32, 32) column blocks that loop over the rows in a
// fixed order (deterministic, no atomics). Math: dev.ida4j.backend.ref.RefNorms.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

namespace {
constexpr float kLayerNormEps = 1e-5f;

// The warp's row in a warp-row launch, or -1 past the end (the whole warp leaves together: no block barriers below).
__device__ inline long warp_row(int n) {
  long row = (long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  return row < n ? row : -1;
}
}  // namespace

// out(N,C) = (inp - mean)·rstd·weight(C) + bias(C) per row; saves mean(N), rstd(N); biased variance, as torch
IDA4J_KERNEL void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                                    const float* bias, int n, int c) {
  long row = warp_row(n);
  if (row < 0) return;
  int lane = threadIdx.x & 31;
  const float* x = inp + row * c;
  float sum = 0.0f;
  for (int j = lane; j < c; j += 32) sum += x[j];
  float mu = warp_sum(sum) / c;
  // two passes (deviations from the mean) rather than E[x²] - E[x]², which cancels catastrophically
  float sq = 0.0f;
  for (int j = lane; j < c; j += 32) {
    float d = x[j] - mu;
    sq += d * d;
  }
  float s = 1.0f / sqrtf(warp_sum(sq) / c + kLayerNormEps);
  float* y = out + row * c;
  for (int j = lane; j < c; j += 32) y[j] = (x[j] - mu) * s * weight[j] + bias[j];
  if (lane == 0) {
    mean[row] = mu;
    rstd[row] = s;
  }
}

// dinp(N,C) += (dnorm - mean(dnorm) - norm·mean(dnorm·norm))·rstd, dnorm = weight·dout, norm = (inp - mean)·rstd
IDA4J_KERNEL void layernorm_backward_input(float* dinp, const float* dout, const float* inp, const float* weight,
                                           const float* mean, const float* rstd, int n, int c) {
  long row = warp_row(n);
  if (row < 0) return;
  int lane = threadIdx.x & 31;
  const float* x = inp + row * c;
  const float* g = dout + row * c;
  float mu = mean[row];
  float s = rstd[row];
  float dnormSum = 0.0f;
  float dnormNormSum = 0.0f;
  for (int j = lane; j < c; j += 32) {
    float dnorm = weight[j] * g[j];
    dnormSum += dnorm;
    dnormNormSum += dnorm * (x[j] - mu) * s;
  }
  float dnormMean = warp_sum(dnormSum) / c;
  float dnormNormMean = warp_sum(dnormNormSum) / c;
  float* dx = dinp + row * c;
  for (int j = lane; j < c; j += 32) {
    float norm = (x[j] - mu) * s;
    dx[j] += (weight[j] * g[j] - dnormMean - norm * dnormNormMean) * s;
  }
}

// dweight(C) += Σ_rows norm·dout; dbias(C) += Σ_rows dout; either nullable
IDA4J_KERNEL void layernorm_backward_params(float* dweight, float* dbias, const float* dout, const float* inp,
                                            const float* mean, const float* rstd, int n, int c) {
  __shared__ float tile[kColumnTile][kColumnTile + 1];
  int col = blockIdx.x * kColumnTile + threadIdx.x;
  float dw = 0.0f;
  float db = 0.0f;
  if (col < c) {
    for (int r = threadIdx.y; r < n; r += kColumnTile) {
      long at = (long)r * c + col;
      dw += (inp[at] - mean[r]) * rstd[r] * dout[at];
      db += dout[at];
    }
  }
  dw = column_lanes_sum(dw, tile);
  db = column_lanes_sum(db, tile);
  if (threadIdx.y == 0 && col < c) {
    if (dweight) dweight[col] += dw;
    if (dbias) dbias[col] += db;
  }
}

// mean(C), rstd(C) of inp(N,C) per channel (training: batch statistics, biased variance for normalising, running
// statistics updated with the unbiased one as torch; inference: from the running statistics)
IDA4J_KERNEL void batchnorm_statistics(float* mean, float* rstd, float* running_mean, float* running_var,
                                       const float* inp, float momentum, float eps, int training, int n, int c) {
  __shared__ float tile[kColumnTile][kColumnTile + 1];
  __shared__ float channel_mean[kColumnTile];
  int col = blockIdx.x * kColumnTile + threadIdx.x;
  if (!training) {
    if (threadIdx.y == 0 && col < c) {
      mean[col] = running_mean[col];
      rstd[col] = 1.0f / sqrtf(running_var[col] + eps);
    }
    return;
  }
  float sum = 0.0f;
  if (col < c) {
    for (int r = threadIdx.y; r < n; r += kColumnTile) sum += inp[(long)r * c + col];
  }
  sum = column_lanes_sum(sum, tile);
  if (threadIdx.y == 0) channel_mean[threadIdx.x] = sum / n;
  __syncthreads();
  float mu = channel_mean[threadIdx.x];
  float sq = 0.0f;
  if (col < c) {
    for (int r = threadIdx.y; r < n; r += kColumnTile) {
      float d = inp[(long)r * c + col] - mu;
      sq += d * d;
    }
  }
  sq = column_lanes_sum(sq, tile);
  if (threadIdx.y == 0 && col < c) {
    mean[col] = mu;
    rstd[col] = 1.0f / sqrtf(sq / n + eps);
    running_mean[col] = (1.0f - momentum) * running_mean[col] + momentum * mu;
    running_var[col] = (1.0f - momentum) * running_var[col] + momentum * sq / (n - 1);
  }
}

// out(N,C) = (inp - mean(C))·rstd(C)·weight(C) + bias(C); n = N·C
IDA4J_KERNEL void batchnorm_apply(float* out, const float* inp, const float* mean, const float* rstd,
                                  const float* weight, const float* bias, int c, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    int j = (int)(i % c);
    out[i] = (inp[i] - mean[j]) * rstd[j] * weight[j] + bias[j];
  }
}

// through the batch statistics: dinp(N,C) += weight·rstd·(dout - mean_rows(dout) - norm·mean_rows(dout·norm));
// dweight(C) += Σ_rows dout·norm; dbias(C) += Σ_rows dout; each gradient nullable
IDA4J_KERNEL void batchnorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                                     const float* weight, const float* mean, const float* rstd, int n, int c) {
  __shared__ float tile[kColumnTile][kColumnTile + 1];
  __shared__ float sums[2][kColumnTile];
  int col = blockIdx.x * kColumnTile + threadIdx.x;
  float mu = col < c ? mean[col] : 0.0f;
  float s = col < c ? rstd[col] : 0.0f;
  float sumDout = 0.0f;
  float sumDoutNorm = 0.0f;
  if (col < c) {
    for (int r = threadIdx.y; r < n; r += kColumnTile) {
      long at = (long)r * c + col;
      sumDout += dout[at];
      sumDoutNorm += dout[at] * (inp[at] - mu) * s;
    }
  }
  sumDout = column_lanes_sum(sumDout, tile);
  sumDoutNorm = column_lanes_sum(sumDoutNorm, tile);
  if (threadIdx.y == 0) {
    sums[0][threadIdx.x] = sumDout;
    sums[1][threadIdx.x] = sumDoutNorm;
    if (col < c) {
      if (dweight) dweight[col] += sumDoutNorm;
      if (dbias) dbias[col] += sumDout;
    }
  }
  __syncthreads();
  if (!dinp || col >= c) return;
  float meanDout = sums[0][threadIdx.x] / n;
  float meanDoutNorm = sums[1][threadIdx.x] / n;
  float ws = weight[col] * s;
  for (int r = threadIdx.y; r < n; r += kColumnTile) {
    long at = (long)r * c + col;
    float norm = (inp[at] - mu) * s;
    dinp[at] += ws * (dout[at] - meanDout - norm * meanDoutNorm);
  }
}
