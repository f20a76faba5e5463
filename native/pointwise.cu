// Pointwise kernels: residual add and GELU (tanh approximation), forward and backward side by side.
// Semantics match dev.ida4j.backend.Backend; the CUDA backend issue adds the remaining op families.
#include "kernels.h"
#include <math.h>

namespace {
constexpr int kBlock = 256;
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)

unsigned blocks(long n) { return (unsigned)((n + kBlock - 1) / kBlock); }

__global__ void residual_forward_kernel(float* out, const float* a, const float* b, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a[i] + b[i];
}

__global__ void residual_backward_kernel(float* da, float* db, const float* dout, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float g = dout[i];
    if (da) da[i] += g;
    if (db) db[i] += g;
  }
}

__global__ void gelu_forward_kernel(float* out, const float* inp, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float x = inp[i];
    float u = kGeluScale * (x + 0.044715f * x * x * x);
    out[i] = 0.5f * x * (1.0f + tanhf(u));
  }
}

__global__ void gelu_backward_kernel(float* dinp, const float* dout, const float* inp, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    float x = inp[i];
    float u = kGeluScale * (x + 0.044715f * x * x * x);
    float th = tanhf(u);
    // d/dx [0.5 x (1 + tanh u)] = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) du/dx
    float du = kGeluScale * (1.0f + 3.0f * 0.044715f * x * x);
    dinp[i] += dout[i] * (0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du);
  }
}
}  // namespace

extern "C" {
void ida4j_residual_forward(float* out, const float* a, const float* b, long n, cudaStream_t stream) {
  residual_forward_kernel<<<blocks(n), kBlock, 0, stream>>>(out, a, b, n);
}
void ida4j_residual_backward(float* da, float* db, const float* dout, long n, cudaStream_t stream) {
  residual_backward_kernel<<<blocks(n), kBlock, 0, stream>>>(da, db, dout, n);
}
void ida4j_gelu_forward(float* out, const float* inp, long n, cudaStream_t stream) {
  gelu_forward_kernel<<<blocks(n), kBlock, 0, stream>>>(out, inp, n);
}
void ida4j_gelu_backward(float* dinp, const float* dout, const float* inp, long n, cudaStream_t stream) {
  gelu_backward_kernel<<<blocks(n), kBlock, 0, stream>>>(dinp, dout, inp, n);
}
}
