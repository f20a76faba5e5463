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

// dst(n) = src(n) rounded to the nearest bfloat16, ties to even: a BF16 product's operand
IDA4J_KERNEL void to_bf16(__nv_bfloat16* dst, const float* src, long n) {
  IDA4J_GRID_STRIDE(i, n) dst[i] = __float2bfloat16_rn(src[i]);
}
