// The linear layer's non-GEMM parts (its products run in cuBLAS): the bias added to every row, column sums for the
// bias gradient (also the position-embedding gradient: a sum over the batch), and the bfloat16 copies of the
// operands of BF16 products. Deterministic: no atomics.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

// out(rows, cols) += bias(cols)
IDA4J_KERNEL void bias_add(float* out, const float* bias, long rows, int cols) {
  IDA4J_GRID_STRIDE(i, rows * cols) out[i] += bias[i % cols];
}

// dst(cols) += Σ_rows src(rows, cols); (32, 32) blocks, block x covers columns [32x, 32x + 32)
IDA4J_KERNEL void column_sum_accumulate(float* dst, const float* src, int rows, long cols) {
  __shared__ float tile[kColumnTile][kColumnTile + 1];
  long col = (long)blockIdx.x * kColumnTile + threadIdx.x;
  float sum = 0.0f;
  if (col < cols) {
    for (int r = threadIdx.y; r < rows; r += kColumnTile) sum += src[(long)r * cols + col];
  }
  sum = column_lanes_sum(sum, tile);
  if (threadIdx.y == 0 && col < cols) dst[col] += sum;
}

// dst(rows, ld) = src(rows, cols) rounded to the nearest bfloat16, ties to even: a BF16 product's operand, its rows
// padded to ld >= cols elements (16-byte aligned rows keep cuBLAS on its fast kernels); the padding is not written
IDA4J_KERNEL void to_bf16(__nv_bfloat16* dst, const float* src, long rows, int cols, int ld) {
  for (long r = blockIdx.y; r < rows; r += gridDim.y) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < cols; c += blockDim.x * gridDim.x) {
      dst[r * ld + c] = __float2bfloat16_rn(src[r * cols + c]);
    }
  }
}
