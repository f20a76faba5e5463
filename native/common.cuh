// Device helpers shared by the kernel files: warp and block reductions (fp32 and fp64) and the launch-shape
// constants the Java launcher (dev.ida4j.backend.cuda.Kernels) relies on. Header-only, included by each .cu.
#pragma once
#include <math.h>

namespace ida4j {

constexpr unsigned kFullMask = 0xffffffffu;
// Column kernels run (32, 32) blocks: 32 adjacent columns (coalesced) times 32 row lanes.
constexpr int kColumnTile = 32;

__device__ inline float warp_sum(float x) {
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(kFullMask, x, offset);
  return x;
}

__device__ inline double warp_sum(double x) {
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(kFullMask, x, offset);
  return x;
}

__device__ inline float warp_max(float x) {
  for (int offset = 16; offset > 0; offset >>= 1) x = fmaxf(x, __shfl_xor_sync(kFullMask, x, offset));
  return x;
}

// Reduction over a 1-D block whose size is a multiple of 32, by a warp reduction (warp_sum, warp_max) and its
// identity; every thread gets the result. scratch: 32 elements of shared memory. The leading barrier lets a block
// call this several times in a row with the same scratch.
template <typename T, T (*Warp)(T)>
__device__ inline T block_reduce(T x, T identity, T* scratch) {
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  int warps = blockDim.x >> 5;
  x = Warp(x);
  __syncthreads();
  if (lane == 0) scratch[warp] = x;
  __syncthreads();
  return Warp(lane < warps ? scratch[lane] : identity);
}

__device__ inline float block_sum(float x, float* scratch) { return block_reduce<float, warp_sum>(x, 0.0f, scratch); }

__device__ inline float block_max(float x, float* scratch) {
  return block_reduce<float, warp_max>(x, -INFINITY, scratch);
}

__device__ inline double block_sum(double x, double* scratch) {
  return block_reduce<double, warp_sum>(x, 0.0, scratch);
}

// Sum over the 32 row lanes (threadIdx.y) of a (32, 32) column block, in a fixed order (deterministic); the result
// is valid in the threads with threadIdx.y == 0. tile: 32 x 33 floats of shared memory (padded: no bank conflicts).
__device__ inline float column_lanes_sum(float x, float (*tile)[kColumnTile + 1]) {
  __syncthreads();
  tile[threadIdx.y][threadIdx.x] = x;
  __syncthreads();
  float sum = 0.0f;
  if (threadIdx.y == 0) {
    for (int r = 0; r < kColumnTile; r++) sum += tile[r][threadIdx.x];
  }
  return sum;
}

// Grid-stride loop over [0, n) with 64-bit indices.
#define IDA4J_GRID_STRIDE(i, n) \
  for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long)blockDim.x * gridDim.x)

}  // namespace ida4j
